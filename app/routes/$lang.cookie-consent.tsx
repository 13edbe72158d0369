import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CookieChoiceForm } from '~/components/cookie-banner'
import { FormErrorSummary } from '~/components/form-fields'
import { bannerData, chooseFromForm, cookieConsentState } from '~/cookie-consent/index.server'
import type { CookieActionData } from '~/cookie-consent'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requestEvidence } from '~/load-context'
import { keepRetryAfter } from '~/platform/form'
import { safeRedirect } from '~/platform/security/safe-redirect'
import { readForm } from '~/platform/read-form.server'

/**
 * Cookie settings. GET: the settings page (the footer link's target without
 * JavaScript, and where "Customise" leads without it). POST: records a choice
 * from the banner or this page. Without JavaScript it answers with a redirect
 * back to the page the person was on; the banner's fetcher adds `?inline=1`
 * and gets the outcome as data instead.
 */

export const handle = { i18n: ['common', 'cookie-consent'] }

const NO_STORE = { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Sec-GPC' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['cookie-consent', 'common'])
  const state = await cookieConsentState(request, locale)
  const returnTo = safeRedirect(new URL(request.url).searchParams.get('returnTo'), `/${locale}`)
  return data(
    {
      locale,
      title: `${t('settings.title')} — ${t('common:siteName')}`,
      banner: bannerData(state),
      returnTo,
    },
    { headers: NO_STORE },
  )
}

// Remix adds the action's Set-Cookie headers itself; Retry-After is kept for a 429.
export const headers: HeadersFunction = keepRetryAfter

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const inline = new URL(request.url).searchParams.get('inline') === '1'
  const outcome = await chooseFromForm(request, await readForm(request), locale, requestEvidence(request, context))
  const { returnTo } = outcome
  // "Customise" without JavaScript: the settings page, which shows the checkboxes.
  if (outcome.ok && outcome.customise) {
    throw redirect(`/${locale}/cookie-consent?${new URLSearchParams({ returnTo })}`, 303)
  }
  if (!outcome.ok) {
    return data<CookieActionData>(
      { ok: false, failure: outcome.failure, returnTo },
      { status: outcome.status, headers: outcome.headers },
    )
  }
  const headers = new Headers()
  for (const cookie of outcome.setCookies) headers.append('Set-Cookie', cookie)
  if (!inline) throw redirect(returnTo, { status: 303, headers })
  return data<CookieActionData>(
    { ok: true, preferences: outcome.choice.preferences, analytics: outcome.choice.analytics },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function CookieSettings() {
  const { locale, banner, returnTo: loadedReturnTo } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as CookieActionData | undefined
  const { t } = useTranslation('cookie-consent')
  const returnTo = actionData && !actionData.ok ? actionData.returnTo : loadedReturnTo
  return (
    <main id="main" className="cookie-settings">
      <h1>{t('settings.title')}</h1>
      <p>{t('settings.lead')}</p>
      <FormErrorSummary failure={actionData && !actionData.ok ? actionData.failure : undefined} />
      {banner ? (
        <CookieChoiceForm
          locale={locale}
          banner={banner}
          mode="choose"
          returnTo={returnTo}
          idPrefix="cookie-settings"
        />
      ) : (
        <p>{t('unavailable')}</p>
      )}
      <p>
        <Link to={returnTo}>{t('settings.back')}</Link>
      </p>
    </main>
  )
}
