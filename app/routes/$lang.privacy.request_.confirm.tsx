import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { readForm } from '~/platform/read-form.server'
import { confirmFromForm, confirmLinkRefusal, inspectConfirmationLink } from '~/privacy-requests/index.server'
import { dueText, formatDay } from '~/privacy-requests'
import stylesheet from '~/styles/privacy-requests.css?url'

// The page the confirmation mail links to. Opening it changes nothing (mail
// scanners fetch links); the button posts the confirmation.

export const handle = { i18n: ['common', 'privacy-request'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }]

// The address carries a secret: no caching anywhere, and no Referer to other
// sites (same-origin keeps the Origin the cross-site check needs on the POST).
const PRIVATE_PAGE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['privacy-request', 'common'])
  const token = new URL(request.url).searchParams.get('token') ?? ''
  const link = await inspectConfirmationLink(token)
  const title = (key: string) => `${t(key)} — ${t('common:siteName')}`
  switch (link.state) {
    case 'invalid':
    case 'expired': {
      const refusal = confirmLinkRefusal(link.state)
      return data(
        {
          locale,
          title: title('confirm.refusedTitle'),
          view: { state: 'refused' as const, message: refusal.failure.formError ?? '' },
        },
        { status: refusal.status, headers: PRIVATE_PAGE },
      )
    }
    case 'pending':
      return data({ locale, title: title('confirm.title'), view: { ...link, token } }, { headers: PRIVATE_PAGE })
    case 'confirmed':
      return data(
        {
          locale,
          title: title('confirm.confirmedTitle'),
          view: link,
        },
        { headers: PRIVATE_PAGE },
      )
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const { token, result } = await confirmFromForm(await readForm(request), new URL(request.url))
  // The page at the same link now shows the request as received, with its number and due date.
  if (result.ok) return redirect(`/${locale}/privacy/request/confirm?${new URLSearchParams({ token })}`)
  return data({ refusedMessage: result.failure.formError ?? null }, { status: result.status, headers: PRIVATE_PAGE })
}

export const headers: HeadersFunction = ({ loaderHeaders, actionHeaders }) =>
  actionHeaders.has('Cache-Control') ? actionHeaders : loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function ConfirmPrivacyRequest() {
  const { locale, view } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('privacy-request')
  const navigation = useNavigation()

  // The link may have gone bad while the page was open (expired, used elsewhere).
  const refused = actionData?.refusedMessage ?? (view.state === 'refused' ? view.message : null)
  if (refused) {
    return (
      <main id="main">
        <h1>{t('confirm.refusedTitle')}</h1>
        <p className="notice notice--warning" role="alert">
          {t(refused)}
        </p>
        <p>
          <Link to={`/${locale}/privacy/request`}>{t('confirm.again')}</Link>
        </p>
      </main>
    )
  }
  if (view.state === 'confirmed') {
    return (
      <main id="main">
        <h1>{t('confirm.confirmedTitle')}</h1>
        <div className="notice" role="status">
          <p>{t('confirm.confirmed', { number: view.number, kind: t(`kinds.${view.kind}`) })}</p>
          <p>{dueText(t, view.regime, view.kind, formatDay(view.dueOn, locale))}</p>
        </div>
      </main>
    )
  }
  if (view.state !== 'pending') return null
  return (
    <main id="main">
      <h1>{t('confirm.title')}</h1>
      <p>{t('confirm.lead', { number: view.number, kind: t(`kinds.${view.kind}`) })}</p>
      <Form method="post">
        <input type="hidden" name="token" value={view.token} />
        <button type="submit" disabled={navigation.state === 'submitting'}>
          {t('confirm.submit')}
        </button>
      </Form>
      <p className="field__hint">{t('confirm.why')}</p>
    </main>
  )
}
