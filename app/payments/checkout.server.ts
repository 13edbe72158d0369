import { randomUUID } from 'node:crypto'
import { and, desc, eq, sql } from 'drizzle-orm'
import { acceptanceWording, checkSubmittedAcceptance } from '~/account/acceptance-form.server'
import { recordAcceptances } from '~/consent/ledger.server'
import { getDb, type Database } from '~/db/client.server'
import { orders, type OrderRow } from '~/db/schema'
import { getEnv } from '~/env.server'
import { getFixedT } from '~/i18n/i18next.server'
import type { Locale } from '~/i18n/locales'
import { formFailure, type FormFailure } from '~/lib/form'
import { isUuid } from '~/lib/uuid'
import { logger } from '~/log.server'
import { findCreditPack } from './packs.server'
import { getPaymentProvider } from './provider.server'

export const CHECKOUT_KINDS = ['terms'] as const

export type CheckoutOutcome =
  | { ok: true; redirectTo: string }
  | { ok: false; status: 400 | 404 | 409 | 422 | 502 | 504; failure: FormFailure; orderId?: string }

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
 * Paying for a pack: the terms version in force must be accepted on this
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
  if (!user.email) return { ok: false, status: 422, failure: formFailure({}, {}, 'checkout:errors.no-email') }
  const acceptance = await checkSubmittedAcceptance(form, [...CHECKOUT_KINDS], locale)
  if (!acceptance.ok) return { ok: false, status: acceptance.status, failure: acceptance.failure }

  const provider = getPaymentProvider()
  const t = getFixedT(locale, ['account'])
  const db = await getDb()
  const id = randomUUID()
  const order = await db.transaction(async (tx) => {
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
        receiptEmail: user.email!,
        locale,
      })
      .returning()
    await recordAcceptances(tx, {
      subject: { userId: user.id },
      event: 'payment',
      documents: acceptance.documents,
      wordings: Object.fromEntries(acceptance.documents.map((d) => [d.kind, acceptanceWording(t, d)])),
      ip: input.evidence.ip,
      userAgent: input.evidence.userAgent,
      action: { type: 'order', id },
    })
    return row!
  })

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

export async function findOrder(db: Database, id: string, userId: string): Promise<OrderRow | null> {
  if (!isUuid(id)) return null
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, id), eq(orders.userId, userId)))
  return order ?? null
}

export async function listOrders(db: Database, userId: string): Promise<OrderRow[]> {
  return db.select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt)).limit(200)
}
