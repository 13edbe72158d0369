import { randomUUID } from 'node:crypto'
import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyMovement, creditHistory } from '~/credits/movements.server'
import { orders, paymentNotifications, refunds } from './schema'
import { users } from '~/identity/schema'
import { retentionCutoff } from '~/platform/processing-register'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { deleteExpiredPaymentRecords } from './retention.server'
import { orderValues } from '../../tests/support/orders'

// Runs on PGlite and, under `npm run test:pg`, on PostgreSQL. No database
// guard is involved, so the job is run at chosen moments in the future.
let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

/** A paid order at `paidAt` (created a minute before), with a CONFIRMED notification, as applying one leaves it. */
async function paidOrder(paidAt: Date) {
  const userId = `buyer-${randomUUID()}`
  await handle.db
    .insert(users)
    .values({ id: userId, email: `${userId}@mail.example`, emailNormalized: `${userId}@mail.example` })
  const id = randomUUID()
  const createdAt = new Date(paidAt.getTime() - 60_000)
  await handle.db.insert(orders).values({
    ...orderValues({ userId }),
    id,
    status: 'confirmed',
    bankStatus: 'CONFIRMED',
    paymentId: String(Math.floor(Math.random() * 1e12)),
    receiptEmail: `${userId}@mail.example`,
    locale: 'ru',
    createdAt,
    updatedAt: paidAt,
    paidAt,
  })
  await handle.db.insert(paymentNotifications).values({
    orderId: id,
    paymentId: '1',
    bankStatus: 'CONFIRMED',
    amountKopecks: 59_000,
    outcome: 'applied',
    body: { Status: 'CONFIRMED' },
    receivedAt: paidAt,
  })
  await applyMovement(handle.db, {
    owner: `user:${userId}`,
    delta: 300,
    reason: 'purchase',
    referenceType: 'order',
    referenceId: id,
  })
  return { id, userId }
}

async function exists(orderId: string) {
  const [row] = await handle.db.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId))
  return Boolean(row)
}

describe('the payments retention period', () => {
  it('ends 5 full calendar years after the year of the payment, Moscow time', () => {
    // Anything from 2026 (Moscow) is due from 1 January 2032, 00:00 Moscow time.
    expect(retentionCutoff('payments', new Date('2031-12-31T20:59:59Z')).toISOString()).toBe('2025-12-31T21:00:00.000Z')
    expect(retentionCutoff('payments', new Date('2031-12-31T21:00:00Z')).toISOString()).toBe('2026-12-31T21:00:00.000Z')
    expect(retentionCutoff('payments', new Date('2032-07-01T12:00:00Z')).toISOString()).toBe('2026-12-31T21:00:00.000Z')
  })
})

describe('deleteExpiredPaymentRecords', () => {
  it('deletes an order with its notifications and refunds once its year is 5 years behind, not a moment before', async () => {
    // 23:30 on 31 December 2026 in Moscow: still 2026.
    const order = await paidOrder(new Date('2026-12-31T20:30:00Z'))
    // 00:30 on 1 January 2027 in Moscow: a 2027 payment.
    const next = await paidOrder(new Date('2026-12-31T21:30:00Z'))
    await handle.db.insert(refunds).values({
      orderId: order.id,
      credits: 10,
      amountKopecks: 1_967,
      status: 'succeeded',
      createdAt: new Date('2026-12-31T20:40:00Z'),
      completedAt: new Date('2026-12-31T20:45:00Z'),
    })

    expect(await deleteExpiredPaymentRecords(handle.db, new Date('2031-12-31T20:59:59Z'))).toMatchObject({ orders: 0 })
    expect(await exists(order.id)).toBe(true)

    const result = await deleteExpiredPaymentRecords(handle.db, new Date('2031-12-31T21:00:00Z'))
    expect(result).toEqual({ orders: 1, notifications: 1, refunds: 1 })
    expect(await exists(order.id)).toBe(false)
    expect(await exists(next.id)).toBe(true)
    const left = await handle.db
      .select()
      .from(paymentNotifications)
      .where(inArray(paymentNotifications.orderId, [order.id, next.id]))
    expect(left.map((n) => n.orderId)).toEqual([next.id])

    // The credit ledger is append-only: the purchase stays, naming an order that is gone.
    const movements = await creditHistory(handle.db, `user:${order.userId}`)
    expect(movements).toEqual([expect.objectContaining({ reason: 'purchase', referenceId: order.id })])
  })

  it('counts from the last refund: a refund in a later year keeps the whole order longer', async () => {
    const order = await paidOrder(new Date('2027-12-20T10:00:00Z'))
    await handle.db.insert(refunds).values({
      orderId: order.id,
      credits: 100,
      amountKopecks: 19_667,
      status: 'succeeded',
      createdAt: new Date('2028-01-02T10:00:00Z'),
      completedAt: new Date('2028-01-02T10:05:00Z'),
    })
    await deleteExpiredPaymentRecords(handle.db, new Date('2033-06-01T00:00:00Z'))
    expect(await exists(order.id)).toBe(true)
    await deleteExpiredPaymentRecords(handle.db, new Date('2034-01-01T00:00:00Z'))
    expect(await exists(order.id)).toBe(false)
  })

  it('counts a later notification too, and deletes notifications that matched no order on the same clock', async () => {
    const order = await paidOrder(new Date('2028-03-01T10:00:00Z'))
    await handle.db.insert(paymentNotifications).values({
      orderId: order.id,
      bankStatus: 'CONFIRMED',
      outcome: 'duplicate',
      body: {},
      receivedAt: new Date('2029-01-10T10:00:00Z'),
    })
    const orphanOld = randomUUID()
    const orphanNew = randomUUID()
    await handle.db.insert(paymentNotifications).values([
      {
        orderId: null,
        paymentId: orphanOld,
        outcome: 'bad-token',
        body: {},
        receivedAt: new Date('2028-06-01T00:00:00Z'),
      },
      {
        orderId: null,
        paymentId: orphanNew,
        outcome: 'bad-token',
        body: {},
        receivedAt: new Date('2029-06-01T00:00:00Z'),
      },
    ])
    await deleteExpiredPaymentRecords(handle.db, new Date('2034-02-01T00:00:00Z'))
    expect(await exists(order.id)).toBe(true)
    const orphans = await handle.db
      .select({ paymentId: paymentNotifications.paymentId })
      .from(paymentNotifications)
      .where(inArray(paymentNotifications.paymentId, [orphanOld, orphanNew]))
    expect(orphans.map((o) => o.paymentId)).toEqual([orphanNew])
    await deleteExpiredPaymentRecords(handle.db, new Date('2035-01-01T00:00:00Z'))
    expect(await exists(order.id)).toBe(false)
  })

  it('deletes everything due in one run, and a second run finds nothing', async () => {
    const many = []
    for (let i = 0; i < 12; i++) many.push(await paidOrder(new Date(`2029-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`)))
    const first = await deleteExpiredPaymentRecords(handle.db, new Date('2035-01-01T00:00:00Z'))
    expect(first.orders).toBeGreaterThanOrEqual(12)
    for (const order of many) expect(await exists(order.id)).toBe(false)
    expect(await deleteExpiredPaymentRecords(handle.db, new Date('2035-01-01T00:00:00Z'))).toEqual({
      orders: 0,
      notifications: 0,
      refunds: 0,
    })
  })
})
