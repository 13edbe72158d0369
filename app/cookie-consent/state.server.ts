import {
  currentVersionsForAcceptance,
  NoVersionInForceError,
  type CurrentVersion,
  type VersionLookupOptions,
} from '~/acceptances/index.server'
import type { CookieCategory } from './schema'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { readConsentCookie, type ConsentChoice } from './cookie.server'

/**
 * What a request may do with optional cookies, decided from the signed
 * palitra_consent cookie, the cookie policy in force and the Global Privacy
 * Control signal:
 *
 *  - no cookie policy in force in this language: nothing optional, no banner
 *    (there is nothing a choice could be recorded against);
 *  - no valid cookie, or one made against a version that is no longer in
 *    force: nothing optional, and the banner asks;
 *  - a valid choice: its categories, except that with `Sec-GPC: 1` analytics
 *    counts only when it was ticked explicitly (never through "Accept all").
 */
export type CookieConsentState = {
  /** The cookie policy in force for the page's language; null when none is. */
  policy: CurrentVersion | null
  /** The person's choice, when it is signed by us and its version is still in force. */
  choice: ConsentChoice | null
  /** A choice of ours exists but its version is no longer in force: the banner says the policy changed. */
  outdated: boolean
  /** The browser sent `Sec-GPC: 1`. */
  gpc: boolean
  allowed: Record<CookieCategory, boolean>
}

export type ConsentStateOptions = VersionLookupOptions & { secret?: string }

/** True when the request carries the Global Privacy Control signal. */
export function hasGpcSignal(request: Request): boolean {
  return request.headers.get('Sec-GPC')?.trim() === '1'
}

/** The cookie policy in force in a language, or null (missing, not yet in force, archive and source unavailable). */
export async function cookiePolicyInForce(locale: Locale, opts: VersionLookupOptions = {}) {
  try {
    const [policy] = await currentVersionsForAcceptance(['cookies'], locale, opts)
    return policy ?? null
  } catch (error) {
    if (error instanceof NoVersionInForceError) {
      if (error.reason === 'unavailable') {
        logger.warn(
          { event: 'cookie-consent.no-policy', locale },
          'no cookie policy can be served; optional cookies stay off',
        )
      }
      return null
    }
    throw error
  }
}

/** Which optional categories a choice allows under the GPC signal. */
export function allowedBy(choice: ConsentChoice | null, gpc: boolean): Record<CookieCategory, boolean> {
  if (!choice) return { preferences: false, analytics: false }
  return {
    preferences: choice.preferences,
    analytics: choice.analytics && (!gpc || choice.method === 'custom'),
  }
}

export async function resolveConsentState(
  request: Request,
  locale: Locale,
  opts: ConsentStateOptions = {},
): Promise<CookieConsentState> {
  const gpc = hasGpcSignal(request)
  const policy = await cookiePolicyInForce(locale, opts)
  const parsed = await readConsentCookie(request, { secret: opts.secret, now: opts.now })
  let choice: ConsentChoice | null = null
  if (policy && parsed) {
    // Versions are numbered per language: a choice is judged against the
    // policy it was made on, which must still be the one in force there.
    const inForce = parsed.locale === locale ? policy : await cookiePolicyInForce(parsed.locale, opts)
    if (inForce && inForce.version === parsed.version) choice = parsed
  }
  return {
    policy,
    choice,
    outdated: Boolean(policy && parsed && !choice),
    gpc,
    allowed: allowedBy(choice, gpc),
  }
}

// The layout, the page's own loader and public-page headers all ask within
// one request; they get one answer.
const perRequest = new WeakMap<Request, Map<Locale, Promise<CookieConsentState>>>()

/** resolveConsentState, worked out once per request and language (process-wide content source and database). */
export function cookieConsentState(request: Request, locale: Locale): Promise<CookieConsentState> {
  let byLocale = perRequest.get(request)
  if (!byLocale) {
    byLocale = new Map()
    perRequest.set(request, byLocale)
  }
  let state = byLocale.get(locale)
  if (!state) {
    state = resolveConsentState(request, locale)
    // A failure is not remembered: the next caller tries again.
    state.catch(() => byLocale.delete(locale))
    byLocale.set(locale, state)
  }
  return state
}

/**
 * A short, non-identifying summary of what the banner shows for a request,
 * for the ETag of public pages: the version in force, whether it asks, the
 * choice it would show when reopened, and the GPC signal.
 */
export function consentEtagPart(state: CookieConsentState): string {
  if (!state.policy) return 'cookies:none'
  const choice = state.choice
    ? `${state.choice.method}:${state.allowed.preferences ? 1 : 0}${state.allowed.analytics ? 1 : 0}`
    : state.outdated
      ? 'outdated'
      : 'ask'
  return `cookies:${state.policy.locale}:${state.policy.version}:${state.policy.sha256}:${choice}:${state.gpc ? 'gpc' : ''}`
}
