import { describe, expect, it } from 'vitest'
import type { OrderRow } from '~/payments/schema'
import { formatDate, formatMoney } from '~/platform/i18n/format'
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
