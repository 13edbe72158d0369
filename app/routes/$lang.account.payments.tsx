import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireCurrentVersionsAccepted } from '~/flows/account/index.server'
import { requireUser } from '~/identity/index.server'
import { PaymentOrder } from '~/components/payment-order'
import { routeLocale } from '~/platform/i18n/route-locale'
import { readForm } from '~/platform/read-form.server'
import { paymentsPage, refundFromForm } from '~/flows/pages/index.server'

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
  const outcome = await refundFromForm(user.id, locale, await readForm(request))
  if (outcome.kind === 'done') throw redirect(outcome.location, 303)
  return data(outcome.failure, { status: outcome.status })
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function Payments() {
  const { rows, done } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
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
      {actionData?.formError ? (
        <p className="form-error" role="alert">
          {t(actionData.formError)}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p>{t('payments.empty')}</p>
      ) : (
        <ul className="payments">
          {rows.map((row) => (
            <PaymentOrder key={row.id} row={row} />
          ))}
        </ul>
      )}
    </main>
  )
}
