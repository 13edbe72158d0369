import { describe, expect, it } from 'vitest'
import type { OrderRow } from '~/payments/schema'
import { formatDate, formatMoney } from '~/platform/i18n/format'
import { ContentUnavailableError } from '~/content/index.server'
import { packNamesIn } from '~/payments/index.server'
import { orderRow, refusalStatus } from './payments-page.server'

const paidAt = new Date('2026-11-20T09:30:00Z')
const order: OrderRow = {
  id: '0b8f5d0e-6c1a-4a43-9d55-2d6f1f3c7a11',
  userId: 'user_1',
  packId: 'small',
  packName: 'Small',
  credits: 40,
  amountKopecks: 49_900,
  provider: 'sandbox',
  terminalKey: 'terminal',
  status: 'confirmed',
  bankStatus: 'CONFIRMED',
  paymentId: '1',
  paymentUrl: null,
  receiptEmail: 'buyer@example.com',
  locale: 'en',
  failure: null,
  flaggedReason: null,
  refundedKopecks: 0,
  refundedCredits: 0,
  createdAt: new Date('2026-11-20T09:29:00Z'),
  updatedAt: paidAt,
  paidAt,
}
const deadline = new Date('2026-12-04T20:59:59Z')

describe('orderRow', () => {
  it('offers the refund the quote allows, in the page language', () => {
    const row = orderRow(order, { ok: true, credits: 30, amountKopecks: 37_425, deadline }, 'en')
    expect(row).toMatchObject({
      id: order.id,
      paidAt: formatDate(paidAt, 'en', true),
      amount: formatMoney(49_900, 'en'),
      refunded: null,
      refund: { ok: true, credits: 30, amount: formatMoney(37_425, 'en'), until: formatDate(deadline, 'en') },
    })
  })

  it('names the rule that bars a refund, with its deadline when there is one', () => {
    expect(orderRow(order, { ok: false, reason: 'too-late', deadline }, 'ru').refund).toEqual({
      ok: false,
      reason: 'too-late',
      until: formatDate(deadline, 'ru'),
    })
    const unpaid = { ...order, status: 'created' as const, paidAt: null }
    const row = orderRow(unpaid, { ok: false, reason: 'not-paid', deadline: null }, 'ru')
    expect(row.refund).toEqual({ ok: false, reason: 'not-paid', until: null })
    expect(row.paidAt).toBeNull()
  })

  it('shows what was refunded only once something was', () => {
    const refunded = { ...order, refundedKopecks: 12_475, refundedCredits: 10 }
    const row = orderRow(refunded, { ok: false, reason: 'already-refunded', deadline }, 'en')
    expect(row.refunded).toBe(formatMoney(12_475, 'en'))
    expect(row.refundedCredits).toBe(10)
  })
})

describe('what an order offers', () => {
  const createdAt = new Date('2026-12-01T10:00:00Z')
  const before = new Date('2026-12-02T09:59:59Z')
  const after = new Date('2026-12-02T10:00:00Z')
  const notPaid = { ok: false, reason: 'not-paid', deadline: null } as const
  const waiting = { ...order, status: 'pending' as const, createdAt, paidAt: null, paymentUrl: 'https://pay.example/x' }

  it('a waiting order: its payment page again and the cancel, until the deadline', () => {
    expect(orderRow(waiting, notPaid, 'en', { now: before })).toMatchObject({
      tone: 'waiting',
      payBy: formatDate(after, 'en', true),
      resumeUrl: 'https://pay.example/x',
      cancellable: true,
      retryUrl: null,
    })
    expect(orderRow(waiting, notPaid, 'en', { now: after })).toMatchObject({
      payBy: null,
      resumeUrl: null,
      cancellable: false,
    })
  })

  it('a waiting order without a payment page: a new checkout and the cancel', () => {
    expect(orderRow({ ...waiting, paymentUrl: null }, notPaid, 'ru', { now: before })).toMatchObject({
      resumeUrl: null,
      cancellable: true,
      retryUrl: '/ru/checkout/small',
    })
  })

  it.each(['rejected', 'canceled', 'expired', 'init-failed'] as const)(
    'a %s order: try again, while the pack is on sale',
    (status) => {
      const closed = { ...waiting, status }
      expect(orderRow(closed, notPaid, 'en', { now: before })).toMatchObject({
        cancellable: false,
        resumeUrl: null,
        retryUrl: '/en/checkout/small',
      })
      expect(orderRow(closed, notPaid, 'en', { now: before, onSale: false }).retryUrl).toBeNull()
    },
  )

  it('a paid order offers neither', () => {
    expect(orderRow(order, { ok: false, reason: 'too-late', deadline }, 'en', { now: before })).toMatchObject({
      tone: 'paid',
      resumeUrl: null,
      cancellable: false,
      retryUrl: null,
    })
  })
})

describe('refusalStatus', () => {
  it('answers 404 for an order that is not yours, 502 when the bank refused, 422 for a rule', () => {
    expect(refusalStatus('not-found')).toBe(404)
    expect(refusalStatus('bank-refused')).toBe(502)
    for (const reason of ['not-paid', 'already-refunded', 'too-late', 'nothing-unspent'] as const) {
      expect(refusalStatus(reason)).toBe(422)
    }
  })
})

describe('the pack’s name on the payments page', () => {
  const bought = { ...order, packId: 'creditPack.small', packName: 'Малый', locale: 'ru' as const }
  const quote = { ok: false as const, reason: 'not-paid' as const, deadline: null }

  it('is the name in the page’s language, whatever language the pack was bought in', () => {
    const names = new Map([['creditPack.small', 'Small']])
    expect(orderRow(bought, quote, 'en', { packNames: names }).packName).toBe('Small')
  })

  it('is the name stored with the order when the pack is no longer sold', () => {
    expect(orderRow(bought, quote, 'en', { packNames: new Map([['creditPack.other', 'Other']]) }).packName).toBe(
      'Малый',
    )
  })
})

describe('packNamesIn', () => {
  const pack = (id: string, ru: string, en: string) => ({
    id,
    credits: 10,
    priceKopecks: 10_000,
    name: { ru, en },
    description: { ru, en },
    order: 1,
  })

  it('names every pack on sale in the language asked for, by id', async () => {
    const source = { creditPacks: async () => [pack('creditPack.small', 'Малый', 'Small')] }
    expect(await packNamesIn('en', source)).toEqual(new Map([['creditPack.small', 'Small']]))
    expect(await packNamesIn('ru', source)).toEqual(new Map([['creditPack.small', 'Малый']]))
  })

  it('gives no names when the content cannot be read, so the orders keep their own', async () => {
    const source = {
      creditPacks: async () => {
        throw new ContentUnavailableError('down')
      },
    }
    expect(await packNamesIn('en', source)).toEqual(new Map())
  })
})
