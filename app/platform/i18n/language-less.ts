import { DOCUMENT_KINDS } from '~/platform/document-kinds'

/**
 * Pages that exist under `/:lang/…` and are also answered without the
 * prefix, by a redirect to the person's language (the `$lang` route does it).
 * Archived versions of the legal texts link to `/account/delete` and
 * `/account/export` without one, and an archived text never changes; other
 * links of that kind may come from mail, bookmarks or people typing.
 *
 * Written like the route paths after `/:lang`: `:name` is one segment,
 * checked by PARAMETERS. Only these paths redirect; anything else without a
 * known language stays a 404, so an unknown path can never bounce between
 * prefixes. language-less.test.ts compares the list with app/routes: a new
 * page must be added here or to the test's list of pages left out.
 */
export const LANGUAGE_LESS_PAGES = [
  ':kind',
  ':kind/versions',
  ':kind/v/:version',
  ':kind/changes',
  'account',
  'account/accept',
  'account/consents',
  'account/delete',
  'account/export',
  'account/export.json',
  'account/payments',
  'account/withdraw',
  'cookie-consent',
  'forgot-password',
  'guest',
  'history',
  'legal-admin',
  'legal-admin/archive-check',
  'legal-admin/calendar',
  'legal-admin/publishing',
  'legal-admin/requests',
  'legal-admin/versions',
  'login',
  'login/telegram',
  'pricing',
  'privacy/request',
  'privacy/request/confirm',
  'privacy/request/sent',
  'register',
  'register/complete',
  'register/sent',
  'reset-password',
  'verify-email',
] as const

/** What a `:name` segment of LANGUAGE_LESS_PAGES accepts. */
const PARAMETERS: Record<string, (segment: string) => boolean> = {
  kind: (segment) => (DOCUMENT_KINDS as readonly string[]).includes(segment),
  version: (segment) => /^[1-9]\d{0,5}$/.test(segment),
}

const PATTERNS = LANGUAGE_LESS_PAGES.map((page) => page.split('/'))

function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  return (
    pattern.length === segments.length &&
    pattern.every((part, i) => {
      const segment = segments[i]!
      if (!part.startsWith(':')) return part === segment
      const accepts = PARAMETERS[part.slice(1)]
      if (!accepts) throw new Error(`no check for the parameter ${part} of LANGUAGE_LESS_PAGES`)
      return accepts(segment)
    })
  )
}

/**
 * Whether `pathname` (no language prefix, e.g. `/account/delete`) is a page
 * that exists under `/:lang`. One trailing slash is allowed, as the routes
 * allow it; the path is compared as the browser sent it, still percent-encoded.
 */
export function isLanguageLessPage(pathname: string): boolean {
  const trimmed = pathname.endsWith('/') && pathname.length > 1 ? pathname.slice(0, -1) : pathname
  if (!trimmed.startsWith('/') || trimmed.startsWith('//')) return false
  const segments = trimmed.slice(1).split('/')
  return PATTERNS.some((pattern) => matches(pattern, segments))
}

/**
 * Where a language-less request for a page goes: the same page under `locale`,
 * with the query string kept; null when the path is not a page of the site.
 */
export function languageLessTarget(url: URL, locale: string): string | null {
  if (!isLanguageLessPage(url.pathname)) return null
  const path = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname
  return `/${locale}${path}${url.search}`
}
