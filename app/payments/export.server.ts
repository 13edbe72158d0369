import { desc, eq } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { listNotificationsForExport } from './notifications.server'
import { orders } from './schema'
import { isWaiting, WAITING_STATUSES } from './deadline.server'

/**
 * An account's orders for its data export, newest first: what was bought,
 * paid and refunded (receipt details included), each with the bank's
 * notifications about it as they are stored (no card details). Two queries.
 */
export async function listOrdersForExport(db: Database, userId: string) {
  const rows = await db.select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt))
  const notifications = await listNotificationsForExport(
    db,
    rows.map((o) => o.id),
  )
  return rows.map((o) => ({
    orderId: o.id,
    pack: o.packName,
    credits: o.credits,
    amountKopecks: o.amountKopecks,
    currency: 'RUB',
    // Read in a read-only transaction: an order past its payment deadline is reported as the page shows it.
    status: WAITING_STATUSES.includes(o.status) && !isWaiting(o) ? ('expired' as const) : o.status,
    provider: o.provider,
    paymentId: o.paymentId,
    receiptEmail: o.receiptEmail,
    refundedKopecks: o.refundedKopecks,
    refundedCredits: o.refundedCredits,
    createdAt: o.createdAt.toISOString(),
    paidAt: o.paidAt?.toISOString() ?? null,
    bankNotifications: notifications.filter((n) => n.orderId === o.id).map(({ orderId: _orderId, ...n }) => n),
  }))
}
