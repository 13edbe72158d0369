import { data } from '@remix-run/node'
import { isLocale, type Locale } from './locales'

/** The `$lang` of a route's params, or a 404 for anything but ru and en. */
export function routeLocale(params: { lang?: string }): Locale {
  if (!isLocale(params.lang)) throw data('Not found', { status: 404 })
  return params.lang
}
