import { z } from 'zod'
import { getDb } from '~/platform/db/client.server'
import { formFailure, type FormFailure } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import {
  type OrderRow,
  listOrders,
  packNamesIn,
  quoteRefund,
  requestRefund,
  unspentCreditsByOrder,
  type RefundOutcome,
  type RefundQuote,
} from '~/payments/index.server'
import { formatDate, formatMoney } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'

/**
 * The account's payments page (/:lang/account/payments): every order with
 * what a refund would give back today, and where asking for one leads.
 */

/**
 * One order as the page shows it: the pack's name, dates and sums in the
 * page's language (`packNames`, by pack id; the name stored with the order
 * when the pack is no longer sold), and the refund offer or the rule that bars it.
 */
export function orderRow(
  order: OrderRow,
  quote: RefundQuote,
  locale: Locale,
  packNames: ReadonlyMap<string, string> = new Map(),
) {
  return {
    id: order.id,
    createdAt: formatDate(order.createdAt, locale, true),
    paidAt: order.paidAt ? formatDate(order.paidAt, locale, true) : null,
    packName: packNames.get(order.packId) ?? order.packName,
    credits: order.credits,
    amount: formatMoney(order.amountKopecks, locale),
    status: order.status,
    receiptEmail: order.receiptEmail,
    provider: order.provider,
    refunded: order.refundedKopecks > 0 ? formatMoney(order.refundedKopecks, locale) : null,
    refundedCredits: order.refundedCredits,
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

/** The page's data for a signed-in person; `?refunded=` names the refund just asked for. */
export async function paymentsPage(userId: string, locale: Locale, search: URLSearchParams, now = new Date()) {
  const db = await getDb()
  const orders = await listOrders(db, userId)
  const t = getFixedT(locale, ['checkout', 'common'])
  const unspent = await unspentCreditsByOrder(db, userId)
  const packNames = await packNamesIn(locale)
  const rows = []
  for (const order of orders) rows.push(orderRow(order, await quoteRefund(db, order, now, unspent), locale, packNames))
  return {
    locale,
    title: `${t('payments.title')} — ${t('common:siteName')}`,
    rows,
    done: search.get('refunded'),
  }
}

type Refusal = Extract<RefundOutcome, { ok: false }>['reason']

/** The answer's status for a refused refund: an unknown order is 404, the bank's refusal 502, a rule 422. */
export function refusalStatus(reason: Refusal): 404 | 422 | 502 {
  return reason === 'not-found' ? 404 : reason === 'bank-refused' ? 502 : 422
}

export type RefundStepOutcome =
  { kind: 'done'; location: string } | { kind: 'refused'; status: 404 | 422 | 502; failure: FormFailure }

/** The refund button's one field: which order. Any text; an id that names no order of this account is "not found". */
const refundForm = z.object({ orderId: formText({ max: 100 }) })

/** Asks for a refund of the order the form names (`orderId`). */
export async function refundFromForm(userId: string, locale: Locale, form: FormData): Promise<RefundStepOutcome> {
  const parsed = parseForm(form, refundForm)
  const orderId = parsed.ok ? parsed.data.orderId : ''
  const outcome = await requestRefund(await getDb(), userId, orderId)
  if (outcome.ok) return { kind: 'done', location: `/${locale}/account/payments?refunded=${outcome.state}` }
  return {
    kind: 'refused',
    status: refusalStatus(outcome.reason),
    failure: formFailure({}, { orderId }, `checkout:payments.refusal.${outcome.reason}`),
  }
}
