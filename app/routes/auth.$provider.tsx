import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { beginOAuth, enabledOAuthProvider } from '~/identity/index.server'
import { isLocale } from '~/platform/i18n/locales'
import { clientError, refusalLocale } from '~/platform/i18n/client-errors.server'

/** Starts a provider sign-in: `/auth/google?lang=ru&redirectTo=/ru/account`. */
export function loader({ request, params }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const lang = url.searchParams.get('lang')
  const provider = enabledOAuthProvider(params.provider)
  if (!provider) throw clientError(isLocale(lang) ? lang : refusalLocale(request), 404)
  const { url: consent, setCookies } = beginOAuth(provider, {
    origin: url.origin,
    locale: isLocale(lang) ? lang : 'ru',
    redirectTo: url.searchParams.get('redirectTo'),
  })
  const headers = new Headers({ 'Cache-Control': 'no-store' })
  for (const cookie of setCookies) headers.append('Set-Cookie', cookie)
  return redirect(consent.toString(), { headers })
}
