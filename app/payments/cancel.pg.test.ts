import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { balanceOf } from '~/credits/movements.server'
import { creditMovements } from '~/credits/schema'
import { postgresDatabaseForFile } from '../../tests/db'
import { insertWaitingOrder } from '../../tests/support/orders'
import { cancelOrder } from './cancel.server'
import { expireOverdueOrders, PAYMENT_DEADLINE_HOURS } from './deadline.server'
import { applyNotification } from './notifications.server'
import type { PaymentProvider } from './provider.server'
import { orders } from './schema'

// The person cancels (or the deadline passes) at the very moment the bank's
// CONFIRMED arrives, on separate connections of a real server: whichever
// takes the order's row lock first, the money taken ends up credited, once.
const database = postgresDatabaseForFile()

function waitingOrder(createdAt = new Date()) {
  return insertWaitingOrder(database.db, { createdAt })
}

function confirmed(order: { id: string; paymentId: string }) {
  return applyNotification(database.db, {
    terminalKey: 'TestTerminal',
    orderId: order.id,
    paymentId: order.paymentId,
    status: 'CONFIRMED',
    amountKopecks: 59_000,
    success: true,
    body: {},
  })
}

/** The bank cancels without delay, as if the person's cancel beat the payment there. */
const cancellingBank: PaymentProvider = {
  kind: 'tbank',
  terminalKey: 'TestTerminal',
  password: 'unused',
  init: () => Promise.reject(new Error('not used here')),
  cancel: () => Promise.reject(new Error('not used here')),
  cancelUnpaid: async () => ({ ok: true, bankStatus: 'CANCELED' }),
}

async function purchases(orderId: string) {
  return database.db
    .select()
    .from(creditMovements)
    .where(and(eq(creditMovements.referenceType, 'order'), eq(creditMovements.referenceId, orderId)))
}

describe('a cancel and a CONFIRMED notification at once, on PostgreSQL', () => {
  it('credit the order exactly once whichever comes first', async () => {
    for (let round = 0; round < 12; round++) {
      const order = await waitingOrder()
      const [cancel, ...notifications] = await Promise.all([
        cancelOrder(database.db, order.userId, order.id, { provider: cancellingBank }),
        confirmed(order),
        confirmed(order),
      ])
      expect(notifications.sort()).toEqual(['applied', 'duplicate'])
      // The cancel either came first (and the CONFIRMED credited the cancelled order) or found it paid.
      expect([true, false]).toContain(cancel!.ok)
      if (!cancel!.ok) expect(cancel!.reason).toBe('paid')
      const [row] = await database.db.select().from(orders).where(eq(orders.id, order.id))
      expect(row).toMatchObject({ status: 'confirmed', bankStatus: 'CONFIRMED' })
      expect(await balanceOf(database.db, `user:${order.userId}`)).toBe(300)
      expect(await purchases(order.id)).toHaveLength(1)
    }
  })

  it('an expiry on read and a CONFIRMED at once: credited once, the order paid', async () => {
    for (let round = 0; round < 8; round++) {
      const order = await waitingOrder(new Date(Date.now() - PAYMENT_DEADLINE_HOURS * 3600_000 - 1000))
      const [, outcome] = await Promise.all([
        expireOverdueOrders(database.db, { userId: order.userId }),
        confirmed(order),
      ])
      expect(outcome).toBe('applied')
      const [row] = await database.db.select().from(orders).where(eq(orders.id, order.id))
      expect(row!.status).toBe('confirmed')
      expect(await balanceOf(database.db, `user:${order.userId}`)).toBe(300)
      expect(await purchases(order.id)).toHaveLength(1)
    }
  })
})
