import { data, type LoaderFunctionArgs } from '@remix-run/node'
import { Outlet, useLoaderData, useRouteLoaderData } from '@remix-run/react'
import { versionNoticesFor } from '~/account/reaccept.server'
import { RouteErrorPage } from '~/components/error-page'
import { SiteFooter } from '~/components/site-footer'
import { SiteHeader } from '~/components/site-header'
import { VersionNotice } from '~/components/version-notice'
import { isLocale } from '~/i18n/locales'
import { getSessionUser } from '~/auth/session.server'
import { balanceOf } from '~/credits/ledger.server'
import { getDb } from '~/db/client.server'
import { readGuestId } from '~/guest/guest.server'
import { getSiteSettings } from '~/legal/documents.server'

export const handle = { i18n: ['common', 'account', 'reaccept'] }

export type Viewer = { kind: 'user'; email: string | null; credits: number } | { kind: 'guest'; credits: number } | null

export async function loader({ params, request }: LoaderFunctionArgs) {
  const locale = params.lang
  // Only ru and en exist; anything else is a (localized) 404 from the root boundary.
  if (!isLocale(locale)) throw data('Unknown language', { status: 404 })
  const [settings, session] = await Promise.all([getSiteSettings(locale), getSessionUser(request)])
  const guestId = session ? null : readGuestId(request)
  const db = await getDb()
  const viewer: Viewer = session
    ? { kind: 'user', email: session.user.email, credits: await balanceOf(db, `user:${session.user.id}`) }
    : guestId
      ? { kind: 'guest', credits: await balanceOf(db, `guest:${guestId}`) }
      : null
  const notices = await versionNoticesFor(request, locale, session)
  return data(
    { locale, settings, viewer, notices },
    session?.refreshedCookie ? { headers: { 'Set-Cookie': session.refreshedCookie } } : undefined,
  )
}

export default function LocaleLayout() {
  const { locale, settings, viewer, notices } = useLoaderData<typeof loader>()
  return (
    <div className="page">
      <SiteHeader locale={locale} viewer={viewer} />
      {notices ? <VersionNotice locale={locale} notices={notices} /> : null}
      <Outlet />
      <SiteFooter locale={locale} settings={settings} />
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
