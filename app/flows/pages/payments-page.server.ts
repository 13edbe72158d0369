import { z } from 'zod'
import { getDb } from '~/platform/db/client.server'
import { formFailure, type FormFailure } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import {
  type OrderRow,
  cancelOrder,
  isWaiting,
  listOrders,
  packNamesIn,
  paymentDeadline,
  quoteRefund,
  requestRefund,
  unspentCreditsByOrder,
  type CancelOrderOutcome,
  type RefundOutcome,
  type RefundQuote,
} from '~/payments/index.server'
import { formatDate, formatMoney } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'

/**
 * The account's payments page (/:lang/account/payments): every order with
 * what can be done with it. A waiting order can be paid on the bank's page
 * again or cancelled; a declined, cancelled or expired one bought again; a
 * paid one refunded, after a confirmation step (`?refund=<order>`) that says
 * what comes back and what is taken: the refund itself is only asked for by
 * that step's form (`confirm=yes`).
 */

/** Order statuses grouped as the page shows them (the label is per status, the tone per group). */
export const STATUS_TONES = {
  created: 'waiting',
  pending: 'waiting',
  authorized: 'waiting',
  'init-failed': 'declined',
  confirmed: 'paid',
  rejected: 'declined',
  canceled: 'closed',
  expired: 'closed',
  'partially-refunded': 'refunded',
  refunded: 'refunded',
} as const satisfies Record<OrderRow['status'], string>

/** Orders that can be bought again: nothing was paid and nothing is waiting. */
const RETRYABLE: readonly OrderRow['status'][] = ['rejected', 'canceled', 'expired', 'init-failed']

/**
 * One order as the page shows it: the pack's name, dates and sums in the
 * page's language (`packNames`, by pack id; the name stored with the order
 * when the pack is no longer sold), what can be done with it, and the rule
 * that bars a refund.
 */
export function orderRow(
  order: OrderRow,
  quote: RefundQuote,
  locale: Locale,
  {
    now = new Date(),
    onSale = true,
    packNames = new Map(),
  }: { now?: Date; onSale?: boolean; packNames?: ReadonlyMap<string, string> } = {},
) {
  const waiting = isWaiting(order, now)
  return {
    id: order.id,
    createdAt: formatDate(order.createdAt, locale, true),
    paidAt: order.paidAt ? formatDate(order.paidAt, locale, true) : null,
    packName: packNames.get(order.packId) ?? order.packName,
    credits: order.credits,
    amount: formatMoney(order.amountKopecks, locale),
    status: order.status,
    tone: STATUS_TONES[order.status],
    receiptEmail: order.receiptEmail,
    provider: order.provider,
    refunded: order.refundedKopecks > 0 ? formatMoney(order.refundedKopecks, locale) : null,
    refundedCredits: order.refundedCredits,
    /** Until when the bank's payment page is open, while the order waits. */
    payBy: waiting ? formatDate(paymentDeadline(order.createdAt), locale, true) : null,
    /** The bank's payment page again, while it is open. */
    resumeUrl: waiting && order.paymentUrl ? order.paymentUrl : null,
    cancellable: waiting,
    /** A new checkout of the same pack (its terms box and rules), when the pack is still on sale. */
    retryUrl:
      onSale && (RETRYABLE.includes(order.status) || (waiting && !order.paymentUrl))
        ? `/${locale}/checkout/${order.packId}`
        : null,
    refund: quote.ok
      ? {
          ok: true as const,
          credits: quote.credits,
          amount: formatMoney(quote.amountKopecks, locale),
          until: formatDate(quote.deadline, locale),
        }
      : {
          ok: false as const,
          reason: quote.reason,
          until: quote.deadline ? formatDate(quote.deadline, locale) : null,
        },
  }
}

export type PaymentRow = ReturnType<typeof orderRow>

/** What the page says after a redirect: a refund sent or recorded, an order cancelled. */
const NOTICES = { succeeded: 'payments.refundDone', requested: 'payments.refundRequested' } as const

/**
 * The page's data for a signed-in person. `?refunded=` names the refund just
 * asked for, `?canceled=1` an order just cancelled, and `?refund=<order>`
 * opens the confirmation of that order's refund.
 */
export async function paymentsPage(userId: string, locale: Locale, search: URLSearchParams, now = new Date()) {
  const db = await getDb()
  const orders = await listOrders(db, userId, now)
  const t = getFixedT(locale, ['checkout', 'common'])
  const unspent = await unspentCreditsByOrder(db, userId)
  // The packs on sale, by id, with their names in the page's language. Without the CMS (nothing
  // cached yet) the page still lists the orders, under their stored names and without "try again".
  const packNames = await packNamesIn(locale)
  const rows = []
  for (const order of orders) {
    rows.push(
      orderRow(order, await quoteRefund(db, order, now, unspent), locale, {
        now,
        onSale: packNames.has(order.packId),
        packNames,
      }),
    )
  }
  const refunded = search.get('refunded')
  const asked = search.get('refund')
  const confirming = asked ? rows.find((row) => row.id === asked) : undefined
  return {
    locale,
    title: `${t('payments.title')} — ${t('common:siteName')}`,
    rows,
    notice:
      refunded === 'succeeded' || refunded === 'requested'
        ? NOTICES[refunded]
        : search.get('canceled') === '1'
          ? 'payments.canceledNotice'
          : null,
    /** The order whose refund is being confirmed, when it can be refunded; otherwise the rule that bars it. */
    confirm: confirming ? { orderId: confirming.id } : null,
    confirmUnknown: Boolean(asked) && !confirming,
  }
}

type Refusal = Extract<RefundOutcome, { ok: false }>['reason']

/** The answer's status for a refused refund: an unknown order is 404, the bank's refusal 502, a rule 422. */
export function refusalStatus(reason: Refusal): 404 | 422 | 502 {
  return reason === 'not-found' ? 404 : reason === 'bank-refused' ? 502 : 422
}

type CancelRefusal = Extract<CancelOrderOutcome, { ok: false }>['reason']

/** A refused cancel: unknown order 404, a state that cannot be cancelled 409, the bank unreachable 502. */
export function cancelRefusalStatus(reason: CancelRefusal): 404 | 409 | 502 {
  return reason === 'not-found' ? 404 : reason === 'bank-unavailable' ? 502 : 409
}

export type PaymentsActionOutcome =
  { kind: 'done'; location: string } | { kind: 'refused'; status: 400 | 404 | 409 | 422 | 502; failure: FormFailure }

/**
 * The page's forms: `intent` is `refund` (the default) or `cancel`, with the
 * `orderId`. A refund also needs `confirm=yes`, which only the confirmation
 * step's form sends: without it the answer is 400 and nothing changes.
 */
const paymentsForm = z.object({
  intent: formText({ max: 20, missing: 'refund' }),
  orderId: formText({ max: 100 }),
  confirm: formText({ max: 10 }),
})

export async function paymentsAction(userId: string, locale: Locale, form: FormData): Promise<PaymentsActionOutcome> {
  const parsed = parseForm(form, paymentsForm)
  const { intent, orderId, confirm } = parsed.ok ? parsed.data : { intent: '', orderId: '', confirm: '' }
  const values = { orderId }
  if (intent === 'cancel') {
    const outcome = await cancelOrder(await getDb(), userId, orderId)
    if (outcome.ok) return { kind: 'done', location: `/${locale}/account/payments?canceled=1` }
    return {
      kind: 'refused',
      status: cancelRefusalStatus(outcome.reason),
      failure: formFailure({}, values, `checkout:payments.cancelRefusal.${outcome.reason}`),
    }
  }
  if (intent !== 'refund') {
    return { kind: 'refused', status: 400, failure: formFailure({}, values, 'checkout:payments.unknownAction') }
  }
  if (confirm !== 'yes') {
    return { kind: 'refused', status: 400, failure: formFailure({}, values, 'checkout:payments.confirmRequired') }
  }
  const outcome = await requestRefund(await getDb(), userId, orderId)
  if (outcome.ok) return { kind: 'done', location: `/${locale}/account/payments?refunded=${outcome.state}` }
  return {
    kind: 'refused',
    status: refusalStatus(outcome.reason),
    failure: formFailure({}, values, `checkout:payments.refusal.${outcome.reason}`),
  }
}
