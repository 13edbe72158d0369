import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { balanceOf, creditHistory } from '~/credits/movements.server'
import { deliverAccountMail } from '~/flows/account/mails.server'
import { mailOutbox } from '~/outbox/schema'
import { orders, paymentNotifications } from './schema'
import { users } from '~/identity/schema'
import type { MailMessage } from '~/platform/mail/mailer.server'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import {
  applyNotification,
  redactNotificationBody,
  STORED_NOTIFICATION_FIELDS,
  type VerifiedNotification,
} from './notifications.server'

// Runs on PGlite and, under `npm run test:pg`, on PostgreSQL, where the
// concurrent deliveries below run on separate connections.
let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

const TERMINAL = 'TestTerminal'

async function newOrder(opts: { credits?: number; amount?: number } = {}) {
  const userId = `buyer-${randomUUID()}`
  await handle.db
    .insert(users)
    .values({ id: userId, email: `${userId}@mail.example`, emailNormalized: `${userId}@mail.example` })
  const id = randomUUID()
  const paymentId = String(Math.floor(Math.random() * 1e12))
  await handle.db.insert(orders).values({
    id,
    userId,
    packId: 'creditPack.standard',
    packName: 'Стандарт',
    credits: opts.credits ?? 300,
    amountKopecks: opts.amount ?? 59_000,
    provider: 'tbank',
    terminalKey: TERMINAL,
    status: 'pending',
    paymentId,
    receiptEmail: `${userId}@mail.example`,
    locale: 'ru',
  })
  return { id, userId, paymentId, owner: `user:${userId}` as const }
}

function notification(
  order: { id: string; paymentId: string },
  status: string,
  amount = 59_000,
  extra: Partial<VerifiedNotification> = {},
): VerifiedNotification {
  return {
    terminalKey: TERMINAL,
    orderId: order.id,
    paymentId: order.paymentId,
    status,
    amountKopecks: amount,
    success: true,
    body: { Status: status, OrderId: order.id },
    ...extra,
  }
}

async function orderRow(id: string) {
  const [row] = await handle.db.select().from(orders).where(eq(orders.id, id))
  return row!
}

describe('payment notifications', () => {
  it('grants the credits once on CONFIRMED, however many times it is delivered at once', async () => {
    const order = await newOrder()
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => applyNotification(handle.db, notification(order, 'CONFIRMED'))),
    )
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19)
    expect(await balanceOf(handle.db, order.owner)).toBe(300)
    expect((await creditHistory(handle.db, order.owner)).filter((m) => m.reason === 'purchase')).toHaveLength(1)
    expect(await orderRow(order.id)).toMatchObject({ status: 'confirmed', bankStatus: 'CONFIRMED' })
    expect((await orderRow(order.id)).paidAt).toBeInstanceOf(Date)
    const logged = await handle.db.select().from(paymentNotifications).where(eq(paymentNotifications.orderId, order.id))
    expect(logged).toHaveLength(20)
  })

  it('owes and sends the payment mail exactly once, however many times CONFIRMED is delivered at once', async () => {
    const order = await newOrder()
    await handle.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, order.userId))
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        applyNotification(handle.db, notification(order, 'CONFIRMED'), { mailBaseUrl: 'https://palitra.example' }),
      ),
    )
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1)
    const owed = await handle.db.select().from(mailOutbox).where(eq(mailOutbox.referenceId, order.id))
    expect(owed).toMatchObject([
      {
        kind: 'payment',
        dedupeKey: `payment:${order.id}`,
        userId: order.userId,
        locale: 'ru',
        baseUrl: 'https://palitra.example',
        status: 'pending',
      },
    ])

    // Several senders at once (instances, the webhook's own kick, the periodic round): one mail.
    const sent: MailMessage[] = []
    const send = async (message: MailMessage) => void sent.push(message)
    await Promise.all(Array.from({ length: 5 }, () => deliverAccountMail(handle.db, { send })))
    expect(sent.filter((m) => m.subject.includes(order.id))).toHaveLength(1)
    expect(sent.find((m) => m.subject.includes(order.id))!.to).toBe(`${order.userId}@mail.example`)

    // The bank repeats CONFIRMED later: nothing more is owed or sent.
    expect(await applyNotification(handle.db, notification(order, 'CONFIRMED'))).toBe('duplicate')
    await deliverAccountMail(handle.db, { send })
    expect(sent.filter((m) => m.subject.includes(order.id))).toHaveLength(1)
    expect(await handle.db.select().from(mailOutbox).where(eq(mailOutbox.referenceId, order.id))).toMatchObject([
      { status: 'sent', attempts: 1 },
    ])
  })

  it('owes no mail for a payment that is declined', async () => {
    const order = await newOrder()
    expect(await applyNotification(handle.db, notification(order, 'REJECTED'))).toBe('applied')
    expect(await handle.db.select().from(mailOutbox).where(eq(mailOutbox.referenceId, order.id))).toEqual([])
  })

  it('keeps status order: a late AUTHORIZED after CONFIRMED changes nothing', async () => {
    const order = await newOrder()
    expect(await applyNotification(handle.db, notification(order, 'AUTHORIZED'))).toBe('applied')
    expect((await orderRow(order.id)).status).toBe('authorized')
    expect(await applyNotification(handle.db, notification(order, 'CONFIRMED'))).toBe('applied')
    expect(await applyNotification(handle.db, notification(order, 'AUTHORIZED'))).toBe('out-of-order')
    expect(await applyNotification(handle.db, notification(order, 'CANCELED'))).toBe('out-of-order')
    expect(await orderRow(order.id)).toMatchObject({ status: 'confirmed', bankStatus: 'CONFIRMED' })
    expect(await balanceOf(handle.db, order.owner)).toBe(300)
  })

  it.each([
    ['REJECTED', 'rejected'],
    ['CANCELED', 'canceled'],
    ['DEADLINE_EXPIRED', 'expired'],
  ])(
    'closes the order without credits on %s; only a later CONFIRMED (the money was taken after all) credits it',
    async (status, closed) => {
      const order = await newOrder()
      expect(await applyNotification(handle.db, notification(order, status))).toBe('applied')
      expect((await orderRow(order.id)).status).toBe(closed)
      expect(await balanceOf(handle.db, order.owner)).toBe(0)
      // A late AUTHORIZED does not reopen it: the money is only held, and may still be released.
      expect(await applyNotification(handle.db, notification(order, 'AUTHORIZED'))).toBe('out-of-order')
      expect((await orderRow(order.id)).status).toBe(closed)
      // CONFIRMED does, once: a second attempt on the bank's form can succeed after a declined one.
      expect(await applyNotification(handle.db, notification(order, 'CONFIRMED'))).toBe('applied')
      expect(await applyNotification(handle.db, notification(order, 'CONFIRMED'))).toBe('duplicate')
      expect(await orderRow(order.id)).toMatchObject({ status: 'confirmed', bankStatus: 'CONFIRMED' })
      expect(await balanceOf(handle.db, order.owner)).toBe(300)
    },
  )

  it.each(['expired', 'canceled'] as const)(
    'credits a CONFIRMED for an order %s on our side (our deadline, the person’s cancel), once',
    async (closedHere) => {
      const order = await newOrder()
      await handle.db.update(orders).set({ status: closedHere }).where(eq(orders.id, order.id))
      const twice = await Promise.all([
        applyNotification(handle.db, notification(order, 'CONFIRMED')),
        applyNotification(handle.db, notification(order, 'CONFIRMED')),
      ])
      expect(twice.sort()).toEqual(['applied', 'duplicate'])
      expect(await orderRow(order.id)).toMatchObject({ status: 'confirmed', paidAt: expect.any(Date) })
      expect(await balanceOf(handle.db, order.owner)).toBe(300)
      expect(await handle.db.select().from(mailOutbox).where(eq(mailOutbox.referenceId, order.id))).toHaveLength(1)
    },
  )

  it('refuses and flags a notification whose amount or terminal does not match the order', async () => {
    const order = await newOrder()
    expect(await applyNotification(handle.db, notification(order, 'CONFIRMED', 100))).toBe('mismatch')
    expect((await orderRow(order.id)).flaggedReason).toMatch(/amount 100/)
    const other = await newOrder()
    expect(
      await applyNotification(handle.db, notification(other, 'CONFIRMED', 59_000, { terminalKey: 'Elsewhere' })),
    ).toBe('mismatch')
    expect((await orderRow(other.id)).flaggedReason).toMatch(/terminal/)
    expect(await balanceOf(handle.db, order.owner)).toBe(0)
    expect(await balanceOf(handle.db, other.owner)).toBe(0)
    expect((await orderRow(order.id)).status).toBe('pending')
  })

  it('does not know orders it never made', async () => {
    expect(await applyNotification(handle.db, notification({ id: randomUUID(), paymentId: '1' }, 'CONFIRMED'))).toBe(
      'unknown-order',
    )
    expect(await applyNotification(handle.db, notification({ id: 'not-a-uuid', paymentId: '1' }, 'CONFIRMED'))).toBe(
      'unknown-order',
    )
  })

  it('takes back the refunded credits of a refund made at the bank, as far as they are unspent', async () => {
    const order = await newOrder({ credits: 100, amount: 25_000 })
    await applyNotification(handle.db, notification(order, 'CONFIRMED', 25_000))
    expect(await applyNotification(handle.db, notification(order, 'PARTIAL_REFUNDED', 10_000))).toBe('applied')
    expect(await balanceOf(handle.db, order.owner)).toBe(60)
    expect(await orderRow(order.id)).toMatchObject({
      status: 'partially-refunded',
      refundedKopecks: 10_000,
      refundedCredits: 40,
    })
    // The same report again changes nothing.
    expect(await applyNotification(handle.db, notification(order, 'PARTIAL_REFUNDED', 10_000))).toBe('duplicate')
    expect(await applyNotification(handle.db, notification(order, 'REFUNDED', 25_000))).toBe('applied')
    expect(await balanceOf(handle.db, order.owner)).toBe(0)
    expect(await orderRow(order.id)).toMatchObject({
      status: 'refunded',
      refundedKopecks: 25_000,
      refundedCredits: 100,
    })
  })
})

describe('what is stored of a notification', () => {
  // The shape the bank sends for a card payment (tests/mocks/tbank.ts), with the extras it may add.
  const bankBody = (order: { id: string; paymentId: string }, status: string) => ({
    TerminalKey: TERMINAL,
    OrderId: order.id,
    Success: true,
    Status: status,
    PaymentId: Number(order.paymentId),
    ErrorCode: '0',
    Message: 'OK',
    Amount: 59_000,
    CardId: 4_021_337,
    Pan: '220000******0004',
    ExpDate: '1230',
    RebillId: 145_919,
    Data: { Source: 'cards', Phone: '+70000000000' },
    Token: 'f'.repeat(64),
  })

  it('keeps only the allowed fields, as scalars', () => {
    const order = { id: randomUUID(), paymentId: '700000001' }
    expect(redactNotificationBody(bankBody(order, 'CONFIRMED'))).toEqual({
      TerminalKey: TERMINAL,
      OrderId: order.id,
      Success: true,
      Status: 'CONFIRMED',
      PaymentId: 700000001,
      ErrorCode: '0',
      Message: 'OK',
      Amount: 59_000,
    })
    expect(redactNotificationBody({ Status: { nested: 'PAN 2200' }, Amount: Number.NaN, Details: null })).toEqual({})
    expect(STORED_NOTIFICATION_FIELDS).not.toContain('Pan')
  })

  it('stores an applied notification without card number, expiry date, card or rebill id', async () => {
    const order = await newOrder()
    const body = bankBody(order, 'CONFIRMED')
    expect(await applyNotification(handle.db, notification(order, 'CONFIRMED', 59_000, { body }))).toBe('applied')
    const [stored] = await handle.db
      .select()
      .from(paymentNotifications)
      .where(eq(paymentNotifications.orderId, order.id))
    expect(Object.keys(stored!.body as object).sort()).toEqual([
      'Amount',
      'ErrorCode',
      'Message',
      'OrderId',
      'PaymentId',
      'Status',
      'Success',
      'TerminalKey',
    ])
    // The ids are random and may hold any run of digits ('…1230…' in a UUID):
    // the card details must appear nowhere else in what is stored.
    const { id: _id, orderId: _orderId, paymentId: _paymentId, ...rest } = stored!
    const { OrderId: _bodyOrderId, PaymentId: _bodyPaymentId, ...restOfBody } = stored!.body as Record<string, unknown>
    const text = JSON.stringify({ ...rest, body: restOfBody })
    for (const secret of ['220000', '1230', '4021337', '145919', '+70000000000', 'f'.repeat(64)]) {
      expect(text).not.toContain(secret)
    }
  })
})
