import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { detectLocale, getFixedT, serializeLanguageCookie } from '~/platform/i18n/i18next.server'
import { isLocale } from '~/platform/i18n/locales'
import { safeRedirect } from '~/platform/security/safe-redirect'

/**
 * The language switch: remembers the choice in the `lng` cookie and returns
 * to the same page in that language. Only paths on this site under the chosen
 * prefix are accepted as the destination, so it cannot be used as an open redirect.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const lang = url.searchParams.get('lang')
  if (!isLocale(lang)) {
    const t = getFixedT(await detectLocale(request), 'common')
    throw new Response(t('errors.unknownLanguage'), {
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    })
  }
  const safeNext = safeRedirect(url.searchParams.get('next'), `/${lang}`, { under: `/${lang}` })
  return redirect(safeNext, {
    status: 303,
    headers: { 'Set-Cookie': serializeLanguageCookie(lang), 'Cache-Control': 'no-store' },
  })
}
