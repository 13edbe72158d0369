import { lt, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { pageViews } from './schema'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { retentionCutoff, retentionMonths } from '~/platform/processing-register'
import { newVisitorId, readStatsCookie, serializeStatsCookie } from './cookie.server'
import { deviceType } from './device'
import { isRoutePattern } from './route-pattern'
import type { CookieConsentState } from './state.server'

/**
 * First-party page-view statistics, only with analytics consent for the
 * cookie policy in force (state.allowed.analytics). A row holds the random
 * palitra_stats visitor id, the route pattern (never the address with its ids
 * or query), the language, the device type and the hour. No IP address, no
 * account or guest id, no user agent. Rows are kept 12 months.
 */

const HOUR_MS = 60 * 60 * 1000
export const PAGE_VIEW_RETENTION_MONTHS = retentionMonths('pageViews')

export type PageViewInput = {
  route: string
  locale: Locale
  userAgent: string | null
  now?: Date
}

/**
 * Records one page view when the state allows analytics. Returns the
 * Set-Cookie that starts the visitor id when the browser has none, or null.
 * Does nothing (and sets nothing) without consent.
 */
export async function recordPageView(
  db: Database,
  request: Request,
  state: Pick<CookieConsentState, 'allowed'>,
  input: PageViewInput,
): Promise<{ recorded: boolean; setCookie: string | null }> {
  if (!state.allowed.analytics) return { recorded: false, setCookie: null }
  if (!isRoutePattern(input.route)) {
    logger.warn({ event: 'page-view.bad-route' }, 'page view not recorded: not a route pattern')
    return { recorded: false, setCookie: null }
  }
  const existing = readStatsCookie(request)
  const visitorId = existing ?? newVisitorId()
  const now = input.now ?? new Date()
  await db.insert(pageViews).values({
    visitorId,
    route: input.route,
    locale: input.locale,
    device: deviceType(input.userAgent),
    viewedAt: new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS),
  })
  return { recorded: true, setCookie: existing ? null : serializeStatsCookie(visitorId) }
}

/** The start of the retention window: the same instant 12 calendar months earlier (UTC). */
export function pageViewCutoff(now: Date): Date {
  return retentionCutoff('pageViews', now)
}

/** Deletes page views older than 12 months; returns how many went. */
export async function purgeOldPageViews(db: Database, now: Date = new Date()): Promise<number> {
  const result = await db.execute(sql`
    with deleted as (
      delete from ${pageViews} where ${lt(pageViews.viewedAt, pageViewCutoff(now))} returning 1
    )
    select count(*)::int as n from deleted
  `)
  return (result as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0
}

/**
 * True for a browser's request for a whole page (the address bar, a link
 * without JavaScript, a form's redirect), false for the data requests the
 * app makes once it runs (those count through the page-view beacon instead).
 * Browsers send Sec-Fetch-Dest; without it, a request asking for HTML is
 * taken as a page.
 */
export function isDocumentRequest(request: Request): boolean {
  if (request.method !== 'GET') return false
  const dest = request.headers.get('Sec-Fetch-Dest')
  if (dest) return dest === 'document'
  return /\btext\/html\b/.test(request.headers.get('Accept') ?? '')
}
