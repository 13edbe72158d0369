import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireUser } from '~/identity/index.server'
import { balanceOf } from '~/credits/index.server'
import { getDb } from '~/platform/db/client.server'
import { formatMoney } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { findCreditPack, findOrder, isWaiting, paymentDeadline } from '~/payments/index.server'
import { formatDate } from '~/platform/i18n/format'
import { clientError } from '~/platform/i18n/client-errors.server'

export const handle = { i18n: ['common', 'checkout'] }

// Where the bank sends people back (SuccessURL and FailURL). The page shows
// the order as our database knows it: the redirect alone proves nothing.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireUser(request, locale)
  const db = await getDb()
  const order = await findOrder(db, params.orderId ?? '', user.id)
  if (!order) throw clientError(locale, 404)
  const t = getFixedT(locale, ['checkout', 'common'])
  const now = new Date()
  const waiting = isWaiting(order, now)
  const onSale = Boolean(await findCreditPack(order.packId).catch(() => null))
  const retryable =
    ['rejected', 'canceled', 'expired', 'init-failed'].includes(order.status) || (waiting && !order.paymentUrl)
  // Back from the bank, its notification is due within seconds: reload until it comes (for ten minutes at most).
  const justBack =
    new URL(request.url).searchParams.has('result') && now.getTime() - order.updatedAt.getTime() < 10 * 60_000
  return data(
    {
      locale,
      title: `${t(`done.title.${order.status}`)} — ${t('common:siteName')}`,
      order: {
        status: order.status,
        packName: order.packName,
        credits: order.credits,
        amount: formatMoney(order.amountKopecks, locale),
        failure: order.failure,
      },
      balance: await balanceOf(db, `user:${user.id}`),
      waiting: order.status === 'created' || order.status === 'pending' || order.status === 'authorized',
      refresh: order.status === 'authorized' || (waiting && justBack),
      orderId: order.id,
      payBy: waiting ? formatDate(paymentDeadline(order.createdAt), locale, true) : null,
      resumeUrl: waiting && order.paymentUrl ? order.paymentUrl : null,
      cancellable: waiting,
      retryUrl: retryable && onSale ? `/${locale}/checkout/${order.packId}` : null,
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function PaymentDone() {
  const { locale, order, balance, refresh, orderId, payBy, resumeUrl, cancellable, retryUrl } =
    useLoaderData<typeof loader>()
  const { t } = useTranslation(['checkout', 'common'])
  const navigation = useNavigation()
  return (
    <main id="main" className="payment-done">
      {refresh ? <meta httpEquiv="refresh" content="3" /> : null}
      <h1>{t(`done.title.${order.status}`)}</h1>
      <p role="status">
        {t(`done.text.${order.status}`, {
          credits: t('common:credits', { count: order.credits }),
          amount: order.amount,
          pack: order.packName,
        })}
      </p>
      {refresh ? <p>{t('done.refreshing')}</p> : null}
      {order.status === 'confirmed' ? (
        <p>{t('done.balance', { credits: t('common:credits', { count: balance }) })}</p>
      ) : null}
      {cancellable ? (
        <>
          <p className="payments__hint">
            {t(resumeUrl ? 'payments.waitingHint' : 'payments.waitingNoPageHint', { until: payBy })}
          </p>
          <div className="payments__actions">
            {resumeUrl ? (
              <a className="button button--primary" href={resumeUrl}>
                {t('payments.resume', { amount: order.amount })}
              </a>
            ) : retryUrl ? (
              <Link className="button button--primary" to={retryUrl}>
                {t('payments.retry')}
              </Link>
            ) : null}
            <Form method="post" action={`/${locale}/account/payments`} className="inline-form">
              <input type="hidden" name="intent" value="cancel" />
              <input type="hidden" name="orderId" value={orderId} />
              <button type="submit" className="button button--secondary" disabled={navigation.state === 'submitting'}>
                {t('payments.cancelOrder')}
              </button>
            </Form>
          </div>
        </>
      ) : retryUrl ? (
        <div className="payments__actions">
          <Link className="button button--primary" to={retryUrl}>
            {t('done.retry')}
          </Link>
        </div>
      ) : null}
      <p className="payment-done__links">
        <Link className="button-link" to={`/${locale}#generate`}>
          {t('done.create')}
        </Link>{' '}
        <Link to={`/${locale}/account/payments`}>{t('done.payments')}</Link>
      </p>
    </main>
  )
}
