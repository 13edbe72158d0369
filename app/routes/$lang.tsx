import { data, redirect, type LoaderFunctionArgs } from '@remix-run/node'
import {
  Outlet,
  useLoaderData,
  useLocation,
  useMatches,
  useRouteLoaderData,
  type ShouldRevalidateFunction,
} from '@remix-run/react'
import { useCallback, useEffect, useRef, useState } from 'react'
import { versionNoticesFor } from '~/flows/account/index.server'
import { CookieBanner } from '~/components/cookie-banner'
import { RouteErrorPage } from '~/components/error-page'
import { SiteFooter } from '~/components/site-footer'
import { SiteHeader } from '~/components/site-header'
import { VersionNotice } from '~/components/version-notice'
import { detectLocale } from '~/platform/i18n/i18next.server'
import { clientError } from '~/platform/i18n/client-errors.server'
import { languageLessTarget } from '~/platform/i18n/language-less'
import { isLocale } from '~/platform/i18n/locales'
import { getSessionUser, visitGuest } from '~/identity/index.server'
import { layoutConsent } from '~/cookie-consent/index.server'
import { routePattern, type CookieBannerData } from '~/cookie-consent'
import { balanceOf } from '~/credits/index.server'
import { getDb } from '~/platform/db/client.server'
import { getSiteSettings } from '~/legal/index.server'

export const handle = { i18n: ['common', 'account', 'reaccept', 'cookie-consent'] }

export type Viewer = { kind: 'user'; email: string | null; credits: number } | { kind: 'guest'; credits: number } | null

export async function loader({ params, request }: LoaderFunctionArgs) {
  const locale = params.lang
  if (!isLocale(locale)) {
    // A page of the site without its language prefix (archived legal texts
    // link to /account/delete that way): to the person's language, like `/`.
    // A redirect thrown here wins over the 404s of the routes below.
    const target = languageLessTarget(new URL(request.url), await detectLocale(request))
    if (target) throw redirect(target, { status: 302, headers: { Vary: 'Cookie, Accept-Language' } })
    // Only ru and en exist; anything else is a (localized) 404 from the root boundary.
    throw clientError(await detectLocale(request), 404, { key: 'common:errors.unknownLanguage' })
  }
  const [settings, session] = await Promise.all([getSiteSettings(locale), getSessionUser(request)])
  const db = await getDb()
  // Every page load of a guest is a visit: it keeps the guest cookie and the
  // guest's data for another 30 days (the privacy policy counts from the last visit).
  const visit = session ? null : await visitGuest(db, request)
  const viewer: Viewer = session
    ? { kind: 'user', email: session.user.email, credits: await balanceOf(db, `user:${session.user.id}`) }
    : visit?.guest
      ? { kind: 'guest', credits: await balanceOf(db, `guest:${visit.guest.id}`) }
      : null
  const notices = await versionNoticesFor(request, locale, session)
  const cookies = await layoutConsent(db, request, params, locale)
  const headers = new Headers()
  if (session?.refreshedCookie) headers.append('Set-Cookie', session.refreshedCookie)
  if (visit?.setCookie) headers.append('Set-Cookie', visit.setCookie)
  for (const cookie of cookies.setCookies) headers.append('Set-Cookie', cookie)
  return data(
    { locale, settings, viewer, notices, cookieBanner: cookies.banner, analytics: cookies.analytics },
    { headers },
  )
}

// A cookie choice changes what every page may do; after it (even a refused
// one: the version in force may have changed) the layout loads again.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction && /^\/(ru|en)\/cookie-consent(\?|$)/.test(formAction) ? true : defaultShouldRevalidate

const SETTINGS_ROUTE = 'routes/$lang.cookie-consent'

/**
 * Counts a page view after each client-side navigation, when analytics is
 * allowed: the first page was counted by the server. The server checks the
 * consent again before storing anything.
 */
function usePageViewBeacon(locale: string, analytics: boolean) {
  const location = useLocation()
  const matches = useMatches()
  const first = useRef(true)
  const leaf = matches[matches.length - 1]
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    if (!analytics || !leaf) return
    const body = new URLSearchParams({ route: routePattern(location.pathname, leaf.params), locale })
    fetch('/api/page-view', { method: 'POST', body, keepalive: true, credentials: 'same-origin' }).catch(() => {})
    // Only a new address counts, not a search or a revalidation.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [location.pathname])
}

function LayoutCookieBanner({
  locale,
  banner,
  openRequest,
}: {
  locale: Parameters<typeof CookieBanner>[0]['locale']
  banner: CookieBannerData | null
  openRequest: number
}) {
  const matches = useMatches()
  // The settings page is the form itself.
  if (!banner || matches.some((m) => m.id === SETTINGS_ROUTE)) return null
  return <CookieBanner locale={locale} banner={banner} openRequest={openRequest} />
}

export default function LocaleLayout() {
  const { locale, settings, viewer, notices, cookieBanner, analytics } = useLoaderData<typeof loader>()
  // Each click on the footer's "Cookie settings" (with JavaScript) opens the banner again.
  const [cookieSettingsRequests, setCookieSettingsRequests] = useState(0)
  const openSettings = useCallback(() => setCookieSettingsRequests((n) => n + 1), [])
  usePageViewBeacon(locale, analytics)
  return (
    <div className="page">
      <SiteHeader locale={locale} viewer={viewer} />
      <LayoutCookieBanner locale={locale} banner={cookieBanner} openRequest={cookieSettingsRequests} />
      {notices ? <VersionNotice locale={locale} notices={notices} /> : null}
      <Outlet />
      <SiteFooter locale={locale} settings={settings} onCookieSettings={cookieBanner ? openSettings : undefined} />
    </div>
  )
}

/** Errors below a language prefix keep the site's header and footer. */
export function ErrorBoundary() {
  const layout = useRouteLoaderData<typeof loader>('routes/$lang')
  const page = <RouteErrorPage />
  if (!layout) return page
  return (
    <div className="page">
      <SiteHeader locale={layout.locale} viewer={layout.viewer} />
      {page}
      <SiteFooter locale={layout.locale} settings={layout.settings} />
    </div>
  )
}
