import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'

export const handle = { i18n: ['common', 'account'] }

/**
 * Where registration leads, whether the address was new or already had an
 * account (app/flows/account/register.server.ts): the page says the same either way.
 */
export function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['account', 'common'])
  // Someone sent to register from checkout goes back to choosing a pack after signing in.
  const fromCheckout = new URL(request.url).searchParams.get('from') === 'checkout'
  const back = fromCheckout ? `/${locale}/pricing` : `/${locale}/account`
  return {
    locale,
    title: `${t('register.sentTitle')} — ${t('common:siteName')}`,
    signInHref: `/${locale}/login?${new URLSearchParams({ redirectTo: back })}`,
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function RegisterSent() {
  const { signInHref } = useLoaderData<typeof loader>()
  const { t } = useTranslation('account')
  return (
    <main id="main">
      <h1>{t('register.sentTitle')}</h1>
      <p role="status">{t('register.sentLead')}</p>
      <p>
        <Link to={signInHref}>{t('register.sentSignIn')}</Link>
      </p>
      <p>{t('register.sentSpam')}</p>
    </main>
  )
}
