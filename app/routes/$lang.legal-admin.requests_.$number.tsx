import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RequestFacts, RequestHistory, RequestSteps } from '~/components/request-detail'
import { clientError } from '~/platform/i18n/client-errors.server'
import type { Locale } from '~/platform/i18n/locales'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requireLegalUser, parseRequestNumber, requestPage, takeRequestStep } from '~/flows/legal-admin/index.server'
import { LEGAL_ADMIN_HEADERS, legalAdminMeta } from '~/flows/legal-admin'
import type { FormFailure } from '~/platform/form'
import { readForm } from '~/platform/read-form.server'
import stylesheet from '~/styles/privacy-requests.css?url'

export const handle = { i18n: ['common', 'account', 'privacy-request', 'legal-admin-requests'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }]

/** The request number of the address, or a 404 for anything that is not one. */
function requestNumber(params: { number?: string }, locale: Locale): number {
  const number = parseRequestNumber(params.number)
  if (number === null) throw clientError(locale, 404)
  return number
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const number = requestNumber(params, locale)
  const page = await requestPage(locale, number, new URL(request.url).searchParams)
  if (!page) throw clientError(locale, 404)
  return data(page, { headers: LEGAL_ADMIN_HEADERS })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireLegalUser(request)
  const number = requestNumber(params, locale)
  const outcome = await takeRequestStep(locale, number, await readForm(request), user.id)
  switch (outcome.kind) {
    case 'done':
      return redirect(outcome.location)
    case 'unknown-action':
      throw clientError(locale, 400, { key: 'legal-admin-requests:errors.unknownAction' })
    case 'not-found':
      throw clientError(locale, 404)
    case 'refused':
      return data(outcome.failure, { status: outcome.status, headers: LEGAL_ADMIN_HEADERS })
  }
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

export default function RequestPage() {
  const { locale, request: r, done, mailFailed, noteMax, outcomes } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>() as FormFailure | undefined
  const { t } = useTranslation(['legal-admin-requests', 'privacy-request'])

  return (
    <main id="main">
      <p>
        <Link to={`/${locale}/legal-admin/requests`}>{t('detail.back')}</Link>
      </p>
      <h1>{t('detail.title', { number: r.number })}</h1>
      {done ? (
        <p className={mailFailed ? 'notice notice--warning' : 'notice'} role="status">
          {t(`done.${done}`)} {mailFailed ? t('done.mailFailed') : null}
        </p>
      ) : null}

      <RequestFacts request={r} locale={locale} />

      {r.status === 'open' ? (
        <RequestSteps request={r} locale={locale} failure={failure} noteMax={noteMax} outcomes={outcomes} />
      ) : null}

      <RequestHistory events={r.events} locale={locale} />
    </main>
  )
}
