import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireCurrentVersionsAccepted } from '~/account/reaccept.server'
import { requireUser } from '~/auth/session.server'
import { getDb } from '~/db/client.server'
import { formatDate, formatMoney } from '~/i18n/format'
import { getFixedT } from '~/i18n/i18next.server'
import { routeLocale } from '~/i18n/route-locale'
import { readForm } from '~/lib/read-form.server'
import { listOrders } from '~/payments/checkout.server'
import { quoteRefund, requestRefund, unspentCreditsByOrder } from '~/payments/refunds.server'

export const handle = { i18n: ['common', 'checkout'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireUser(request, locale)
  const db = await getDb()
  const orders = await listOrders(db, user.id)
  const t = getFixedT(locale, ['checkout', 'common'])
  const unspent = await unspentCreditsByOrder(db, user.id)
  const now = new Date()
  const rows = []
  for (const order of orders) {
    const quote = await quoteRefund(db, order, now, unspent)
    rows.push({
      id: order.id,
      createdAt: formatDate(order.createdAt, locale, true),
      paidAt: order.paidAt ? formatDate(order.paidAt, locale, true) : null,
      packName: order.packName,
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
    })
  }
  return data(
    {
      locale,
      title: `${t('payments.title')} — ${t('common:siteName')}`,
      rows,
      done: new URL(request.url).searchParams.get('refunded'),
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireUser(request, locale)
  await requireCurrentVersionsAccepted(request, locale)
  const form = await readForm(request)
  const orderId = String(form.get('orderId') ?? '')
  const outcome = await requestRefund(await getDb(), user.id, orderId)
  if (outcome.ok) throw redirect(`/${locale}/account/payments?refunded=${outcome.state}`, 303)
  const status = outcome.reason === 'not-found' ? 404 : outcome.reason === 'bank-refused' ? 502 : 422
  return data({ error: `payments.refusal.${outcome.reason}`, orderId }, { status })
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function Payments() {
  const { rows, done } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation(['checkout', 'common'])
  return (
    <main id="main" className="payments-page">
      <h1>{t('payments.title')}</h1>
      <p>{t('payments.lead')}</p>
      {done && !actionData ? (
        <p className="notice" role="status">
          {t(done === 'requested' ? 'payments.refundRequested' : 'payments.refundDone')}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {t(actionData.error)}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p>{t('payments.empty')}</p>
      ) : (
        <ul className="payments">
          {rows.map((row) => (
            <li key={row.id} className="card payments__order">
              <h2>
                {row.packName}: {t('common:credits', { count: row.credits })}, {row.amount}
              </h2>
              <dl className="details">
                <dt>{t('payments.status')}</dt>
                <dd>{t(`payments.statuses.${row.status}`)}</dd>
                <dt>{t('payments.created')}</dt>
                <dd>{row.createdAt}</dd>
                {row.paidAt ? (
                  <>
                    <dt>{t('payments.paid')}</dt>
                    <dd>{row.paidAt}</dd>
                  </>
                ) : null}
                <dt>{t('payments.receipt')}</dt>
                <dd>{row.receiptEmail}</dd>
                <dt>{t('payments.order')}</dt>
                <dd>
                  <code>{row.id}</code>
                  {row.provider === 'sandbox' ? ` (${t('payments.sandbox')})` : null}
                </dd>
                {row.refunded ? (
                  <>
                    <dt>{t('payments.refunded')}</dt>
                    <dd>
                      {row.refunded}, {t('common:credits', { count: row.refundedCredits })}
                    </dd>
                  </>
                ) : null}
              </dl>
              {row.refund.ok ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="orderId" value={row.id} />
                  <p>
                    {t('payments.refundOffer', {
                      credits: t('common:credits', { count: row.refund.credits }),
                      amount: row.refund.amount,
                      until: row.refund.until,
                    })}
                  </p>
                  <button type="submit" disabled={navigation.state === 'submitting'}>
                    {t('payments.refundButton', { amount: row.refund.amount })}
                  </button>
                </Form>
              ) : row.refund.reason !== 'not-paid' && row.refund.reason !== 'already-refunded' ? (
                <p className="payments__refund-rule">
                  {t(`payments.refusal.${row.refund.reason}`, { until: row.refund.until })}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </main>
  )
}
