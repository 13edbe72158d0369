import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireUser } from '~/identity/index.server'
import { balanceOf } from '~/credits/index.server'
import { getDb } from '~/platform/db/client.server'
import { formatMoney } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { findOrder } from '~/payments/index.server'
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
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function PaymentDone() {
  const { locale, order, balance, waiting } = useLoaderData<typeof loader>()
  const { t } = useTranslation(['checkout', 'common'])
  return (
    <main id="main" className="payment-done">
      {waiting ? <meta httpEquiv="refresh" content="3" /> : null}
      <h1>{t(`done.title.${order.status}`)}</h1>
      <p role="status">
        {t(`done.text.${order.status}`, {
          credits: t('common:credits', { count: order.credits }),
          amount: order.amount,
          pack: order.packName,
        })}
      </p>
      {order.status === 'confirmed' ? (
        <p>{t('done.balance', { credits: t('common:credits', { count: balance }) })}</p>
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
