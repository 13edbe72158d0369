import { CodeChallengeMethod, Google, OAuth2Client } from 'arctic'
import { z } from 'zod'
import { textOrNull, type OAuthProvider, type ProviderProfile } from './profile.server'

/**
 * What differs between the OAuth providers: where the consent screen is, how
 * a code becomes an access token, and how the person's profile is read. Every
 * provider here gets PKCE (S256) on top of state.
 */

/** The secret is null for VK ID, whose PKCE exchange does not use one. */
export type ClientCredentials = { clientId: string; clientSecret: string | null }

export type CallbackInput = {
  /** The callback's query string. */
  params: URLSearchParams
  redirectUri: string
  state: string
  codeVerifier: string
}

type Vendor = {
  authorizationUrl(credentials: ClientCredentials, redirectUri: string, state: string, codeVerifier: string): URL
  /** Resolves to an access token; rejects on any failure. */
  exchangeCode(credentials: ClientCredentials, input: CallbackInput): Promise<string>
  /** Resolves to the validated profile; rejects on any failure. */
  fetchProfile(credentials: ClientCredentials, accessToken: string): Promise<ProviderProfile>
}

/** A provider that does not answer in time must not hold the request (and a server worker) forever. */
export const PROVIDER_TIMEOUT_MS = 10_000

export class ProviderResponseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ProviderResponseError'
  }
}

export function requireCode(params: URLSearchParams): string {
  const code = params.get('code')
  if (!code) throw new ProviderResponseError('the callback carries no code')
  return code
}

/** arctic's requests take no AbortSignal, so their wait is bounded from outside. */
async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderResponseError(`${what} timed out`)), PROVIDER_TIMEOUT_MS)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function fetchJson(url: string, init: RequestInit, what: string): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) })
  if (!response.ok) {
    // Not awaited: only frees the connection, and must not hold up the answer.
    void response.body?.cancel().catch(() => {})
    throw new ProviderResponseError(`${what} answered HTTP ${response.status}`)
  }
  try {
    return await response.json()
  } catch (error) {
    throw new ProviderResponseError(`${what} answered with something other than JSON`, { cause: error })
  }
}

function parseWith<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data)
  if (!result.success) throw new ProviderResponseError(`${what}: ${z.prettifyError(result.error)}`)
  return result.data
}

// A malformed address is dropped rather than failing the sign-in: the
// acceptance step asks for one when the provider gave none.
function emailOrNull(value: string | null | undefined): string | null {
  const email = value?.trim()
  if (!email || email.length > 320 || !z.email().safeParse(email).success) return null
  return email
}

const providerUserId = z.union([z.string().trim().min(1).max(255), z.number().int().nonnegative()]).transform(String)

// ---------------------------------------------------------------------------
// Google (OpenID Connect; arctic's Google class, which always uses PKCE)

const GOOGLE_USERINFO_URL = 'https://openidconnect.googleapis.com/v1/userinfo'

const googleUserInfo = z.object({
  sub: providerUserId,
  email: z.string().optional(),
  // The OpenID userinfo endpoint sends a boolean; some Google responses used the string form.
  email_verified: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  name: z.string().optional(),
})

const google: Vendor = {
  authorizationUrl({ clientId, clientSecret }, redirectUri, state, codeVerifier) {
    const url = new Google(clientId, clientSecret ?? '', redirectUri).createAuthorizationURL(state, codeVerifier, [
      'openid',
      'email',
      'profile',
    ])
    // On a shared computer the browser's current Google account must not be picked silently.
    url.searchParams.set('prompt', 'select_account')
    return url
  },
  async exchangeCode({ clientId, clientSecret }, { params, redirectUri, codeVerifier }) {
    const client = new Google(clientId, clientSecret ?? '', redirectUri)
    const tokens = await withTimeout(
      client.validateAuthorizationCode(requireCode(params), codeVerifier),
      'Google token',
    )
    return tokens.accessToken()
  },
  async fetchProfile(_credentials, accessToken) {
    const data = await fetchJson(
      GOOGLE_USERINFO_URL,
      { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' } },
      'Google userinfo',
    )
    const info = parseWith(googleUserInfo, data, 'Google userinfo')
    const email = emailOrNull(info.email)
    return {
      provider: 'google',
      providerUserId: info.sub,
      email,
      emailVerified: email !== null && info.email_verified === true,
      displayName: textOrNull(info.name),
    }
  },
}

// ---------------------------------------------------------------------------
// Yandex ID. arctic's Yandex class has no PKCE, which Yandex OAuth supports,
// so this uses arctic's generic client with Yandex's endpoints (the same
// service arctic reaches on oauth.yandex.com; .ru is the host of the Russian docs).

const YANDEX_AUTHORIZE_URL = 'https://oauth.yandex.ru/authorize'
const YANDEX_TOKEN_URL = 'https://oauth.yandex.ru/token'
const YANDEX_INFO_URL = 'https://login.yandex.ru/info?format=json'

const yandexInfo = z.object({
  id: providerUserId,
  login: z.string().optional(),
  default_email: z.string().optional(),
  display_name: z.string().optional(),
  real_name: z.string().optional(),
})

const yandex: Vendor = {
  authorizationUrl({ clientId, clientSecret }, redirectUri, state, codeVerifier) {
    return new OAuth2Client(clientId, clientSecret, redirectUri).createAuthorizationURLWithPKCE(
      YANDEX_AUTHORIZE_URL,
      state,
      CodeChallengeMethod.S256,
      codeVerifier,
      ['login:email', 'login:info'],
    )
  },
  async exchangeCode({ clientId, clientSecret }, { params, redirectUri, codeVerifier }) {
    const client = new OAuth2Client(clientId, clientSecret, redirectUri)
    const tokens = await withTimeout(
      client.validateAuthorizationCode(YANDEX_TOKEN_URL, requireCode(params), codeVerifier),
      'Yandex token',
    )
    return tokens.accessToken()
  },
  async fetchProfile(_credentials, accessToken) {
    const data = await fetchJson(
      YANDEX_INFO_URL,
      // Yandex ID documents its own "OAuth" scheme for this header.
      { headers: { Authorization: `OAuth ${accessToken}`, Accept: 'application/json' } },
      'Yandex info',
    )
    const info = parseWith(yandexInfo, data, 'Yandex info')
    const email = emailOrNull(info.default_email)
    return {
      provider: 'yandex',
      providerUserId: info.id,
      email,
      // Yandex ID hands out only addresses it has confirmed (or its own mailbox).
      emailVerified: email !== null,
      displayName: textOrNull(info.real_name) ?? textOrNull(info.display_name) ?? textOrNull(info.login),
    }
  },
}

// ---------------------------------------------------------------------------
// VK ID (id.vk.com, OAuth 2.1). arctic's VK class targets the old
// oauth.vk.com flow, so the consent URL comes from arctic's generic client
// and the code exchange is done here: VK ID wants the device_id from the
// callback and the state in the token request, which arctic cannot send. The
// exchange is public-client style (client_id + code_verifier, no secret).

const VK_AUTHORIZE_URL = 'https://id.vk.com/authorize'
const VK_TOKEN_URL = 'https://id.vk.com/oauth2/auth'
const VK_USER_INFO_URL = 'https://id.vk.com/oauth2/user_info'

const vkToken = z.object({ access_token: z.string().min(1), state: z.string().optional() })

const vkUserInfo = z.object({
  user: z.object({
    user_id: providerUserId,
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    email: z.string().optional(),
  }),
})

function formRequest(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
  }
}

const vk: Vendor = {
  authorizationUrl({ clientId }, redirectUri, state, codeVerifier) {
    return new OAuth2Client(clientId, null, redirectUri).createAuthorizationURLWithPKCE(
      VK_AUTHORIZE_URL,
      state,
      CodeChallengeMethod.S256,
      codeVerifier,
      ['vkid.personal_info', 'email'],
    )
  },
  async exchangeCode({ clientId }, { params, redirectUri, state, codeVerifier }) {
    const deviceId = params.get('device_id')
    if (!deviceId) throw new ProviderResponseError('the VK ID callback carries no device_id')
    const data = await fetchJson(
      VK_TOKEN_URL,
      formRequest({
        grant_type: 'authorization_code',
        code: requireCode(params),
        code_verifier: codeVerifier,
        client_id: clientId,
        device_id: deviceId,
        redirect_uri: redirectUri,
        state,
      }),
      'VK ID token',
    )
    // VK ID may report errors in a 200 body ({ error, error_description }); those fail the schema.
    const token = parseWith(vkToken, data, 'VK ID token')
    if (token.state !== undefined && token.state !== state)
      throw new ProviderResponseError('VK ID echoed another state')
    return token.access_token
  },
  async fetchProfile({ clientId }, accessToken) {
    const data = await fetchJson(
      VK_USER_INFO_URL,
      formRequest({ client_id: clientId, access_token: accessToken }),
      'VK ID user_info',
    )
    const { user } = parseWith(vkUserInfo, data, 'VK ID user_info')
    return {
      provider: 'vk',
      providerUserId: user.user_id,
      email: emailOrNull(user.email),
      // VK ID does not say whether the address was confirmed.
      emailVerified: false,
      displayName: textOrNull(user.first_name, user.last_name),
    }
  },
}

export const VENDORS: Record<OAuthProvider, Vendor> = { google, yandex, vk }
