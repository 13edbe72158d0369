import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { deliverAccountMailSoon } from '~/flows/account/index.server'
import { requireUser } from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import { formatMoney } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { readForm } from '~/platform/read-form.server'
import { mailLinkBase } from '~/platform/mail/links.server'
import { findOrder, getPaymentProvider, signedNotification, handlePaymentNotification } from '~/payments/index.server'
import { clientError } from '~/platform/i18n/client-errors.server'

export const handle = { i18n: ['common', 'checkout'] }

// The sandbox payment page: only when no T-Bank terminal is configured. It
// plays the bank: approving or declining sends correctly signed
// notifications through the same webhook code the bank's go through.

async function sandboxOrder(request: Request, params: LoaderFunctionArgs['params']) {
  const locale = routeLocale(params)
  if (getPaymentProvider().kind !== 'sandbox') throw clientError(locale, 404)
  const { user } = await requireUser(request, locale)
  const order = await findOrder(await getDb(), params.orderId ?? '', user.id)
  if (!order || order.provider !== 'sandbox') throw clientError(locale, 404)
  return { locale, order }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { locale, order } = await sandboxOrder(request, params)
  const t = getFixedT(locale, ['checkout', 'common'])
  return data(
    {
      locale,
      title: `${t('sandbox.title')} — ${t('common:siteName')}`,
      order: {
        id: order.id,
        packName: order.packName,
        credits: order.credits,
        amount: formatMoney(order.amountKopecks, locale),
        open: order.status === 'pending' || order.status === 'created',
      },
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { locale, order } = await sandboxOrder(request, params)
  const decision = (await readForm(request)).get('decision')
  if (decision !== 'approve' && decision !== 'decline') throw clientError(locale, 400)
  // Cancelled, expired or decided already: a form kept open in another tab pays nothing.
  if (order.status !== 'pending' && order.status !== 'created') {
    throw redirect(`/${locale}/checkout/${order.id}/done`, 303)
  }
  const provider = getPaymentProvider()
  const statuses = decision === 'approve' ? ['AUTHORIZED', 'CONFIRMED'] : ['REJECTED']
  let applied = false
  for (const status of statuses) {
    const answer = await handlePaymentNotification(
      signedNotification(provider, {
        orderId: order.id,
        paymentId: order.paymentId ?? '0',
        status,
        amountKopecks: order.amountKopecks,
      }),
      { mailBaseUrl: mailLinkBase(request) },
    )
    applied ||= answer.outcome === 'applied'
  }
  if (applied) deliverAccountMailSoon()
  throw redirect(`/${locale}/checkout/${order.id}/done?result=${decision === 'approve' ? 'success' : 'fail'}`, 303)
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function SandboxPayment() {
  const { order } = useLoaderData<typeof loader>()
  const { t } = useTranslation(['checkout', 'common'])
  return (
    <main id="main" className="sandbox-payment">
      <p className="sandbox-payment__banner" role="note">
        {t('sandbox.banner')}
      </p>
      <h1>{t('sandbox.title')}</h1>
      <p>{t('sandbox.lead')}</p>
      <dl className="details">
        <dt>{t('payments.pack')}</dt>
        <dd>{order.packName}</dd>
        <dt>{t('payments.credits')}</dt>
        <dd>{t('common:credits', { count: order.credits })}</dd>
        <dt>{t('payments.amount')}</dt>
        <dd>{order.amount}</dd>
      </dl>
      {order.open ? (
        <Form method="post" className="form sandbox-payment__actions">
          <button type="submit" name="decision" value="approve">
            {t('sandbox.approve')}
          </button>
          <button type="submit" name="decision" value="decline" className="button button--secondary">
            {t('sandbox.decline')}
          </button>
        </Form>
      ) : (
        <p>{t('sandbox.closed')}</p>
      )}
    </main>
  )
}
