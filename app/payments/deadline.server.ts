import { and, eq, inArray, lt, sql, type SQL } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { logger } from '~/platform/log.server'
import { orders, type OrderRow, type OrderStatus } from './schema'

/**
 * How long the bank's payment page of an order stays open: sent to T-Bank
 * as the Init's RedirectDueDate (the bank's own default is 24 hours when it
 * is not sent), and the moment an order nobody paid stops waiting. The
 * deadline is derived from the order's created time, so nothing new is
 * stored: createdAt + this.
 */
export const PAYMENT_DEADLINE_HOURS = 24

const HOUR_MS = 60 * 60 * 1000
/** RedirectDueDate is written in Moscow time, as the bank's own example is (+03:00, no daylight saving). */
const MOSCOW_OFFSET_MS = 3 * HOUR_MS

/** Orders that wait for the person to pay: they can be resumed, cancelled, and expire at the deadline. */
export const WAITING_STATUSES: readonly OrderStatus[] = ['created', 'pending']

export function paymentDeadline(createdAt: Date): Date {
  return new Date(createdAt.getTime() + PAYMENT_DEADLINE_HOURS * HOUR_MS)
}

/** The deadline as the bank's RedirectDueDate wants it: `YYYY-MM-DDTHH:MM:SS+03:00`. */
export function redirectDueDate(createdAt: Date): string {
  const moscow = new Date(paymentDeadline(createdAt).getTime() + MOSCOW_OFFSET_MS)
  return `${moscow.toISOString().slice(0, 19)}+03:00`
}

/** True when the order still waits for a payment and its deadline has not passed. */
export function isWaiting(order: Pick<OrderRow, 'status' | 'createdAt'>, now = new Date()): boolean {
  return WAITING_STATUSES.includes(order.status) && now < paymentDeadline(order.createdAt)
}

/**
 * Closes the waiting orders whose payment page has run out (`expired`):
 * those of one person or one order as they are read, and once a day those of
 * every account (the retention schedule), so the table agrees with the pages
 * for orders nobody opens again. The bank's
 * DEADLINE_EXPIRED notification may come later or never. Only `created` and
 * `pending` move: an order the bank has authorized waits for its
 * confirmation. A CONFIRMED notification arriving later still credits an
 * expired order (app/payments/notifications.server.ts): the money was taken.
 */
export async function expireOverdueOrders(
  db: Database,
  scope: { userId: string; orderId?: string } | 'every-account',
  now = new Date(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - PAYMENT_DEADLINE_HOURS * HOUR_MS)
  const conditions: SQL[] = [inArray(orders.status, [...WAITING_STATUSES]), lt(orders.createdAt, cutoff)]
  if (scope !== 'every-account') {
    conditions.push(eq(orders.userId, scope.userId))
    if (scope.orderId) conditions.push(eq(orders.id, scope.orderId))
  }
  const expired = await db
    .update(orders)
    .set({ status: 'expired', updatedAt: sql`now()` })
    .where(and(...conditions))
    .returning({ id: orders.id })
  if (expired.length > 0) {
    logger.info({ event: 'payment.expired', orderIds: expired.map((o) => o.id) }, 'unpaid orders past their deadline')
  }
  return expired.length
}
