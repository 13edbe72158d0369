import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { requireCurrentVersionsAccepted } from '~/flows/account/index.server'
import { requireUser } from '~/identity/index.server'
import { PaymentOrder } from '~/components/payment-order'
import { routeLocale } from '~/platform/i18n/route-locale'
import { readForm } from '~/platform/read-form.server'
import { paymentsAction, paymentsPage, type PaymentRow } from '~/flows/pages/index.server'

export const handle = { i18n: ['common', 'checkout'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireUser(request, locale)
  const page = await paymentsPage(user.id, locale, new URL(request.url).searchParams)
  return data(page, { headers: { 'Cache-Control': 'private, no-store' } })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireUser(request, locale)
  await requireCurrentVersionsAccepted(request, locale)
  const outcome = await paymentsAction(user.id, locale, await readForm(request))
  if (outcome.kind === 'done') throw redirect(outcome.location, 303)
  return data(outcome.failure, { status: outcome.status })
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

/**
 * The confirmation step of a refund (`?refund=<order>`): what comes back and
 * what is taken, and the only form that asks for the refund (`confirm=yes`).
 */
function RefundConfirm({ row, locale }: { row: PaymentRow; locale: string }) {
  const { t } = useTranslation(['checkout', 'common'])
  const navigation = useNavigation()
  const panel = useRef<HTMLElement>(null)
  // Opened in place by a click: move focus to it, as a page load would start reading here.
  useEffect(() => panel.current?.focus(), [row.id])
  const back = `/${locale}/account/payments`
  return (
    <section
      ref={panel}
      tabIndex={-1}
      id="refund-confirm"
      className="card payments__confirm"
      aria-labelledby="refund-confirm-title"
    >
      <h2 id="refund-confirm-title">{t('payments.confirm.title', { pack: row.packName })}</h2>
      {row.refund.ok ? (
        <>
          <p>
            {t('payments.confirm.text', {
              amount: row.refund.amount,
              credits: t('common:credits', { count: row.refund.credits }),
            })}
          </p>
          <dl className="details payments__confirm-sums">
            <dt>{t('payments.confirm.money')}</dt>
            <dd>{row.refund.amount}</dd>
            <dt>{t('payments.confirm.credits')}</dt>
            <dd>{t('common:credits', { count: row.refund.credits })}</dd>
            <dt>{t('payments.order')}</dt>
            <dd>
              <code>{row.id}</code>
            </dd>
          </dl>
          <Form method="post" action={back} className="payments__actions">
            <input type="hidden" name="intent" value="refund" />
            <input type="hidden" name="orderId" value={row.id} />
            <input type="hidden" name="confirm" value="yes" />
            <button type="submit" className="button button--danger" disabled={navigation.state === 'submitting'}>
              {t('payments.confirm.yes', { amount: row.refund.amount })}
            </button>
            <Link className="button button--quiet" to={back}>
              {t('payments.confirm.no')}
            </Link>
          </Form>
        </>
      ) : (
        <>
          <p>{t(`payments.refusal.${row.refund.reason}`, { until: row.refund.until })}</p>
          <p>
            <Link to={back}>{t('payments.confirm.backToList')}</Link>
          </p>
        </>
      )}
    </section>
  )
}

export default function Payments() {
  const { locale, rows, notice, confirm, confirmUnknown } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation(['checkout', 'common'])
  const confirming = confirm ? rows.find((row) => row.id === confirm.orderId) : undefined
  return (
    <main id="main" className="payments-page">
      <h1>{t('payments.title')}</h1>
      <p>{t('payments.lead')}</p>
      {notice && !actionData ? (
        <p className="notice" role="status">
          {t(notice)}
        </p>
      ) : null}
      {actionData?.formError ? (
        <p className="form-error" role="alert">
          {t(actionData.formError)}
        </p>
      ) : null}
      {confirming && !actionData ? <RefundConfirm row={confirming} locale={locale} /> : null}
      {confirmUnknown && !actionData ? (
        <p className="form-error" role="alert">
          {t('payments.refusal.not-found')}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p>{t('payments.empty')}</p>
      ) : (
        <ul className="payments">
          {rows.map((row) => (
            <PaymentOrder key={row.id} row={row} locale={locale} confirming={row.id === confirming?.id} />
          ))}
        </ul>
      )}
    </main>
  )
}
