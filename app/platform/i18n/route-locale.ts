import { DEFAULT_LOCALE, isLocale, type Locale } from './locales'
import { clientError } from './client-errors.server'

/** The `$lang` of a route's params, or a 404 (in the default language) for anything but ru and en. */
export function routeLocale(params: { lang?: string }): Locale {
  if (!isLocale(params.lang)) throw clientError(DEFAULT_LOCALE, 404)
  return params.lang
}
