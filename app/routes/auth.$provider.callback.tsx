import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { finishProviderSignIn } from '~/flows/account/index.server'
import { completeOAuth, enabledOAuthProvider, verifyTelegramLogin } from '~/identity/index.server'
import { getEnv } from '~/platform/env.server'
import { detectLocale } from '~/platform/i18n/i18next.server'
import { requestEvidence } from '~/load-context'
import { logger } from '~/platform/log.server'
import { safeRedirect } from '~/platform/security/safe-redirect'
import { clientError, refusalLocale } from '~/platform/i18n/client-errors.server'

/**
 * Where a provider sends the person back. Failures go to the sign-in page
 * with a reason it explains; success signs in or starts the acceptance step.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const evidence = requestEvidence(request, context)

  if (params.provider === 'telegram') {
    const token = getEnv().TELEGRAM_BOT_TOKEN
    if (!token || !getEnv().TELEGRAM_BOT_NAME) throw clientError(refusalLocale(request), 404)
    const locale = await detectLocale(request)
    const result = verifyTelegramLogin(url.searchParams, token)
    if (!result.ok) {
      logger.warn({ event: 'auth.provider.refused', provider: 'telegram', reason: result.reason }, 'sign-in refused')
      return redirect(`/${locale}/login?providerError=telegram`)
    }
    const done = await finishProviderSignIn(request, result.profile, locale, null, evidence)
    return redirect(done.location, { headers: done.headers })
  }

  const provider = enabledOAuthProvider(params.provider)
  if (!provider) throw clientError(refusalLocale(request), 404)
  const result = await completeOAuth(provider, request, { origin: url.origin })
  const locale = result.locale ?? (await detectLocale(request))
  const headers = new Headers()
  for (const cookie of result.clearCookies) headers.append('Set-Cookie', cookie)
  if (!result.ok) {
    logger.warn({ event: 'auth.provider.refused', provider, reason: result.reason }, 'sign-in refused')
    return redirect(`/${locale}/login?providerError=${result.reason}`, { headers })
  }
  const done = await finishProviderSignIn(
    request,
    result.profile,
    locale,
    safeRedirect(result.redirectTo, null),
    evidence,
  )
  for (const cookie of done.headers.getSetCookie()) headers.append('Set-Cookie', cookie)
  return redirect(done.location, { headers })
}
