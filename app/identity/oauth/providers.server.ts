import { createHash, timingSafeEqual } from 'node:crypto'
import {
  ArcticFetchError,
  OAuth2RequestError,
  UnexpectedResponseError,
  generateCodeVerifier,
  generateState,
} from 'arctic'
import { z } from 'zod'
import { getEnv, type Env } from '~/platform/env.server'
import { DEFAULT_LOCALE, LOCALES, type Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { cookieMaxAgeSeconds } from '~/platform/processing-register'
import { safeRedirect } from '~/platform/security/safe-redirect'
import { expiredCookieHeader, plainCookieHeader, readCookie } from '~/platform/cookies.server'
import { isOAuthProvider, type OAuthProvider, type ProviderProfile, type SignInProvider } from './profile.server'
import { VENDORS, type ClientCredentials } from './vendors.server'

/**
 * Sign-in through Google, Yandex ID and VK ID: which providers are on, the
 * redirect to the consent screen, and the callback that turns the answer into
 * a profile. What happens with the profile (sign in, or the acceptance step
 * for a first sign-in) is the caller's business.
 */

export type ProviderSettings = Pick<
  Env,
  | 'PUBLIC_URL'
  | 'GOOGLE_CLIENT_ID'
  | 'GOOGLE_CLIENT_SECRET'
  | 'YANDEX_CLIENT_ID'
  | 'YANDEX_CLIENT_SECRET'
  | 'VK_CLIENT_ID'
  | 'VK_CLIENT_SECRET'
  | 'TELEGRAM_BOT_TOKEN'
  | 'TELEGRAM_BOT_NAME'
>

export type EnabledProvider = { id: SignInProvider; label: string }

// Brand names; only Yandex writes its own differently in Russian.
const LABELS: Record<SignInProvider, Record<Locale, string>> = {
  google: { ru: 'Google', en: 'Google' },
  yandex: { ru: 'Яндекс ID', en: 'Yandex ID' },
  vk: { ru: 'VK ID', en: 'VK ID' },
  telegram: { ru: 'Telegram', en: 'Telegram' },
}

function credentialsFor(provider: OAuthProvider, env: ProviderSettings): ClientCredentials | null {
  switch (provider) {
    case 'google':
      return env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
        ? { clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET }
        : null
    case 'yandex':
      return env.YANDEX_CLIENT_ID && env.YANDEX_CLIENT_SECRET
        ? { clientId: env.YANDEX_CLIENT_ID, clientSecret: env.YANDEX_CLIENT_SECRET }
        : null
    case 'vk':
      // VK ID's PKCE code exchange takes no client secret: the app id is enough.
      return env.VK_CLIENT_ID ? { clientId: env.VK_CLIENT_ID, clientSecret: env.VK_CLIENT_SECRET ?? null } : null
  }
}

function telegramEnabled(env: ProviderSettings): boolean {
  return Boolean(env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_BOT_NAME)
}

/** The providers whose settings are present, in the order the sign-in page shows them. */
export function enabledProviders(env: ProviderSettings = getEnv(), locale: Locale = DEFAULT_LOCALE): EnabledProvider[] {
  const on: SignInProvider[] = []
  for (const provider of ['google', 'yandex', 'vk'] as const) if (credentialsFor(provider, env)) on.push(provider)
  if (telegramEnabled(env)) on.push('telegram')
  return on.map((id) => ({ id, label: LABELS[id][locale] }))
}

/** The route parameter as an OAuth provider that is switched on, or null (answer 404). */
export function enabledOAuthProvider(
  value: string | undefined,
  env: ProviderSettings = getEnv(),
): OAuthProvider | null {
  return isOAuthProvider(value) && credentialsFor(value, env) ? value : null
}

/** Where the provider sends the person back: PUBLIC_URL when set (the request origin is wrong behind a proxy). */
export function callbackUrl(
  provider: SignInProvider,
  origin: string,
  env: Pick<ProviderSettings, 'PUBLIC_URL'>,
): string {
  const base = env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : new URL(origin).origin
  return `${base}/auth/${provider}/callback`
}

/** What the page needs to render the Telegram Login Widget, or null when Telegram is off. */
export function telegramLoginWidget(
  origin: string,
  env: ProviderSettings = getEnv(),
): { botName: string; authUrl: string } | null {
  if (!env.TELEGRAM_BOT_TOKEN || !env.TELEGRAM_BOT_NAME) return null
  return { botName: env.TELEGRAM_BOT_NAME, authUrl: callbackUrl('telegram', origin, env) }
}

export class ProviderNotConfiguredError extends Error {
  constructor(readonly provider: string) {
    super(`sign-in through ${provider} is not configured`)
    this.name = 'ProviderNotConfiguredError'
  }
}

// ---------------------------------------------------------------------------
// The flow cookie: state, PKCE verifier and where to go afterwards, for one
// provider (so two tabs signing in with different providers do not collide).

const FLOW_COOKIE_PREFIX = 'palitra_oauth_'
/** Long enough to pick an account and type a password, short enough to limit a leaked cookie. */
export const FLOW_MAX_AGE_SECONDS = cookieMaxAgeSeconds('palitra_oauth_google')

const flowSchema = z.object({
  state: z.string().min(1).max(256),
  codeVerifier: z.string().min(43).max(128),
  locale: z.enum(LOCALES),
  // Checked again on the way back: the cookie is in the browser's hands meanwhile.
  redirectTo: z
    .string()
    .nullable()
    .transform((value) => safeRedirect(value, null)),
})
type Flow = z.infer<typeof flowSchema>

export function flowCookieName(provider: OAuthProvider): `palitra_oauth_${OAuthProvider}` {
  return `${FLOW_COOKIE_PREFIX}${provider}`
}

// Path /auth/, Lax (not Strict: the callback is a top-level navigation coming
// from the provider's site) and the lifetime come from the register.
function serializeFlow(provider: OAuthProvider, flow: Flow, secure: boolean): string {
  const value = Buffer.from(JSON.stringify(flow)).toString('base64url')
  return plainCookieHeader(flowCookieName(provider), value, { secure })
}

function clearFlow(provider: OAuthProvider, secure: boolean): string {
  return expiredCookieHeader(flowCookieName(provider), { secure })
}

function readFlow(request: Request, provider: OAuthProvider): Flow | null {
  const raw = readCookie(request, flowCookieName(provider))
  if (!raw) return null
  try {
    const result = flowSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')))
    return result.success ? result.data : null
  } catch {
    return null
  }
}

/** Compares digests, so neither the content nor the length of the expected value leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(a), digest(b))
}

// ---------------------------------------------------------------------------

export type BeginOAuthOptions = {
  /** The request's origin; PUBLIC_URL wins when set. */
  origin: string
  /** The language to come back to. */
  locale: Locale
  /** A path on this site to land on afterwards; anything else is dropped. */
  redirectTo?: string | null
}

/** The provider's consent screen to redirect to, and the cookies that remember this attempt. */
export function beginOAuth(
  provider: OAuthProvider,
  { origin, locale, redirectTo }: BeginOAuthOptions,
  env: ProviderSettings = getEnv(),
): { url: URL; setCookies: string[] } {
  const credentials = credentialsFor(provider, env)
  if (!credentials) throw new ProviderNotConfiguredError(provider)
  const redirectUri = callbackUrl(provider, origin, env)
  const state = generateState()
  const codeVerifier = generateCodeVerifier()
  const url = VENDORS[provider].authorizationUrl(credentials, redirectUri, state, codeVerifier)
  const flow: Flow = { state, codeVerifier, locale, redirectTo: safeRedirect(redirectTo, null) }
  return { url, setCookies: [serializeFlow(provider, flow, redirectUri.startsWith('https:'))] }
}

export type OAuthFailureReason = 'state-mismatch' | 'denied' | 'token' | 'profile'

export type OAuthCompletion =
  | { ok: true; profile: ProviderProfile; locale: Locale; redirectTo: string | null; clearCookies: string[] }
  | {
      ok: false
      reason: OAuthFailureReason
      /** From the flow cookie when it was readable, for a localized error page. */
      locale: Locale | null
      redirectTo: string | null
      clearCookies: string[]
    }

/**
 * Handles the provider's redirect back. Never throws for anything the
 * provider or the browser sent: every failure comes back as a reason. The
 * flow cookie is always cleared, so a state is good for one callback only.
 */
export async function completeOAuth(
  provider: OAuthProvider,
  request: Request,
  { origin }: { origin: string },
  env: ProviderSettings = getEnv(),
): Promise<OAuthCompletion> {
  const credentials = credentialsFor(provider, env)
  if (!credentials) throw new ProviderNotConfiguredError(provider)
  const redirectUri = callbackUrl(provider, origin, env)
  const params = new URL(request.url).searchParams
  const flow = readFlow(request, provider)
  const clearCookies = [clearFlow(provider, redirectUri.startsWith('https:'))]
  const fail = (reason: OAuthFailureReason) =>
    ({
      ok: false,
      reason,
      locale: flow?.locale ?? null,
      redirectTo: flow?.redirectTo ?? null,
      clearCookies,
    }) as const

  // The person said no (or the provider refused): nothing to exchange, whatever the state.
  const providerError = params.get('error')
  if (providerError !== null) {
    logger.info(
      { event: 'oauth.denied', provider, error: providerError.slice(0, 100) },
      'sign-in cancelled at the provider',
    )
    return fail('denied')
  }

  // Login CSRF guard: the callback must carry the state this browser was given.
  const state = params.get('state')
  if (!flow || !state || !sameSecret(state, flow.state)) {
    logger.warn(
      { event: 'oauth.state_mismatch', provider, hadCookie: flow !== null, hadState: state !== null },
      'sign-in callback refused: state does not match',
    )
    return fail('state-mismatch')
  }

  const vendor = VENDORS[provider]
  let accessToken: string
  try {
    accessToken = await vendor.exchangeCode(credentials, {
      params,
      redirectUri,
      state: flow.state,
      codeVerifier: flow.codeVerifier,
    })
  } catch (error) {
    logger.warn({ event: 'oauth.token_failed', provider, ...describeError(error) }, 'sign-in code exchange failed')
    return fail('token')
  }

  let profile: ProviderProfile
  try {
    profile = await vendor.fetchProfile(credentials, accessToken)
  } catch (error) {
    logger.warn({ event: 'oauth.profile_failed', provider, ...describeError(error) }, 'sign-in profile request failed')
    return fail('profile')
  }

  return { ok: true, profile, locale: flow.locale, redirectTo: flow.redirectTo, clearCookies }
}

// What is safe and useful to log about a failed provider call (never codes or tokens).
function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof OAuth2RequestError) return { oauthError: error.code, description: error.description }
  if (error instanceof UnexpectedResponseError) return { status: error.status }
  if (error instanceof ArcticFetchError) return { reason: 'fetch failed', cause: String(error.cause) }
  return { reason: error instanceof Error ? error.message : String(error) }
}
