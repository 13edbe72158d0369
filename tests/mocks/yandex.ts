import { randomBytes } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { basicCredentials, oauthError, oauthVendorMock, readForm, reply, s256 } from '../support/oauth-vendor'

/**
 * Yandex OAuth (oauth.yandex.ru, also answered on oauth.yandex.com as arctic
 * spells it) and the Yandex ID user-info API (login.yandex.ru/info, token in
 * an `Authorization: OAuth` header). The token endpoint takes the client in
 * HTTP Basic or in the body, and checks PKCE when the consent URL carried a
 * code_challenge. `yandexMock.authorize()` plays the consent screen.
 */

export const YANDEX_AUTHORIZE_URLS = ['https://oauth.yandex.ru/authorize', 'https://oauth.yandex.com/authorize']
const TOKEN_URL = /^https:\/\/oauth\.yandex\.(ru|com)\/token$/
export const YANDEX_INFO_URL = 'https://login.yandex.ru/info'

export type YandexUser = {
  id: string
  login?: string
  client_id?: string
  display_name?: string
  real_name?: string
  first_name?: string
  last_name?: string
  sex?: string | null
  default_email?: string
  emails?: string[]
  psuid?: string
}

export type RecordedYandexRequest = {
  endpoint: 'token' | 'info'
  host: string
  authorization: string | null
  form: Record<string, string>
  query: Record<string, string>
}

type IssuedCode = { redirectUri: string | null; codeChallenge: string | null }

const DEFAULT_USER: YandexUser = {
  id: '1130000000000001',
  login: 'lev.orlov-test',
  display_name: 'lev.orlov-test',
  real_name: 'Лев Орлов',
  first_name: 'Лев',
  last_name: 'Орлов',
  sex: 'male',
  default_email: 'lev.orlov-test@palitra-test.example',
  emails: ['lev.orlov-test@palitra-test.example'],
  psuid: '1.AAAAAA.test',
}

const vendor = oauthVendorMock<YandexUser, RecordedYandexRequest, IssuedCode>({
  user: DEFAULT_USER,
  tokenFailure: { error: 'server_error', error_description: 'Internal error' },
  userInfoFailure: 'Internal Server Error',
})

export const yandexMock = {
  clientId: 'yandex-test-client-id',
  clientSecret: 'yandex-test-secret',
  ...vendor.controls,
  /** Plays the consent screen; returns the callback's query (`code` and `state`, or `error`). */
  authorize(authorizationUrl: URL | string, options: { deny?: boolean } = {}): URLSearchParams {
    const url = new URL(authorizationUrl)
    const q = url.searchParams
    if (!YANDEX_AUTHORIZE_URLS.includes(`${url.origin}${url.pathname}`))
      throw new Error(`not Yandex's consent URL: ${url}`)
    if (q.get('client_id') !== yandexMock.clientId) throw new Error('Yandex: unknown client_id')
    if (q.get('response_type') !== 'code') throw new Error('Yandex: response_type must be code')
    const challenge = q.get('code_challenge')
    if (challenge && q.get('code_challenge_method') !== 'S256') throw new Error('Yandex: expected S256')
    const state = q.get('state') ?? ''
    if (options.deny) {
      return new URLSearchParams({ error: 'access_denied', error_description: 'User denied access', state })
    }
    const code = String(1_000_000 + randomBytes(3).readUIntBE(0, 3))
    vendor.codes.set(code, { redirectUri: q.get('redirect_uri'), codeChallenge: challenge })
    return new URLSearchParams({ code, state, cid: 'test-cid' })
  },
}

export const yandexHandlers = [
  http.post(TOKEN_URL, async ({ request }) => {
    const form = await readForm(request)
    const authorization = request.headers.get('authorization')
    vendor.requests.push({ endpoint: 'token', host: new URL(request.url).host, authorization, form, query: {} })
    const failure = await vendor.tokenFailure()
    if (failure) return failure

    const client = basicCredentials(authorization) ?? { id: form.client_id, secret: form.client_secret }
    if (client.id !== yandexMock.clientId || client.secret !== yandexMock.clientSecret) {
      return oauthError(401, 'invalid_client', 'Client not found')
    }
    if (form.grant_type !== 'authorization_code') return oauthError(400, 'unsupported_grant_type', 'Invalid grant')
    const issued = form.code ? vendor.codes.get(form.code) : undefined
    if (!issued) return oauthError(400, 'invalid_grant', 'Code has expired')
    vendor.codes.delete(form.code!)
    if (issued.redirectUri && form.redirect_uri && form.redirect_uri !== issued.redirectUri) {
      return oauthError(400, 'invalid_grant', 'Redirect URI mismatch')
    }
    if (issued.codeChallenge && (!form.code_verifier || s256(form.code_verifier) !== issued.codeChallenge)) {
      return oauthError(400, 'invalid_grant', 'Code verifier is invalid')
    }

    const accessToken = `y0_test_${randomBytes(16).toString('base64url')}`
    vendor.accessTokens.set(accessToken, true)
    return HttpResponse.json({
      token_type: 'bearer',
      access_token: accessToken,
      expires_in: 31_536_000,
      refresh_token: `1:test:${randomBytes(8).toString('hex')}`,
    })
  }),

  http.get(YANDEX_INFO_URL, ({ request }) => {
    const authorization = request.headers.get('authorization')
    const query = Object.fromEntries(new URL(request.url).searchParams)
    vendor.requests.push({ endpoint: 'info', host: 'login.yandex.ru', authorization, form: {}, query })
    const failure = vendor.userInfoFailure()
    if (failure) return failure
    const oauthToken = /^OAuth (.+)$/.exec(authorization ?? '')?.[1] ?? query.oauth_token
    if (!oauthToken || !vendor.accessTokens.has(oauthToken)) return reply('401 Unauthorized', 401)
    return reply(vendor.userInfoBody() ?? { ...vendor.user(), client_id: yandexMock.clientId })
  }),
]
