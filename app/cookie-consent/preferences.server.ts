import type { Locale } from '~/platform/i18n/locales'
import { readPrefsCookie, serializePrefsCookie, type GenerationPrefs } from './cookie.server'
import { cookieConsentState } from './state.server'

/**
 * palitra_prefs, the one preferences cookie: the last generation settings,
 * used as the form's defaults. Read and written only while the person allows
 * preferences for the cookie policy in force; otherwise the form starts from
 * the site's defaults and nothing is set.
 */

/** The remembered settings, or null without consent or without a (valid) cookie. */
export async function rememberedGenerationSettings(request: Request, locale: Locale): Promise<GenerationPrefs | null> {
  const state = await cookieConsentState(request, locale)
  return state.allowed.preferences ? readPrefsCookie(request) : null
}

/** The Set-Cookie that remembers these settings, or null without consent. */
export async function rememberGenerationSettings(
  request: Request,
  locale: Locale,
  prefs: GenerationPrefs,
): Promise<string | null> {
  const state = await cookieConsentState(request, locale)
  return state.allowed.preferences ? serializePrefsCookie(prefs) : null
}
