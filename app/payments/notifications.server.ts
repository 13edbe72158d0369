import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { applyMovement, balanceOf } from '~/credits/index.server'
import type { Database } from '~/platform/db/client.server'
import { orders, paymentNotifications, refunds, type OrderRow, type OrderStatus } from './schema'
import { isUuid } from '~/platform/uuid'
import { logger } from '~/platform/log.server'
import { mailLinkBase } from '~/platform/mail/links.server'
import { enqueueMail } from '~/outbox/index.server'

/**
 * Applying the bank's payment notifications, exactly once and in order.
 *
 * The order row is locked for the whole decision (SELECT … FOR UPDATE), so
 * deliveries of the same notification, however many arrive at once, are
 * decided one after another: the first moves the order on, the others find
 * it already there. Credits are granted by a ledger movement keyed by the
 * order, which the ledger applies at most once in any case, and the payment
 * mail is owed (mail_outbox) in the same transaction, once per order.
 *
 * Status order: a payment moves NEW → … → AUTHORIZED → CONFIRMED, then
 * possibly PARTIAL_REFUNDED → REFUNDED. A status at or below where the order
 * already is changes nothing (a late AUTHORIZED after CONFIRMED). REJECTED,
 * CANCELED, DEADLINE_EXPIRED (and AUTH_FAIL, REVERSED) close an unpaid order
 * without credits and are ignored once it is paid. CONFIRMED credits an
 * order whatever closed it before (our deadline, the person's cancel, a
 * closing status): the bank took the money.
 */

export type NotificationOutcome = 'applied' | 'duplicate' | 'out-of-order' | 'unknown-order' | 'mismatch' | 'bad-token'

/** Where each progress status stands; higher is later. */
const PROGRESS: Record<string, number> = {
  NEW: 0,
  FORM_SHOWED: 1,
  AUTHORIZING: 2,
  '3DS_CHECKING': 2,
  '3DS_CHECKED': 2,
  AUTHORIZED: 3,
  CONFIRMING: 4,
  CONFIRMED: 5,
  REFUNDING: 5,
  PARTIAL_REFUNDED: 6,
  REFUNDED: 7,
}

/** Statuses that end an unpaid payment, and what the order becomes. */
const CLOSING: Record<string, OrderStatus> = {
  REJECTED: 'rejected',
  AUTH_FAIL: 'rejected',
  CANCELED: 'canceled',
  REVERSED: 'canceled',
  PARTIAL_REVERSED: 'canceled',
  DEADLINE_EXPIRED: 'expired',
}

const PAID: readonly OrderStatus[] = ['confirmed', 'partially-refunded', 'refunded']
const CLOSED: readonly OrderStatus[] = ['rejected', 'canceled', 'expired', 'init-failed']

export type VerifiedNotification = {
  terminalKey: string
  orderId: string
  paymentId: string
  status: string
  amountKopecks: number
  success: boolean
  body: Record<string, unknown>
}

/**
 * The fields of a notification that are stored: what applying it needs
 * (terminal, order, payment, status, amount, success) and what explains a
 * failure to support (error code, message, details). Nothing else is kept:
 * the privacy policy says card details never reach our records, and the bank
 * sends the masked card number (Pan), expiry date (ExpDate), card and
 * recurring-payment ids (CardId, RebillId) and may add more; an allow-list
 * keeps out whatever it adds next. The Token goes too: it signs the full
 * body, which is no longer there to check it against. The signature is
 * verified on the raw body before any of this (webhook.server.ts).
 * Migration 0017 redacts older rows with the same list.
 */
export const STORED_NOTIFICATION_FIELDS = [
  'TerminalKey',
  'OrderId',
  'Success',
  'Status',
  'PaymentId',
  'ErrorCode',
  'Message',
  'Details',
  'Amount',
] as const

/** The notification as it is stored: only the allowed fields, and only scalar values. */
export function redactNotificationBody(body: Record<string, unknown>): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = {}
  for (const field of STORED_NOTIFICATION_FIELDS) {
    const value = body[field]
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    )
      kept[field] = value
  }
  return kept
}

/**
 * The bank's notifications about these orders, for the owner's data export,
 * oldest first per order: what is stored, which is only the redacted body.
 */
export async function listNotificationsForExport(db: Database, orderIds: string[]) {
  if (orderIds.length === 0) return []
  const rows = await db
    .select()
    .from(paymentNotifications)
    .where(inArray(paymentNotifications.orderId, orderIds))
    .orderBy(asc(paymentNotifications.receivedAt), asc(paymentNotifications.id))
  return rows.map((n) => ({
    orderId: n.orderId!,
    receivedAt: n.receivedAt.toISOString(),
    status: n.bankStatus,
    paymentId: n.paymentId,
    amountKopecks: n.amountKopecks,
    outcome: n.outcome,
    fields: n.body as Record<string, string | number | boolean>,
  }))
}

function rankOf(order: OrderRow): number {
  return order.bankStatus ? (PROGRESS[order.bankStatus] ?? 0) : 0
}

async function record(
  tx: Database,
  n: Pick<VerifiedNotification, 'paymentId' | 'status' | 'amountKopecks' | 'body'>,
  orderId: string | null,
  outcome: NotificationOutcome,
) {
  await tx.insert(paymentNotifications).values({
    orderId,
    paymentId: n.paymentId,
    bankStatus: n.status,
    amountKopecks: n.amountKopecks,
    outcome,
    body: redactNotificationBody(n.body),
  })
}

/**
 * Applies one verified notification. `mismatch` and `unknown-order` are
 * refused (the bank is told so and the order is flagged); everything else
 * is acknowledged with OK, including duplicates.
 */
export type ApplyOptions = {
  /** The site's address for links in the payment mail (~/mail/links.server); PUBLIC_URL or this machine when unset. */
  mailBaseUrl?: string
}

export async function applyNotification(
  db: Database,
  n: VerifiedNotification,
  options: ApplyOptions = {},
): Promise<NotificationOutcome> {
  if (!isUuid(n.orderId)) {
    await record(db, n, null, 'unknown-order')
    return 'unknown-order'
  }
  const outcome = await db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.id, n.orderId)).for('update')
    if (!order) {
      await record(tx, n, null, 'unknown-order')
      return 'unknown-order' as const
    }
    const mismatch = mismatchOf(order, n)
    if (mismatch) {
      await tx
        .update(orders)
        .set({ flaggedReason: mismatch, updatedAt: sql`now()` })
        .where(eq(orders.id, order.id))
      await record(tx, n, order.id, 'mismatch')
      return 'mismatch' as const
    }
    const result = await transition(tx, order, n, options)
    await record(tx, n, order.id, result)
    return result
  })
  const level = outcome === 'mismatch' || outcome === 'unknown-order' ? 'error' : 'info'
  logger[level](
    { event: `payment.notification.${outcome}`, orderId: n.orderId, paymentId: n.paymentId, status: n.status },
    'payment notification',
  )
  return outcome
}

function mismatchOf(order: OrderRow, n: VerifiedNotification): string | null {
  if (n.terminalKey !== order.terminalKey) return `terminal ${n.terminalKey} is not the order's`
  if (order.paymentId && n.paymentId !== order.paymentId) return `payment ${n.paymentId} is not the order's`
  // Refund notifications carry the amount refunded; every other status the amount paid.
  const refund = n.status === 'REFUNDED' || n.status === 'PARTIAL_REFUNDED'
  if (!refund && n.amountKopecks !== order.amountKopecks) {
    return `amount ${n.amountKopecks} does not match the order's ${order.amountKopecks}`
  }
  if (refund && (n.amountKopecks <= 0 || n.amountKopecks > order.amountKopecks)) {
    return `refund amount ${n.amountKopecks} is out of range for the order's ${order.amountKopecks}`
  }
  return null
}

async function transition(
  tx: Database,
  order: OrderRow,
  n: VerifiedNotification,
  options: ApplyOptions,
): Promise<NotificationOutcome> {
  if (order.bankStatus === n.status && n.status !== 'PARTIAL_REFUNDED') return 'duplicate'
  const closing = CLOSING[n.status]
  if (closing) {
    if (PAID.includes(order.status) || CLOSED.includes(order.status)) return 'out-of-order'
    await tx
      .update(orders)
      .set({ status: closing, bankStatus: n.status, paymentId: n.paymentId, updatedAt: sql`now()` })
      .where(eq(orders.id, order.id))
    return 'applied'
  }
  const rank = PROGRESS[n.status]
  if (rank === undefined) return 'out-of-order'
  // A closed order moves on only when the bank says the money was taken: an
  // order that expired on our clock, or that the person cancelled while the
  // bank was already charging the card, is still paid and credited.
  if (CLOSED.includes(order.status) && n.status !== 'CONFIRMED') return 'out-of-order'

  if (n.status === 'REFUNDED' || n.status === 'PARTIAL_REFUNDED') {
    if (!PAID.includes(order.status)) return 'out-of-order'
    return applyRefundNotification(tx, order, n)
  }
  if (rank <= rankOf(order)) return 'out-of-order'

  if (n.status === 'CONFIRMED') {
    if (PAID.includes(order.status)) return 'out-of-order'
    if (CLOSED.includes(order.status)) {
      logger.warn(
        { event: 'payment.confirmed-after-close', orderId: order.id, status: order.status },
        'the bank confirmed a payment for an order that was closed: crediting it',
      )
    }
    await applyMovement(tx, {
      owner: `user:${order.userId}`,
      delta: order.credits,
      reason: 'purchase',
      referenceType: 'order',
      referenceId: order.id,
    })
    await tx
      .update(orders)
      .set({
        status: 'confirmed',
        bankStatus: n.status,
        paymentId: n.paymentId,
        paidAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(orders.id, order.id))
    // The payment mail (with the receipt of acceptance) is owed by this transition, which happens
    // once per order; the outbox's unique key would refuse a second one anyway.
    await enqueueMail(tx, {
      kind: 'payment',
      dedupeKey: `payment:${order.id}`,
      userId: order.userId,
      referenceId: order.id,
      locale: order.locale,
      baseUrl: options.mailBaseUrl ?? mailLinkBase(null),
    })
    return 'applied'
  }
  await tx
    .update(orders)
    .set({
      status: rank >= PROGRESS.AUTHORIZED! ? 'authorized' : order.status === 'created' ? 'pending' : order.status,
      bankStatus: n.status,
      paymentId: n.paymentId,
      updatedAt: sql`now()`,
    })
    .where(eq(orders.id, order.id))
  return 'applied'
}

/**
 * A refund the bank reports. Refunds asked for on the site already took
 * their credits back when they were recorded: the notification only settles
 * them. A refund made at the bank directly takes back the credits in the
 * same proportion as the money, as far as the balance allows.
 */
async function applyRefundNotification(tx: Database, order: OrderRow, n: VerifiedNotification) {
  const refundedTotal = Math.min(order.amountKopecks, n.amountKopecks)
  const [pending] = await tx
    .select()
    .from(refunds)
    .where(and(eq(refunds.orderId, order.id), eq(refunds.status, 'requested')))
    .limit(1)
  if (pending) {
    await tx
      .update(refunds)
      .set({ status: 'succeeded', bankStatus: n.status, completedAt: sql`now()` })
      .where(eq(refunds.id, pending.id))
  }
  if (!pending && refundedTotal > order.refundedKopecks) {
    const newKopecks = refundedTotal - order.refundedKopecks
    const wanted = Math.min(
      order.credits - order.refundedCredits,
      Math.ceil((order.credits * refundedTotal) / order.amountKopecks) - order.refundedCredits,
    )
    const owner = `user:${order.userId}` as const
    const available = Math.min(wanted, await balanceOf(tx, owner))
    if (available > 0) {
      await applyMovement(tx, {
        owner,
        delta: -available,
        reason: 'adjustment',
        referenceType: 'bank-refund',
        referenceId: `${order.id}:${refundedTotal}`,
        note: `refund of ${newKopecks} kopecks made at the bank`,
      })
    }
    await tx
      .update(orders)
      .set({
        refundedKopecks: refundedTotal,
        refundedCredits: order.refundedCredits + Math.max(0, available),
        flaggedReason:
          available < wanted ? `bank refund: ${wanted - available} credits were already spent` : order.flaggedReason,
      })
      .where(eq(orders.id, order.id))
  } else if (!pending && refundedTotal <= order.refundedKopecks && order.bankStatus === n.status) {
    return 'duplicate'
  }
  await tx
    .update(orders)
    .set({
      status: n.status === 'REFUNDED' ? 'refunded' : 'partially-refunded',
      bankStatus: n.status,
      updatedAt: sql`now()`,
    })
    .where(eq(orders.id, order.id))
  return 'applied'
}
