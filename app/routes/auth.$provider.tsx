import { data, redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { beginOAuth, enabledOAuthProvider } from '~/auth/oauth/providers.server'
import { isLocale } from '~/i18n/locales'

/** Starts a provider sign-in: `/auth/google?lang=ru&redirectTo=/ru/account`. */
export function loader({ request, params }: LoaderFunctionArgs) {
  const provider = enabledOAuthProvider(params.provider)
  if (!provider) throw data('Not found', { status: 404 })
  const url = new URL(request.url)
  const lang = url.searchParams.get('lang')
  const { url: consent, setCookies } = beginOAuth(provider, {
    origin: url.origin,
    locale: isLocale(lang) ? lang : 'ru',
    redirectTo: url.searchParams.get('redirectTo'),
  })
  const headers = new Headers({ 'Cache-Control': 'no-store' })
  for (const cookie of setCookies) headers.append('Set-Cookie', cookie)
  return redirect(consent.toString(), { headers })
}
