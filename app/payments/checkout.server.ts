import { randomUUID } from 'node:crypto'
import { and, desc, eq, sql } from 'drizzle-orm'
import { checkSubmittedAcceptance, recordFormAcceptance } from '~/acceptances/index.server'
import { getDb, type Database } from '~/platform/db/client.server'
import { orders, type OrderRow } from './schema'
import { mailAddressOf } from '~/identity/index.server'
import { getEnv } from '~/platform/env.server'
import type { Locale } from '~/platform/i18n/locales'
import { formFailure, type FormFailure } from '~/platform/form'
import { isUuid } from '~/platform/uuid'
import { logger } from '~/platform/log.server'
import { findCreditPack } from './packs.server'
import { getPaymentProvider } from './provider.server'
import { expireOverdueOrders } from './deadline.server'

export const CHECKOUT_KINDS = ['terms'] as const

export type CheckoutOutcome =
  | { ok: true; redirectTo: string }
  | {
      ok: false
      status: 400 | 403 | 404 | 409 | 422 | 502 | 504
      failure: FormFailure
      orderId?: string
    }

/**
 * Where the receipt of an account's purchase may go: its address, and only
 * once the person has confirmed it (the bank mails the 54-FZ receipt there,
 * and we mail the acceptance receipt). Pass a transaction to lock the row
 * for it (FOR SHARE), so the address cannot change before the order is written.
 */
export async function receiptAddress(
  db: Database,
  userId: string,
  { lock = false }: { lock?: boolean } = {},
): Promise<{ ok: true; email: string } | { ok: false; reason: 'no-email' | 'unverified' }> {
  const address = await mailAddressOf(db, userId, { lock })
  if (!address?.email) return { ok: false, reason: 'no-email' }
  if (!address.verified) return { ok: false, reason: 'unverified' }
  return { ok: true, email: address.email }
}

/** The refusal for an account whose address is missing or not confirmed. */
function receiptRefusal(reason: 'no-email' | 'unverified', email: string | null): CheckoutOutcome {
  if (reason === 'no-email') return { ok: false, status: 422, failure: formFailure({}, {}, 'checkout:errors.no-email') }
  return {
    ok: false,
    status: 403,
    failure: formFailure({}, {}, 'checkout:errors.unverified', { email: email ?? '' }),
  }
}

/** The transaction found the account's address no longer fit for a receipt: nothing was written. */
class ReceiptAddressChanged extends Error {
  constructor(readonly reason: 'no-email' | 'unverified') {
    super(`receipt address refused: ${reason}`)
  }
}

/** Where the bank sends people back and its notifications to: absolute addresses on PUBLIC_URL (or the request's origin). */
export function paymentUrls(origin: string, order: Pick<OrderRow, 'id' | 'locale'>) {
  const base = (getEnv().PUBLIC_URL ?? origin).replace(/\/$/, '')
  return {
    notification: `${base}/webhooks/tbank`,
    success: `${base}/${order.locale}/checkout/${order.id}/done?result=success`,
    fail: `${base}/${order.locale}/checkout/${order.id}/done?result=fail`,
  }
}

/**
 * Paying for a pack: the account's address must be confirmed (it receives
 * the receipts), and the terms version in force must be accepted on this
 * form. The order (with the pack's credits and price as they are now) and
 * the `payment` acceptance rows are written in one transaction; then the
 * bank is asked for a payment page. If the terms changed while the page was
 * open, nothing is created and the page comes back with the new version.
 */
export async function startCheckout(input: {
  user: { id: string; email: string | null }
  form: FormData
  locale: Locale
  origin: string
  evidence: { ip: string | null; userAgent: string | null }
}): Promise<CheckoutOutcome> {
  const { user, form, locale } = input
  const packId = String(form.get('packId') ?? '')
  const pack = await findCreditPack(packId)
  if (!pack) return { ok: false, status: 404, failure: formFailure({}, {}, 'checkout:errors.no-pack') }
  const db = await getDb()
  // The database says whether the address is confirmed, not the session's copy of the account.
  const address = await receiptAddress(db, user.id)
  if (!address.ok) return receiptRefusal(address.reason, user.email)
  const acceptance = await checkSubmittedAcceptance(form, [...CHECKOUT_KINDS], locale)
  if (!acceptance.ok) return { ok: false, status: acceptance.status, failure: acceptance.failure }

  const provider = getPaymentProvider()
  const id = randomUUID()
  let order: OrderRow
  try {
    order = await db.transaction(async (tx) => {
      // Checked again under a lock: the receipt address is the confirmed one at the moment of the order.
      const receipt = await receiptAddress(tx, user.id, { lock: true })
      if (!receipt.ok) throw new ReceiptAddressChanged(receipt.reason)
      const [row] = await tx
        .insert(orders)
        .values({
          id,
          userId: user.id,
          packId: pack.id,
          packName: pack.name[locale],
          credits: pack.credits,
          amountKopecks: pack.priceKopecks,
          provider: provider.kind,
          terminalKey: provider.terminalKey,
          receiptEmail: receipt.email,
          locale,
        })
        .returning()
      await recordFormAcceptance(tx, {
        subject: { userId: user.id },
        event: 'payment',
        documents: acceptance.documents,
        locale,
        evidence: input.evidence,
        action: { type: 'order', id },
      })
      return row!
    })
  } catch (error) {
    if (error instanceof ReceiptAddressChanged) return receiptRefusal(error.reason, user.email)
    throw error
  }

  const init = await provider.init(order, paymentUrls(input.origin, order))
  if (init.ok) {
    await db
      .update(orders)
      .set({ status: 'pending', paymentId: init.paymentId, paymentUrl: init.paymentUrl, updatedAt: sql`now()` })
      .where(and(eq(orders.id, id), eq(orders.status, 'created')))
    logger.info({ event: 'payment.started', orderId: id, provider: provider.kind }, 'payment started')
    return { ok: true, redirectTo: init.paymentUrl }
  }
  // A timeout leaves it open: the bank may have started the payment, and its notification will say so.
  const status = init.kind === 'timeout' ? 'pending' : 'init-failed'
  await db
    .update(orders)
    .set({ status, failure: `${init.kind}: ${init.detail}`.slice(0, 500), updatedAt: sql`now()` })
    .where(eq(orders.id, id))
  logger.error(
    { event: 'payment.init-failed', orderId: id, kind: init.kind, detail: init.detail },
    'payment not started',
  )
  return {
    ok: false,
    status: init.kind === 'timeout' ? 504 : 502,
    orderId: id,
    failure: formFailure(
      {},
      {},
      init.kind === 'timeout' ? 'checkout:errors.bank-timeout' : 'checkout:errors.bank-refused',
    ),
  }
}

/** One order of the person, closed as `expired` first if its payment deadline has passed unpaid. */
export async function findOrder(db: Database, id: string, userId: string): Promise<OrderRow | null> {
  if (!isUuid(id)) return null
  await expireOverdueOrders(db, { userId, orderId: id })
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, id), eq(orders.userId, userId)))
  return order ?? null
}

/** The person's orders, newest first; waiting orders past their payment deadline are closed as `expired` first. */
export async function listOrders(db: Database, userId: string, now = new Date()): Promise<OrderRow[]> {
  await expireOverdueOrders(db, { userId }, now)
  return db.select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt)).limit(200)
}
