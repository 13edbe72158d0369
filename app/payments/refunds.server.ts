import { and, eq, sql } from 'drizzle-orm'
import { applyMovement, balanceAndSources, lockBalance } from '~/credits/index.server'
import type { Database } from '~/platform/db/client.server'
import { orders, refunds, type OrderRow } from './schema'
import { logger } from '~/platform/log.server'
import { isUuid } from '~/platform/uuid'
import { applyNotification } from './notifications.server'
import { getPaymentProvider, signedNotification, type PaymentProvider } from './provider.server'

/**
 * Refunds of unused credits (terms 7.1): within 14 calendar days of the
 * payment date, counted from the day after it, for the credits of that
 * purchase not yet spent. Credits are spent oldest first (terms 6.6), so the
 * credits still on the balance belong to the newest sources: the balance is
 * shared out over the credit sources from the newest back. The amount is the
 * price times unspent over total credits, rounded up to the kopeck (in the
 * person's favour).
 */

export const REFUND_WINDOW_DAYS = 14
const DAY_MS = 24 * 60 * 60 * 1000

/** The reference type of the movement that gives the credits back after the bank refused a refund. */
const REFUSED_REFUND_REFERENCE = 'refund-failed'

export type RefundQuote =
  | { ok: true; credits: number; amountKopecks: number; deadline: Date }
  | { ok: false; reason: 'not-paid' | 'already-refunded' | 'too-late' | 'nothing-unspent'; deadline: Date | null }

/** The last moment a refund can be asked for: the end of the 14th day after the payment day (Moscow time). */
export function refundDeadline(paidAt: Date): Date {
  const moscow = new Date(paidAt.getTime() + 3 * 60 * 60 * 1000)
  const dayStart = Date.UTC(moscow.getUTCFullYear(), moscow.getUTCMonth(), moscow.getUTCDate()) - 3 * 60 * 60 * 1000
  return new Date(dayStart + (REFUND_WINDOW_DAYS + 1) * DAY_MS - 1)
}

/**
 * Credits of each of the person's orders still on the balance, by
 * oldest-first spending: one pass over their credit sources. Read inside the
 * caller's transaction.
 */
export async function unspentCreditsByOrder(tx: Database, userId: string): Promise<Map<string, number>> {
  // Not the credits given back when the bank refused a refund: like refunds
  // of failed jobs, they return credits to where they came from. Counted as
  // a source, the give-back would be the newest one, absorb the balance first
  // and leave the order looking spent, so the refund could never be asked
  // for again.
  const { balance, sources } = await balanceAndSources(tx, `user:${userId}`, { except: REFUSED_REFUND_REFERENCE })
  let remaining = balance
  const purchased = await tx.select().from(orders).where(eq(orders.userId, userId))
  const refundedByOrder = new Map(purchased.map((o) => [o.id, o.refundedCredits]))
  const unspent = new Map<string, number>()
  for (const source of sources.reverse()) {
    const already = source.referenceType === 'order' ? (refundedByOrder.get(source.referenceId) ?? 0) : 0
    const share = Math.max(0, Math.min(remaining, source.delta - already))
    if (source.referenceType === 'order') unspent.set(source.referenceId, share)
    remaining -= share
  }
  return unspent
}

/** `unspent` from unspentCreditsByOrder when quoting several orders of one person; read here otherwise. */
export async function quoteRefund(
  tx: Database,
  order: OrderRow,
  now = new Date(),
  unspent?: Map<string, number>,
): Promise<RefundQuote> {
  // A late request for an order refunded in full (e.g. a second tab) is told so, not that it was never paid.
  if (order.status === 'refunded') return { ok: false, reason: 'already-refunded', deadline: null }
  if (!order.paidAt || (order.status !== 'confirmed' && order.status !== 'partially-refunded')) {
    return { ok: false, reason: 'not-paid', deadline: null }
  }
  const deadline = refundDeadline(order.paidAt)
  if (now > deadline) return { ok: false, reason: 'too-late', deadline }
  const credits = (unspent ?? (await unspentCreditsByOrder(tx, order.userId))).get(order.id) ?? 0
  if (credits <= 0) return { ok: false, reason: 'nothing-unspent', deadline }
  const amountKopecks = Math.min(
    order.amountKopecks - order.refundedKopecks,
    Math.ceil((order.amountKopecks * credits) / order.credits),
  )
  return { ok: true, credits, amountKopecks, deadline }
}

export type RefundOutcome =
  | { ok: true; credits: number; amountKopecks: number; state: 'succeeded' | 'requested' }
  | {
      ok: false
      reason: 'not-found' | 'not-paid' | 'already-refunded' | 'too-late' | 'nothing-unspent' | 'bank-refused'
    }

/**
 * Takes the unspent credits back and records the refund in one transaction,
 * then asks the bank to return the money (Cancel with the Amount). If the
 * bank refuses, a compensating movement gives the credits back; if it does
 * not answer in time the refund stays requested and the bank's notification
 * settles it.
 */
export async function requestRefund(
  db: Database,
  userId: string,
  orderId: string,
  opts: { now?: Date; provider?: PaymentProvider } = {},
): Promise<RefundOutcome> {
  // Not a UUID: no order has that id, and the uuid column would refuse the query with an error.
  if (!isUuid(orderId)) return { ok: false, reason: 'not-found' }
  const provider = opts.provider ?? getPaymentProvider()
  const recorded = await db.transaction(async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, orderId), eq(orders.userId, userId)))
      .for('update')
    if (!order) return { ok: false as const, reason: 'not-found' as const }
    // Lock the balance too: spending and refunding must not interleave.
    await lockBalance(tx, `user:${userId}`)
    const quote = await quoteRefund(tx, order, opts.now)
    if (!quote.ok) return { ok: false as const, reason: quote.reason }
    const [refund] = await tx
      .insert(refunds)
      .values({ orderId, credits: quote.credits, amountKopecks: quote.amountKopecks })
      .returning()
    await applyMovement(tx, {
      owner: `user:${userId}`,
      delta: -quote.credits,
      reason: 'adjustment',
      referenceType: 'refund',
      referenceId: refund!.id,
      note: `refund of ${quote.amountKopecks} kopecks for order ${orderId}`,
    })
    const [updated] = await tx
      .update(orders)
      .set({
        refundedCredits: order.refundedCredits + quote.credits,
        refundedKopecks: order.refundedKopecks + quote.amountKopecks,
        updatedAt: sql`now()`,
      })
      .where(eq(orders.id, orderId))
      .returning()
    return {
      ok: true as const,
      order: updated!,
      before: order,
      refundId: refund!.id,
      credits: quote.credits,
      amountKopecks: quote.amountKopecks,
    }
  })
  if (!recorded.ok) return recorded

  const answer = await provider.cancel(recorded.before, recorded.amountKopecks, recorded.credits)
  if (answer.ok) {
    await db
      .update(refunds)
      .set({ status: 'succeeded', bankStatus: answer.bankStatus, completedAt: sql`now()` })
      .where(eq(refunds.id, recorded.refundId))
    await db
      .update(orders)
      .set({
        status: recorded.order.refundedKopecks >= recorded.order.amountKopecks ? 'refunded' : 'partially-refunded',
        updatedAt: sql`now()`,
      })
      .where(eq(orders.id, orderId))
    if (provider.kind === 'sandbox') {
      // The sandbox reports the refund the way the bank does, through the same code.
      await applyNotification(db, {
        terminalKey: provider.terminalKey,
        orderId,
        paymentId: recorded.order.paymentId ?? '',
        status: answer.bankStatus,
        amountKopecks: recorded.order.refundedKopecks,
        success: true,
        body: signedNotification(provider, {
          orderId,
          paymentId: recorded.order.paymentId ?? '0',
          status: answer.bankStatus,
          amountKopecks: recorded.order.refundedKopecks,
        }),
      })
    }
    logger.info({ event: 'payment.refunded', orderId, credits: recorded.credits }, 'refund sent to the bank')
    return { ok: true, credits: recorded.credits, amountKopecks: recorded.amountKopecks, state: 'succeeded' }
  }
  if (answer.kind === 'timeout') {
    logger.warn({ event: 'payment.refund-pending', orderId }, 'the bank did not answer the refund in time')
    return { ok: true, credits: recorded.credits, amountKopecks: recorded.amountKopecks, state: 'requested' }
  }
  // Refused by the bank: the credits go back on the balance and the order is
  // as it was, so the same unspent credits can be asked for again.
  await db.transaction(async (tx) => {
    // The order first, then the balance (applyMovement), in the same order as
    // a refund request and a notification take them: the other way round, a
    // request arriving now could deadlock with this give-back.
    await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, orderId)).for('update')
    await tx
      .update(refunds)
      .set({ status: 'failed', failure: answer.detail.slice(0, 500), completedAt: sql`now()` })
      .where(eq(refunds.id, recorded.refundId))
    await applyMovement(tx, {
      owner: `user:${userId}`,
      delta: recorded.credits,
      reason: 'adjustment',
      referenceType: REFUSED_REFUND_REFERENCE,
      referenceId: recorded.refundId,
      note: 'the bank refused the refund',
    })
    await tx
      .update(orders)
      .set({
        refundedCredits: sql`${orders.refundedCredits} - ${recorded.credits}`,
        refundedKopecks: sql`${orders.refundedKopecks} - ${recorded.amountKopecks}`,
        updatedAt: sql`now()`,
      })
      .where(eq(orders.id, orderId))
  })
  logger.error({ event: 'payment.refund-refused', orderId, detail: answer.detail }, 'the bank refused a refund')
  return { ok: false, reason: 'bank-refused' }
}
