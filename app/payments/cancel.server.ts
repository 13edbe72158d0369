import { eq, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { logger } from '~/platform/log.server'
import { isUuid } from '~/platform/uuid'
import { expireOverdueOrders, WAITING_STATUSES } from './deadline.server'
import { getPaymentProvider, type PaymentProvider } from './provider.server'
import { orders, type OrderStatus } from './schema'

const PAID: readonly OrderStatus[] = ['authorized', 'confirmed', 'partially-refunded', 'refunded']

export type CancelOrderOutcome =
  { ok: true } | { ok: false; reason: 'not-found' | 'not-waiting' | 'paid' | 'in-progress' | 'bank-unavailable' }

/**
 * The person gives up an order they have not paid: the bank's payment is
 * cancelled first (T-Bank: GetState, then Cancel only while the payment is
 * NEW or FORM_SHOWED, which the bank turns into CANCELED), then the order
 * becomes `canceled`, under the same row lock a notification takes. If the
 * bank already holds or took the money, nothing is cancelled and the bank's
 * notification credits the order; if a CONFIRMED notification arrives after
 * the cancel all the same, it still credits it (notifications.server.ts).
 */
export async function cancelOrder(
  db: Database,
  userId: string,
  orderId: string,
  opts: { now?: Date; provider?: PaymentProvider } = {},
): Promise<CancelOrderOutcome> {
  if (!isUuid(orderId)) return { ok: false, reason: 'not-found' }
  await expireOverdueOrders(db, { userId, orderId }, opts.now)
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId))
  if (!order || order.userId !== userId) return { ok: false, reason: 'not-found' }
  if (!WAITING_STATUSES.includes(order.status)) {
    return { ok: false, reason: PAID.includes(order.status) ? 'paid' : 'not-waiting' }
  }
  const provider = opts.provider ?? getPaymentProvider()
  const bank = await provider.cancelUnpaid(order)
  if (!bank.ok) {
    logger.warn(
      { event: 'payment.cancel-refused', orderId, kind: bank.kind, detail: bank.detail },
      'order not cancelled',
    )
    if (bank.kind === 'paid' || bank.kind === 'in-progress') return { ok: false, reason: bank.kind }
    return { ok: false, reason: 'bank-unavailable' }
  }
  if (bank.bankStatus && bank.bankStatus !== 'CANCELED') {
    logger.warn(
      { event: 'payment.cancel-unexpected', orderId, bankStatus: bank.bankStatus },
      'the bank closed it otherwise',
    )
  }
  const outcome = await db.transaction(async (tx) => {
    const [locked] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update')
    // A notification moved it on while the bank was answering: that is what happened.
    if (!locked || !WAITING_STATUSES.includes(locked.status)) {
      return {
        ok: false as const,
        reason: locked && PAID.includes(locked.status) ? ('paid' as const) : ('not-waiting' as const),
      }
    }
    await tx
      .update(orders)
      .set({ status: 'canceled', bankStatus: bank.bankStatus ?? locked.bankStatus, updatedAt: sql`now()` })
      .where(eq(orders.id, orderId))
    return { ok: true as const }
  })
  if (outcome.ok) logger.info({ event: 'payment.canceled', orderId }, 'order cancelled by its buyer')
  return outcome
}
