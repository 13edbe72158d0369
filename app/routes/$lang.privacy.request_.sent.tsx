import {
  data,
  redirect,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { storedMailPreviewed } from '~/flows/account/index.server'
import { getSessionUser } from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { CONFIRM_TOKEN_TTL_HOURS, findOwnRequest } from '~/privacy-requests/index.server'
import { dueText, formatDay } from '~/privacy-requests'
import stylesheet from '~/styles/privacy-requests.css?url'

// Where the request form leads: the receipt of a signed-in person's request,
// or, for a request whose address must be confirmed, where to look for the link.

export const handle = { i18n: ['common', 'privacy-request'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }]

const PRIVATE_PAGE = { 'Cache-Control': 'private, no-store' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['privacy-request', 'common'])
  const url = new URL(request.url)
  const page = {
    locale,
    title: `${t('sent.title')} — ${t('common:siteName')}`,
    devMail: storedMailPreviewed(),
    hours: CONFIRM_TOKEN_TTL_HOURS,
  }

  const number = Number(url.searchParams.get('number'))
  const session = url.searchParams.has('number') ? await getSessionUser(request) : null
  const own = session ? await findOwnRequest(await getDb(), session.user.id, number) : null
  if (own?.dueOn) {
    return data({ ...page, view: { state: 'received' as const, ...own, dueOn: own.dueOn } }, { headers: PRIVATE_PAGE })
  }
  if (url.searchParams.has('confirm')) {
    return data(
      { ...page, view: { state: 'check-mail' as const, mailFailed: url.searchParams.get('mail') === 'failed' } },
      { headers: PRIVATE_PAGE },
    )
  }
  // Nothing to show (someone else's number, signed out since): back to the form.
  throw redirect(`/${locale}/privacy/request`)
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function PrivacyRequestSent() {
  const page = useLoaderData<typeof loader>()
  const { t } = useTranslation('privacy-request')
  const { locale, view } = page
  return (
    <main id="main">
      <h1>{t('sent.title')}</h1>
      {view.state === 'received' ? (
        <div className="notice" role="status">
          <p>{t('sent.received', { number: view.number })}</p>
          <p>{t('sent.kind', { kind: t(`kinds.${view.kind}`) })}</p>
          <p>{dueText(t, view.regime, view.kind, formatDay(view.dueOn, locale))}</p>
          <p>{t('sent.mailedTo', { email: view.email })}</p>
        </div>
      ) : view.mailFailed ? (
        <p className="notice notice--warning" role="alert">
          {t('sent.mailFailed')}
        </p>
      ) : (
        <p className="notice" role="status">
          {t('sent.checkMail', { hours: t('hours', { count: page.hours }) })}
        </p>
      )}
      {page.devMail ? (
        <p>
          {t('sent.devMail')} <a href="/dev/mail">{t('sent.devMailLink')}</a>
        </p>
      ) : null}
      <p>
        <Link to={`/${locale}/privacy/request`}>{t('sent.another')}</Link>
      </p>
    </main>
  )
}
