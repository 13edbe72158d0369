import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getSessionUser, signOut } from '~/identity/index.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'

export const handle = { i18n: ['common', 'account'] }

/**
 * Signing out changes state, so it is a POST (a link could be triggered by
 * another site). A GET (a typed or bookmarked address) gets a page with the
 * button, answered 405 with `Allow: POST`.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['account', 'common'])
  const signedIn = (await getSessionUser(request)) !== null
  return data(
    { locale, signedIn, title: `${t('logout.title')} — ${t('common:siteName')}` },
    { status: 405, headers: { Allow: 'POST', 'Cache-Control': 'private, no-store' } },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  return redirect(`/${locale}`, { headers: { 'Set-Cookie': await signOut(request) } })
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function Logout() {
  const { locale, signedIn } = useLoaderData<typeof loader>()
  const { t } = useTranslation('account')
  return (
    <main id="main">
      <h1>{t('logout.title')}</h1>
      {signedIn ? (
        <>
          <p>{t('logout.lead')}</p>
          <Form method="post" className="form">
            <button type="submit">{t('logout.button')}</button>
          </Form>
        </>
      ) : (
        <p>{t('logout.notSignedIn')}</p>
      )}
      <p>
        <Link to={`/${locale}`}>{t('logout.home')}</Link>
      </p>
    </main>
  )
}
