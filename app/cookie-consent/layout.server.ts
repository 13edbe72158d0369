import type { Params } from '@remix-run/react'
import type { Database } from '~/platform/db/client.server'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { isDocumentRequest, recordPageView } from './analytics.server'
import { expireCookie, hasCookie, PREFS_COOKIE, STATS_COOKIE } from './cookie.server'
import { routePattern } from './route-pattern'
import { cookieConsentState, type CookieConsentState } from './state.server'
import type { CookieBannerData } from './types'

/** The banner's data for a consent state; null when no cookie policy is in force (no banner then). */
export function bannerData(state: CookieConsentState): CookieBannerData | null {
  if (!state.policy) return null
  return {
    policy: { locale: state.policy.locale, version: state.policy.version, title: state.policy.title },
    ask: !state.choice,
    outdated: state.outdated,
    gpc: state.gpc,
    hasChoice: Boolean(state.choice),
    current: { ...state.allowed },
  }
}

export type LayoutConsent = {
  banner: CookieBannerData | null
  /** The browser may send the page-view beacon after client-side navigations. */
  analytics: boolean
  /** Set-Cookie values for the layout's response. */
  setCookies: string[]
}

/**
 * The cookie side of every page under /:lang: the banner's data, the
 * deletion of optional cookies the person has not (or no longer) allowed,
 * and, for a whole-page request with analytics consent, its page view.
 */
export async function layoutConsent(
  db: Database,
  request: Request,
  params: Params,
  locale: Locale,
): Promise<LayoutConsent> {
  const state = await cookieConsentState(request, locale)
  const setCookies: string[] = []
  // Not allowed (no choice, an outdated one, withdrawn, or GPC): not used, and deleted when seen.
  if (!state.allowed.preferences && hasCookie(request, PREFS_COOKIE)) setCookies.push(expireCookie(PREFS_COOKIE))
  if (!state.allowed.analytics && hasCookie(request, STATS_COOKIE)) setCookies.push(expireCookie(STATS_COOKIE))
  if (state.allowed.analytics && isDocumentRequest(request)) {
    try {
      const view = await recordPageView(db, request, state, {
        route: routePattern(new URL(request.url).pathname, params),
        locale,
        userAgent: request.headers.get('User-Agent'),
      })
      if (view.setCookie) setCookies.push(view.setCookie)
    } catch (error) {
      // Statistics never cost anyone their page.
      logger.error({ err: error, event: 'page-view.failed' }, 'page view not recorded')
    }
  }
  return { banner: bannerData(state), analytics: state.allowed.analytics, setCookies }
}
