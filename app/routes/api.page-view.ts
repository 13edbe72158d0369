import type { ActionFunctionArgs } from '@remix-run/node'
import { recordPageView, cookieConsentState } from '~/cookie-consent/index.server'
import { isRoutePattern } from '~/cookie-consent'
import { getDb } from '~/platform/db/client.server'
import { isLocale } from '~/platform/i18n/locales'
import { clientErrorResponse, refusalLocale } from '~/platform/i18n/client-errors.server'
import { readForm } from '~/platform/read-form.server'
import { requestEvidence } from '~/load-context'
import { checkClientThenOverall } from '~/platform/security/rate-limit.server'

/**
 * The page-view beacon: the browser posts the route pattern and language of
 * each page it shows after the first (client-side navigations). The consent
 * is checked again here, from the request's own cookies and GPC signal, for
 * the cookie policy in force: without analytics consent nothing is stored
 * and no cookie is set. Always 204 for a well-formed beacon, so the answer
 * tells nobody whether it was counted. A beacon that would be stored is
 * limited per address and overall ('page-view-ip', 'page-view-all'): past a
 * limit the answer is 429 with Retry-After and nothing is stored.
 */
export async function loader() {
  return new Response(null, { status: 405, headers: { Allow: 'POST' } })
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response(null, { status: 405, headers: { Allow: 'POST' } })
  const form = await readForm(request)
  const route = form.get('route')
  const locale = form.get('locale')
  if (!isRoutePattern(route) || !isLocale(locale)) {
    return clientErrorResponse(refusalLocale(request), 400)
  }
  const headers = new Headers({ 'Cache-Control': 'no-store' })
  const state = await cookieConsentState(request, locale)
  if (state.allowed.analytics) {
    const db = await getDb()
    const limit = await checkClientThenOverall(db, 'page-view', requestEvidence(request, context).ip)
    if (!limit.ok) {
      return new Response(null, {
        status: 429,
        headers: { 'Cache-Control': 'no-store', 'Retry-After': String(limit.retryAfterSeconds) },
      })
    }
    const view = await recordPageView(db, request, state, {
      route,
      locale,
      userAgent: request.headers.get('User-Agent'),
    })
    if (view.setCookie) headers.append('Set-Cookie', view.setCookie)
  }
  return new Response(null, { status: 204, headers })
}
