import { randomBytes } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { basicCredentials, oauthError, oauthVendorMock, readForm, reply, s256 } from '../support/oauth-vendor'

/**
 * Google's OAuth 2.0 / OpenID Connect endpoints as arctic and our code use
 * them: the token endpoint (client secret in HTTP Basic, PKCE S256) and the
 * OpenID userinfo endpoint (bearer token). `googleMock.authorize()` plays the
 * consent screen: it checks the authorization URL and hands back the query
 * string Google would put on the callback. Tests steer failures through
 * `googleMock`.
 */

export const GOOGLE_AUTHORIZE_URL = 'https://accounts.google.com/o/oauth2/v2/auth'
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token'
export const GOOGLE_USERINFO_URL = 'https://openidconnect.googleapis.com/v1/userinfo'

export type GoogleUser = {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
  given_name?: string
  family_name?: string
  picture?: string
  locale?: string
}

export type RecordedGoogleRequest = {
  endpoint: 'token' | 'userinfo'
  authorization: string | null
  form: Record<string, string>
}

type IssuedCode = { redirectUri: string; codeChallenge: string; clientId: string }

const DEFAULT_USER: GoogleUser = {
  sub: '104857600000000000001',
  email: 'mira.kovalenko@palitra-test.example',
  email_verified: true,
  name: 'Mira Kovalenko',
  given_name: 'Mira',
  family_name: 'Kovalenko',
  locale: 'en',
}

const vendor = oauthVendorMock<GoogleUser, RecordedGoogleRequest, IssuedCode>({
  user: DEFAULT_USER,
  tokenFailure: { error: 'internal_failure' },
  userInfoFailure: { error: 'internal_failure' },
})

const token = (prefix: string) => `${prefix}.${randomBytes(16).toString('base64url')}`

export const googleMock = {
  clientId: 'google-test-client.apps.googleusercontent.com',
  clientSecret: 'google-test-secret',
  ...vendor.controls,
  /** Plays the consent screen; returns the callback's query (`code` and `state`, or `error`). */
  authorize(authorizationUrl: URL | string, options: { deny?: boolean } = {}): URLSearchParams {
    const url = new URL(authorizationUrl)
    const q = url.searchParams
    if (`${url.origin}${url.pathname}` !== GOOGLE_AUTHORIZE_URL) throw new Error(`not Google's consent URL: ${url}`)
    if (q.get('client_id') !== googleMock.clientId) throw new Error('Google: unknown client_id')
    if (q.get('response_type') !== 'code') throw new Error('Google: response_type must be code')
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) throw new Error('Google: PKCE missing')
    const redirectUri = q.get('redirect_uri')
    if (!redirectUri) throw new Error('Google: redirect_uri missing')
    const state = q.get('state') ?? ''
    if (options.deny) return new URLSearchParams({ error: 'access_denied', state })
    const code = token('4/0Google')
    vendor.codes.set(code, { redirectUri, codeChallenge: q.get('code_challenge')!, clientId: googleMock.clientId })
    return new URLSearchParams({ state, code, scope: q.get('scope') ?? '', authuser: '0', prompt: 'consent' })
  },
}

export const googleHandlers = [
  http.post(GOOGLE_TOKEN_URL, async ({ request }) => {
    const form = await readForm(request)
    const authorization = request.headers.get('authorization')
    vendor.requests.push({ endpoint: 'token', authorization, form })
    const failure = await vendor.tokenFailure()
    if (failure) return failure

    const client = basicCredentials(authorization) ?? { id: form.client_id, secret: form.client_secret }
    if (client.id !== googleMock.clientId || client.secret !== googleMock.clientSecret) {
      return oauthError(401, 'invalid_client', 'The OAuth client was not found.')
    }
    if (form.grant_type !== 'authorization_code') return oauthError(400, 'unsupported_grant_type', 'Invalid grant_type')
    const issued = form.code ? vendor.codes.get(form.code) : undefined
    if (!issued) return oauthError(400, 'invalid_grant', 'Malformed auth code.')
    vendor.codes.delete(form.code!) // single use
    if (form.redirect_uri !== issued.redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request')
    if (!form.code_verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.')
    if (s256(form.code_verifier) !== issued.codeChallenge)
      return oauthError(400, 'invalid_grant', 'Invalid code verifier.')

    const accessToken = token('ya29.google')
    vendor.accessTokens.set(accessToken, true)
    return HttpResponse.json({
      access_token: accessToken,
      expires_in: 3599,
      scope: 'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile',
      token_type: 'Bearer',
      id_token: 'header.payload.signature',
    })
  }),

  http.get(GOOGLE_USERINFO_URL, ({ request }) => {
    const authorization = request.headers.get('authorization')
    vendor.requests.push({ endpoint: 'userinfo', authorization, form: {} })
    const failure = vendor.userInfoFailure()
    if (failure) return failure
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
    if (!bearer || !vendor.accessTokens.has(bearer)) return oauthError(401, 'invalid_request', 'Invalid Credentials')
    return reply(vendor.userInfoBody() ?? vendor.user())
  }),
]
