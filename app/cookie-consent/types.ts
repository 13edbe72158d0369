import type { FormFailure } from '~/platform/form'
import type { Locale } from '~/platform/i18n/locales'

/** What the layout tells the banner (and the settings page) about cookies, for one request. */
export type CookieBannerData = {
  /** The cookie policy in force for the page's language, as the banner names it. */
  policy: { locale: Locale; version: number; title: string }
  /** No valid choice for the version in force: the banner asks. */
  ask: boolean
  /** The person chose under a version that is no longer in force. */
  outdated: boolean
  /** The browser sends Global Privacy Control. */
  gpc: boolean
  /** A valid choice exists (the settings show it). */
  hasChoice: boolean
  /** Where the checkboxes start: the categories allowed now (all off without a choice). */
  current: { preferences: boolean; analytics: boolean }
}

/** The answer of the cookie-consent action to the banner's fetcher (and to the settings page on a refusal). */
export type CookieActionData =
  { ok: true; preferences: boolean; analytics: boolean } | { ok: false; failure: FormFailure; returnTo: string }
