import { randomBytes } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { oauthVendorMock, readForm, reply, s256 } from '../support/oauth-vendor'

/**
 * VK ID (OAuth 2.1 on id.vk.com): the consent screen at /authorize (PKCE is
 * mandatory), the token endpoint /oauth2/auth (public client: client_id,
 * code_verifier and the device_id from the callback, no secret) and
 * /oauth2/user_info (client_id and access_token in a form body).
 * `vkMock.authorize()` plays the consent screen and returns the callback query
 * with code, state and device_id.
 */

export const VK_AUTHORIZE_URL = 'https://id.vk.com/authorize'
export const VK_TOKEN_URL = 'https://id.vk.com/oauth2/auth'
export const VK_USER_INFO_URL = 'https://id.vk.com/oauth2/user_info'

export type VkUser = {
  user_id: string
  first_name?: string
  last_name?: string
  phone?: string
  avatar?: string
  email?: string
  sex?: number
  verified?: boolean
  birthday?: string
}

export type RecordedVkRequest = {
  endpoint: 'token' | 'user_info'
  authorization: string | null
  form: Record<string, string>
}

type IssuedCode = { redirectUri: string; codeChallenge: string; deviceId: string; scope: string }

const DEFAULT_USER: VkUser = {
  user_id: '900000001',
  first_name: 'Вера',
  last_name: 'Соколова',
  avatar: 'https://avatar.palitra-test.example/vk/900000001.jpg',
  email: 'vera.sokolova-test@palitra-test.example',
  sex: 1,
  verified: false,
  birthday: '01.01.1990',
}

// An access token remembers the scope it was granted.
const vendor = oauthVendorMock<VkUser, RecordedVkRequest, IssuedCode, string>({
  user: DEFAULT_USER,
  // VK ID may also send its errors with status 200.
  tokenFailure: { error: 'server_error', error_description: 'Internal error' },
  userInfoFailure: { error: 'server_error', error_description: 'Internal error' },
})

const randomToken = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`

const vkError = (status: number, error: string, description: string, state?: string) =>
  HttpResponse.json({ error, error_description: description, ...(state ? { state } : {}) }, { status })

export const vkMock = {
  clientId: '51900001',
  /** The app's "protected key"; VK ID's PKCE exchange does not take it. */
  clientSecret: 'vk-test-protected-key',
  ...vendor.controls,
  /** Plays the consent screen; returns the callback's query (code, state, device_id…, or `error`). */
  authorize(authorizationUrl: URL | string, options: { deny?: boolean } = {}): URLSearchParams {
    const url = new URL(authorizationUrl)
    const q = url.searchParams
    if (`${url.origin}${url.pathname}` !== VK_AUTHORIZE_URL) throw new Error(`not VK ID's consent URL: ${url}`)
    if (q.get('client_id') !== vkMock.clientId) throw new Error('VK ID: unknown client_id')
    if (q.get('response_type') !== 'code') throw new Error('VK ID: response_type must be code')
    const challenge = q.get('code_challenge')
    if (!challenge || q.get('code_challenge_method')?.toLowerCase() !== 's256')
      throw new Error('VK ID: PKCE is mandatory')
    const redirectUri = q.get('redirect_uri')
    if (!redirectUri) throw new Error('VK ID: redirect_uri missing')
    const state = q.get('state') ?? ''
    if (options.deny) return new URLSearchParams({ error: 'access_denied', error_description: 'User denied', state })
    const code = randomToken('vk2.a.')
    const deviceId = randomToken('')
    vendor.codes.set(code, {
      redirectUri,
      codeChallenge: challenge,
      deviceId,
      scope: q.get('scope') ?? 'vkid.personal_info',
    })
    return new URLSearchParams({
      code,
      expires_in: '600',
      device_id: deviceId,
      state,
      ext_id: 'test-ext',
      type: 'code_v2',
    })
  },
}

export const vkHandlers = [
  http.post(VK_TOKEN_URL, async ({ request }) => {
    const form = await readForm(request)
    vendor.requests.push({ endpoint: 'token', authorization: request.headers.get('authorization'), form })
    const failure = await vendor.tokenFailure()
    if (failure) return failure

    const state = form.state
    if (form.grant_type !== 'authorization_code') return vkError(400, 'unsupported_grant_type', 'grant_type', state)
    if (form.client_id !== vkMock.clientId) return vkError(401, 'invalid_client', 'client_id is invalid', state)
    const issued = form.code ? vendor.codes.get(form.code) : undefined
    if (!issued) return vkError(400, 'invalid_grant', 'code is invalid or expired', state)
    vendor.codes.delete(form.code!)
    if (form.device_id !== issued.deviceId) return vkError(400, 'invalid_request', 'device_id is invalid', state)
    if (form.redirect_uri !== issued.redirectUri)
      return vkError(400, 'invalid_request', 'redirect_uri is invalid', state)
    if (!form.code_verifier || s256(form.code_verifier) !== issued.codeChallenge) {
      return vkError(400, 'invalid_grant', 'code_verifier is invalid', state)
    }

    const accessToken = randomToken('vk2.a.access.')
    vendor.accessTokens.set(accessToken, issued.scope)
    return HttpResponse.json({
      refresh_token: randomToken('vk2.a.refresh.'),
      access_token: accessToken,
      id_token: 'header.payload.signature',
      token_type: 'Bearer',
      expires_in: 3600,
      user_id: Number(vendor.user().user_id),
      state,
      scope: issued.scope,
    })
  }),

  http.post(VK_USER_INFO_URL, async ({ request }) => {
    const form = await readForm(request)
    vendor.requests.push({ endpoint: 'user_info', authorization: request.headers.get('authorization'), form })
    const failure = vendor.userInfoFailure()
    if (failure) return failure
    if (form.client_id !== vkMock.clientId) return vkError(401, 'invalid_client', 'client_id is invalid')
    const scope = form.access_token ? vendor.accessTokens.get(form.access_token) : undefined
    if (scope === undefined) return vkError(401, 'invalid_token', 'access_token is missing or invalid')
    const body = vendor.userInfoBody()
    if (body !== undefined) return reply(body)
    // The address is only shared when the person granted the email scope.
    const { email, ...rest } = vendor.user()
    return HttpResponse.json({ user: scope.split(' ').includes('email') ? { ...rest, email } : rest })
  }),
]
