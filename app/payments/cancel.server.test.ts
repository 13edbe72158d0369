import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { balanceOf } from '~/credits/movements.server'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { insertWaitingOrder } from '../../tests/support/orders'
import { cancelOrder } from './cancel.server'
import { expireOverdueOrders, PAYMENT_DEADLINE_HOURS } from './deadline.server'
import { listOrdersForExport } from './export.server'
import { applyNotification } from './notifications.server'
import type { CancelUnpaidOutcome, PaymentProvider } from './provider.server'
import { orders } from './schema'

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

function waitingOrder(overrides: Partial<typeof orders.$inferInsert> = {}) {
  return insertWaitingOrder(handle.db, overrides)
}

function bank(answer: CancelUnpaidOutcome) {
  const calls: string[] = []
  const provider: PaymentProvider = {
    kind: 'tbank',
    terminalKey: 'TestTerminal',
    password: 'unused',
    init: () => Promise.reject(new Error('not used here')),
    cancel: () => Promise.reject(new Error('not used here')),
    async cancelUnpaid(order) {
      calls.push(order.id)
      return answer
    },
  }
  return { provider, calls }
}

async function orderRow(id: string) {
  const [row] = await handle.db.select().from(orders).where(eq(orders.id, id))
  return row!
}

describe('cancelling an unpaid order', () => {
  it('closes it once the bank has cancelled its payment', async () => {
    const order = await waitingOrder()
    const { provider, calls } = bank({ ok: true, bankStatus: 'CANCELED' })
    expect(await cancelOrder(handle.db, order.userId, order.id, { provider })).toEqual({ ok: true })
    expect(calls).toEqual([order.id])
    expect(await orderRow(order.id)).toMatchObject({ status: 'canceled', bankStatus: 'CANCELED' })
  })

  it.each([
    [{ ok: false, kind: 'paid', detail: 'CONFIRMED' }, 'paid'],
    [{ ok: false, kind: 'in-progress', detail: '3DS_CHECKING' }, 'in-progress'],
    [{ ok: false, kind: 'timeout', detail: 'slow' }, 'bank-unavailable'],
    [{ ok: false, kind: 'declined', detail: '8' }, 'bank-unavailable'],
  ] as const)('leaves it waiting when the bank says %o', async (answer, reason) => {
    const order = await waitingOrder()
    expect(await cancelOrder(handle.db, order.userId, order.id, { provider: bank(answer).provider })).toEqual({
      ok: false,
      reason,
    })
    expect((await orderRow(order.id)).status).toBe('pending')
  })

  it('refuses someone else’s order, an unknown one, and one that is no longer waiting, without asking the bank', async () => {
    const order = await waitingOrder()
    const { provider, calls } = bank({ ok: true, bankStatus: 'CANCELED' })
    expect(await cancelOrder(handle.db, 'someone-else', order.id, { provider })).toEqual({
      ok: false,
      reason: 'not-found',
    })
    expect(await cancelOrder(handle.db, order.userId, 'not-a-uuid', { provider })).toEqual({
      ok: false,
      reason: 'not-found',
    })
    const paid = await waitingOrder({ status: 'confirmed' })
    expect(await cancelOrder(handle.db, paid.userId, paid.id, { provider })).toEqual({ ok: false, reason: 'paid' })
    const late = await waitingOrder({ createdAt: new Date(Date.now() - (PAYMENT_DEADLINE_HOURS + 1) * 3600_000) })
    expect(await cancelOrder(handle.db, late.userId, late.id, { provider })).toEqual({
      ok: false,
      reason: 'not-waiting',
    })
    expect((await orderRow(late.id)).status).toBe('expired')
    expect(calls).toEqual([])
  })

  it('does not close an order a CONFIRMED notification settled while the bank was answering', async () => {
    const order = await waitingOrder()
    const provider: PaymentProvider = {
      ...bank({ ok: true, bankStatus: 'CANCELED' }).provider,
      async cancelUnpaid(o) {
        await applyNotification(handle.db, {
          terminalKey: 'TestTerminal',
          orderId: o.id,
          paymentId: order.paymentId,
          status: 'CONFIRMED',
          amountKopecks: 59_000,
          success: true,
          body: {},
        })
        return { ok: true, bankStatus: 'CANCELED' }
      },
    }
    expect(await cancelOrder(handle.db, order.userId, order.id, { provider })).toEqual({ ok: false, reason: 'paid' })
    expect((await orderRow(order.id)).status).toBe('confirmed')
    expect(await balanceOf(handle.db, `user:${order.userId}`)).toBe(300)
  })
})

describe('expiring overdue orders', () => {
  it('closes only the waiting orders of that person past the deadline', async () => {
    const now = new Date()
    const old = new Date(now.getTime() - PAYMENT_DEADLINE_HOURS * 3600_000 - 1000)
    const overdue = await waitingOrder({ createdAt: old })
    const created = await waitingOrder({ createdAt: old, status: 'created', paymentId: null, paymentUrl: null })
    const authorized = await waitingOrder({ createdAt: old, status: 'authorized' })
    const fresh = await waitingOrder()
    expect(await expireOverdueOrders(handle.db, { userId: overdue.userId }, now)).toBe(1)
    expect(await expireOverdueOrders(handle.db, { userId: created.userId }, now)).toBe(1)
    expect(await expireOverdueOrders(handle.db, { userId: authorized.userId }, now)).toBe(0)
    expect(await expireOverdueOrders(handle.db, { userId: fresh.userId }, now)).toBe(0)
    expect((await orderRow(overdue.id)).status).toBe('expired')
    expect((await orderRow(created.id)).status).toBe('expired')
    expect((await orderRow(authorized.id)).status).toBe('authorized')
    expect((await orderRow(fresh.id)).status).toBe('pending')
  })

  it("once a day closes every account's overdue orders, and leaves the rest waiting", async () => {
    // A moment far ahead of every other test's orders, so only this test's cut-off matters.
    const now = new Date(Date.now() + 365 * 24 * 3600_000)
    const old = new Date(now.getTime() - PAYMENT_DEADLINE_HOURS * 3600_000 - 1000)
    const first = await waitingOrder({ createdAt: old })
    const second = await waitingOrder({ createdAt: old, status: 'created', paymentId: null, paymentUrl: null })
    const authorized = await waitingOrder({ createdAt: old, status: 'authorized' })
    const recent = await waitingOrder({ createdAt: new Date(now.getTime() - 3600_000) })
    expect(await expireOverdueOrders(handle.db, 'every-account', now)).toBeGreaterThanOrEqual(2)
    expect((await orderRow(first.id)).status).toBe('expired')
    expect((await orderRow(second.id)).status).toBe('expired')
    expect((await orderRow(authorized.id)).status).toBe('authorized')
    expect((await orderRow(recent.id)).status).toBe('pending')
    expect(await expireOverdueOrders(handle.db, 'every-account', now)).toBe(0)
  })

  it('reports an overdue order as expired in the data export, whose read-only transaction writes nothing', async () => {
    const overdue = await waitingOrder({ createdAt: new Date(Date.now() - (PAYMENT_DEADLINE_HOURS + 1) * 3600_000) })
    const exported = await handle.db.transaction((tx) => listOrdersForExport(tx, overdue.userId), {
      isolationLevel: 'repeatable read',
      accessMode: 'read only',
    })
    expect(exported).toMatchObject([{ orderId: overdue.id, status: 'expired' }])
    expect((await orderRow(overdue.id)).status).toBe('pending')
  })
})
