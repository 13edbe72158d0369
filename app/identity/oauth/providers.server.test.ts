import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { server } from '../../../tests/mocks'
import { googleMock } from '../../../tests/mocks/google'
import { vkMock } from '../../../tests/mocks/vk'
import { yandexMock } from '../../../tests/mocks/yandex'
import { type OAuthProvider } from './profile.server'
import {
  beginOAuth,
  callbackUrl,
  completeOAuth,
  enabledOAuthProvider,
  enabledProviders,
  flowCookieName,
  ProviderNotConfiguredError,
  telegramLoginWidget,
  type ProviderSettings,
} from './providers.server'
import { PROVIDER_TIMEOUT_MS } from './vendors.server'

const NONE: ProviderSettings = {
  PUBLIC_URL: undefined,
  GOOGLE_CLIENT_ID: undefined,
  GOOGLE_CLIENT_SECRET: undefined,
  YANDEX_CLIENT_ID: undefined,
  YANDEX_CLIENT_SECRET: undefined,
  VK_CLIENT_ID: undefined,
  VK_CLIENT_SECRET: undefined,
  TELEGRAM_BOT_TOKEN: undefined,
  TELEGRAM_BOT_NAME: undefined,
}

const settings: ProviderSettings = {
  ...NONE,
  GOOGLE_CLIENT_ID: googleMock.clientId,
  GOOGLE_CLIENT_SECRET: googleMock.clientSecret,
  YANDEX_CLIENT_ID: yandexMock.clientId,
  YANDEX_CLIENT_SECRET: yandexMock.clientSecret,
  VK_CLIENT_ID: vkMock.clientId,
  VK_CLIENT_SECRET: vkMock.clientSecret,
}

const origin = 'https://palitra.test'

const consentScreens: Record<OAuthProvider, (url: URL, options?: { deny?: boolean }) => URLSearchParams> = {
  google: (url, options) => googleMock.authorize(url, options),
  yandex: (url, options) => yandexMock.authorize(url, options),
  vk: (url, options) => vkMock.authorize(url, options),
}

const tokenRequests = (provider: OAuthProvider) =>
  ({ google: googleMock.requests, yandex: yandexMock.requests, vk: vkMock.requests })[provider].filter(
    (r) => r.endpoint === 'token',
  )

/** The `Cookie` header a browser would send back for these `Set-Cookie` values. */
function cookieHeader(setCookies: string[]): string {
  return setCookies.map((header) => header.split(';')[0]).join('; ')
}

function callback(provider: OAuthProvider, query: URLSearchParams, cookie?: string): Request {
  return new Request(`${origin}/auth/${provider}/callback?${query}`, { headers: cookie ? { Cookie: cookie } : {} })
}

function decodeFlow(setCookie: string): Record<string, unknown> {
  const value = setCookie.split(';')[0]!.split('=')[1]!
  return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Record<string, unknown>
}

function encodeFlow(provider: OAuthProvider, flow: Record<string, unknown>): string {
  return `${flowCookieName(provider)}=${Buffer.from(JSON.stringify(flow)).toString('base64url')}`
}

/** Begin, pass the consent screen, and build the callback request the browser would send. */
function signInUntilCallback(provider: OAuthProvider, options: { deny?: boolean; redirectTo?: string } = {}) {
  const begun = beginOAuth(
    provider,
    { origin, locale: 'ru', redirectTo: options.redirectTo ?? '/ru/history' },
    settings,
  )
  const query = consentScreens[provider](begun.url, { deny: options.deny })
  return { begun, query, request: callback(provider, query, cookieHeader(begun.setCookies)) }
}

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' })
  // msw 2.15 (interceptors 0.41) keeps an unread clone of each mocked response,
  // and then body.cancel() never settles (mswjs/interceptors#712, #799). arctic
  // cancels the body of 5xx token answers, so the clone is read here.
  server.events.on('response:mocked', ({ response }) => void response.arrayBuffer().catch(() => {}))
})
beforeEach(() => {
  googleMock.reset()
  yandexMock.reset()
  vkMock.reset()
})
afterEach(() => {
  vi.useRealTimers()
  googleMock.reset()
})
afterAll(() => server.close())

describe('which providers are shown', () => {
  test('none without settings; each one once its keys are set, Telegram with both token and bot name', () => {
    expect(enabledProviders(NONE)).toEqual([])
    expect(enabledProviders({ ...NONE, GOOGLE_CLIENT_ID: 'id' })).toEqual([])
    expect(enabledProviders({ ...NONE, TELEGRAM_BOT_TOKEN: '1:abc' })).toEqual([])
    expect(
      enabledProviders({ ...settings, TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_BOT_NAME: 'palitra_bot' }, 'en'),
    ).toEqual([
      { id: 'google', label: 'Google' },
      { id: 'yandex', label: 'Yandex ID' },
      { id: 'vk', label: 'VK ID' },
      { id: 'telegram', label: 'Telegram' },
    ])
    expect(enabledProviders({ ...NONE, YANDEX_CLIENT_ID: 'id', YANDEX_CLIENT_SECRET: 's' }, 'ru')).toEqual([
      { id: 'yandex', label: 'Яндекс ID' },
    ])
  })

  test('only switched-on OAuth providers are accepted as a route parameter', () => {
    expect(enabledOAuthProvider('google', settings)).toBe('google')
    expect(enabledOAuthProvider('google', NONE)).toBeNull()
    expect(enabledOAuthProvider('telegram', settings)).toBeNull()
    expect(enabledOAuthProvider('github', settings)).toBeNull()
    expect(enabledOAuthProvider(undefined, settings)).toBeNull()
    expect(() => beginOAuth('google', { origin, locale: 'en' }, NONE)).toThrow(ProviderNotConfiguredError)
  })

  test('the callback is on PUBLIC_URL when set, else on the request origin', () => {
    expect(callbackUrl('google', 'http://10.0.0.5:3000/anything', NONE)).toBe(
      'http://10.0.0.5:3000/auth/google/callback',
    )
    expect(callbackUrl('vk', 'http://10.0.0.5:3000', { PUBLIC_URL: 'https://palitra.example/' })).toBe(
      'https://palitra.example/auth/vk/callback',
    )
    expect(telegramLoginWidget(origin, settings)).toBeNull()
    expect(
      telegramLoginWidget(origin, { ...settings, TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_BOT_NAME: 'palitra_bot' }),
    ).toEqual({ botName: 'palitra_bot', authUrl: 'https://palitra.test/auth/telegram/callback' })
  })
})

describe('beginOAuth', () => {
  test.each([
    ['google', 'https://accounts.google.com/o/oauth2/v2/auth', 'openid email profile'],
    ['yandex', 'https://oauth.yandex.ru/authorize', 'login:email login:info'],
    ['vk', 'https://id.vk.com/authorize', 'vkid.personal_info email'],
  ] as const)(
    '%s: consent URL with state, PKCE S256 and the e-mail and profile scopes',
    (provider, endpoint, scope) => {
      const { url, setCookies } = beginOAuth(provider, { origin, locale: 'en', redirectTo: '/en/pricing' }, settings)
      expect(`${url.origin}${url.pathname}`).toBe(endpoint)
      expect(url.searchParams.get('redirect_uri')).toBe(`https://palitra.test/auth/${provider}/callback`)
      expect(url.searchParams.get('scope')).toBe(scope)
      expect(url.searchParams.get('code_challenge_method')).toBe('S256')

      expect(setCookies).toHaveLength(1)
      const flow = decodeFlow(setCookies[0]!)
      expect(flow).toMatchObject({ state: url.searchParams.get('state'), locale: 'en', redirectTo: '/en/pricing' })
      const challenge = createHash('sha256')
        .update(flow.codeVerifier as string)
        .digest('base64url')
      expect(url.searchParams.get('code_challenge')).toBe(challenge)
    },
  )

  test('the flow cookie is short-lived, HttpOnly, SameSite=Lax, scoped to /auth/, Secure on https', () => {
    const [secure] = beginOAuth('google', { origin, locale: 'ru' }, settings).setCookies
    expect(secure).toMatch(/^palitra_oauth_google=[\w-]+; /)
    for (const attribute of ['Path=/auth/', 'Max-Age=600', 'HttpOnly', 'SameSite=Lax', 'Secure']) {
      expect(secure!.split('; ')).toContain(attribute)
    }
    const [plain] = beginOAuth('google', { origin: 'http://localhost:3000', locale: 'ru' }, settings).setCookies
    expect(plain!.split('; ')).not.toContain('Secure')
  })

  test('every attempt gets its own state', () => {
    const a = beginOAuth('vk', { origin, locale: 'ru' }, settings).url.searchParams.get('state')
    const b = beginOAuth('vk', { origin, locale: 'ru' }, settings).url.searchParams.get('state')
    expect(a).not.toBe(b)
  })

  test('only paths on this site are kept as the place to return to', () => {
    const kept = (redirectTo: string | null) =>
      decodeFlow(beginOAuth('google', { origin, locale: 'ru', redirectTo }, settings).setCookies[0]!).redirectTo
    expect(kept('/ru/history?tab=all#top')).toBe('/ru/history?tab=all#top')
    for (const bad of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'ru/x',
      '/ok\n//x',
      '/%09/evil.example/',
      '/.//evil.example',
      '/ru/%00',
      '',
      null,
    ]) {
      expect(kept(bad)).toBeNull()
    }
  })
})

describe('completeOAuth: the round trip', () => {
  test('Google: code exchanged with the client secret and the PKCE verifier, profile from userinfo', async () => {
    const { request } = signInUntilCallback('google')
    const result = await completeOAuth('google', request, { origin }, settings)

    expect(result).toEqual({
      ok: true,
      profile: {
        provider: 'google',
        providerUserId: '104857600000000000001',
        email: 'mira.kovalenko@palitra-test.example',
        emailVerified: true,
        displayName: 'Mira Kovalenko',
      },
      locale: 'ru',
      redirectTo: '/ru/history',
      clearCookies: [expect.stringMatching(/^palitra_oauth_google=; /)],
    })
    // The attributes in any order: the deletion matches the cookie's path and flags.
    expect(result.ok && result.clearCookies[0]!.split('; ')).toEqual(
      expect.arrayContaining(['Max-Age=0', 'Path=/auth/', 'HttpOnly', 'SameSite=Lax']),
    )
    const [tokenRequest] = tokenRequests('google')
    expect(tokenRequest?.authorization).toMatch(/^Basic /)
    expect(tokenRequest?.form).toMatchObject({
      grant_type: 'authorization_code',
      redirect_uri: 'https://palitra.test/auth/google/callback',
    })
    expect(tokenRequest?.form.code_verifier).toBeTruthy()
  })

  test('Yandex: PKCE exchange, profile from login.yandex.ru/info with the OAuth header', async () => {
    const { request } = signInUntilCallback('yandex')
    const result = await completeOAuth('yandex', request, { origin }, settings)

    expect(result).toMatchObject({
      ok: true,
      profile: {
        provider: 'yandex',
        providerUserId: '1130000000000001',
        email: 'lev.orlov-test@palitra-test.example',
        emailVerified: true,
        displayName: 'Лев Орлов',
      },
    })
    const info = yandexMock.requests.find((r) => r.endpoint === 'info')
    expect(info?.authorization).toMatch(/^OAuth y0_test_/)
    expect(info?.query).toEqual({ format: 'json' })
  })

  test('VK ID: device_id and state go with the code, no client secret; profile from oauth2/user_info', async () => {
    const { request, query } = signInUntilCallback('vk')
    const result = await completeOAuth('vk', request, { origin }, settings)

    expect(result).toMatchObject({
      ok: true,
      profile: {
        provider: 'vk',
        providerUserId: '900000001',
        email: 'vera.sokolova-test@palitra-test.example',
        emailVerified: false,
        displayName: 'Вера Соколова',
      },
    })
    const [tokenRequest] = tokenRequests('vk')
    expect(tokenRequest?.form).toMatchObject({
      grant_type: 'authorization_code',
      client_id: vkMock.clientId,
      device_id: query.get('device_id'),
      state: query.get('state'),
      redirect_uri: 'https://palitra.test/auth/vk/callback',
    })
    expect(tokenRequest?.form).not.toHaveProperty('client_secret')
    expect(tokenRequest?.authorization).toBeNull()
  })

  test('names and addresses the provider leaves out come back as null', async () => {
    googleMock.setUser({ email: undefined, email_verified: undefined, name: '  ' })
    const google = await completeOAuth('google', signInUntilCallback('google').request, { origin }, settings)
    expect(google).toMatchObject({ ok: true, profile: { email: null, emailVerified: false, displayName: null } })

    googleMock.setUser({ email_verified: false })
    const unverified = await completeOAuth('google', signInUntilCallback('google').request, { origin }, settings)
    expect(unverified).toMatchObject({ ok: true, profile: { emailVerified: false } })

    yandexMock.setUser({ real_name: '', default_email: 'not an address', display_name: 'lev' })
    const yandex = await completeOAuth('yandex', signInUntilCallback('yandex').request, { origin }, settings)
    expect(yandex).toMatchObject({ ok: true, profile: { email: null, emailVerified: false, displayName: 'lev' } })
  })
})

describe('completeOAuth: refusals', () => {
  test.each(['google', 'yandex', 'vk'] as const)('%s: a state that does not match the cookie is refused', async (p) => {
    const { begun, query } = signInUntilCallback(p)
    query.set('state', 'attacker-chosen-state-attacker-chosen-state')
    const result = await completeOAuth(p, callback(p, query, cookieHeader(begun.setCookies)), { origin }, settings)

    expect(result).toMatchObject({ ok: false, reason: 'state-mismatch', locale: 'ru' })
    expect(result.clearCookies[0]).toMatch(new RegExp(`^palitra_oauth_${p}=; .*Max-Age=0`))
    expect(tokenRequests(p)).toHaveLength(0)
  })

  test('a callback without the state cookie is refused (login CSRF)', async () => {
    const { query } = signInUntilCallback('google')
    const result = await completeOAuth('google', callback('google', query), { origin }, settings)
    expect(result).toMatchObject({ ok: false, reason: 'state-mismatch', locale: null, redirectTo: null })
    expect(tokenRequests('google')).toHaveLength(0)
  })

  test('a callback without a state parameter is refused', async () => {
    const { begun, query } = signInUntilCallback('yandex')
    query.delete('state')
    const result = await completeOAuth(
      'yandex',
      callback('yandex', query, cookieHeader(begun.setCookies)),
      { origin },
      settings,
    )
    expect(result).toMatchObject({ ok: false, reason: 'state-mismatch' })
  })

  test("another provider's flow cookie does not count", async () => {
    const google = beginOAuth('google', { origin, locale: 'ru' }, settings)
    const { query } = signInUntilCallback('vk')
    query.set('state', google.url.searchParams.get('state')!)
    const result = await completeOAuth(
      'vk',
      callback('vk', query, cookieHeader(google.setCookies)),
      { origin },
      settings,
    )
    expect(result).toMatchObject({ ok: false, reason: 'state-mismatch' })
  })

  test('an unreadable flow cookie is refused, not a 500', async () => {
    const { query } = signInUntilCallback('google')
    const result = await completeOAuth(
      'google',
      callback('google', query, `${flowCookieName('google')}=%%%not-base64`),
      { origin },
      settings,
    )
    expect(result).toMatchObject({ ok: false, reason: 'state-mismatch' })
  })

  test.each(['google', 'yandex', 'vk'] as const)('%s: the person cancelling at the provider is "denied"', async (p) => {
    const { request } = signInUntilCallback(p, { deny: true })
    const result = await completeOAuth(p, request, { origin }, settings)
    expect(result).toMatchObject({ ok: false, reason: 'denied', locale: 'ru', redirectTo: '/ru/history' })
    expect(tokenRequests(p)).toHaveLength(0)
  })

  test.each([
    ['google', 400, { error: 'invalid_grant', error_description: 'Bad Request' }],
    ['google', 500, 'Internal Server Error'],
    ['yandex', 400, { error: 'invalid_grant', error_description: 'Code has expired' }],
    ['yandex', 503, 'Service Unavailable'],
    ['vk', 400, { error: 'invalid_grant', error_description: 'code is invalid' }],
    ['vk', 500, 'Internal Server Error'],
    // VK ID may report an error in a 200 answer.
    ['vk', 200, { error: 'invalid_request', error_description: 'device_id is invalid' }],
  ] as const)('%s: token endpoint answering %i is "token"', async (p, status, body) => {
    ;({ google: googleMock, yandex: yandexMock, vk: vkMock })[p].failToken(status, body)
    const result = await completeOAuth(p, signInUntilCallback(p).request, { origin }, settings)
    expect(result).toMatchObject({ ok: false, reason: 'token', locale: 'ru' })
  })

  test('a token endpoint that never answers is "token" after the timeout, not a hung request', async () => {
    googleMock.hangToken()
    const { request } = signInUntilCallback('google')
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const pending = completeOAuth('google', request, { origin }, settings)
    await vi.advanceTimersByTimeAsync(PROVIDER_TIMEOUT_MS)
    expect(await pending).toMatchObject({ ok: false, reason: 'token' })
  })

  test('a code used twice is refused the second time', async () => {
    const { request } = signInUntilCallback('google')
    const replay = request.clone()
    expect(await completeOAuth('google', request, { origin }, settings)).toMatchObject({ ok: true })
    expect(await completeOAuth('google', replay, { origin }, settings)).toMatchObject({ ok: false, reason: 'token' })
  })

  test.each(['google', 'yandex', 'vk'] as const)(
    '%s: a code injected into another attempt fails PKCE at the token endpoint',
    async (p) => {
      const victim = beginOAuth(p, { origin, locale: 'ru' }, settings)
      const attacker = beginOAuth(p, { origin, locale: 'ru' }, settings)
      const attackerCode = consentScreens[p](attacker.url)
      // The attacker's code arrives with the victim's valid state; only the verifier can tell.
      attackerCode.set('state', victim.url.searchParams.get('state')!)
      const result = await completeOAuth(
        p,
        callback(p, attackerCode, cookieHeader(victim.setCookies)),
        { origin },
        settings,
      )
      expect(result).toMatchObject({ ok: false, reason: 'token' })
    },
  )

  test('a callback without a code, or VK ID without device_id, is "token"', async () => {
    const { begun, query } = signInUntilCallback('google')
    query.delete('code')
    const noCode = await completeOAuth(
      'google',
      callback('google', query, cookieHeader(begun.setCookies)),
      { origin },
      settings,
    )
    expect(noCode).toMatchObject({ ok: false, reason: 'token' })

    const vk = signInUntilCallback('vk')
    vk.query.delete('device_id')
    const noDevice = await completeOAuth(
      'vk',
      callback('vk', vk.query, cookieHeader(vk.begun.setCookies)),
      { origin },
      settings,
    )
    expect(noDevice).toMatchObject({ ok: false, reason: 'token' })
    expect(tokenRequests('vk')).toHaveLength(0)
  })

  test('a tampered flow cookie cannot carry another verifier past the token endpoint', async () => {
    const { begun, query } = signInUntilCallback('vk')
    const flow = decodeFlow(begun.setCookies[0]!)
    const forged = encodeFlow('vk', { ...flow, codeVerifier: 'x'.repeat(43) })
    const result = await completeOAuth('vk', callback('vk', query, forged), { origin }, settings)
    expect(result).toMatchObject({ ok: false, reason: 'token' })
  })

  test.each([
    ['google', 500],
    ['google', 401],
    ['yandex', 500],
    ['vk', 500],
  ] as const)('%s: user-info endpoint answering %i is "profile"', async (p, status) => {
    const mock = { google: googleMock.failUserInfo, yandex: yandexMock.failUserInfo, vk: vkMock.failUserInfo }[p]
    mock(status)
    const result = await completeOAuth(p, signInUntilCallback(p).request, { origin }, settings)
    expect(result).toMatchObject({ ok: false, reason: 'profile' })
  })

  test.each([
    ['google', { email: 'mira@palitra-test.example', name: 'No subject' }],
    ['google', '<html>not json</html>'],
    ['yandex', { login: 'no-id' }],
    ['yandex', [1, 2, 3]],
    ['vk', { user: { first_name: 'No id' } }],
    ['vk', { error: 'invalid_token', error_description: 'expired' }],
  ] as const)('%s: malformed user info is "profile"', async (p, body) => {
    const answer = {
      google: googleMock.answerUserInfoWith,
      yandex: yandexMock.answerUserInfoWith,
      vk: vkMock.answerUserInfoWith,
    }[p]
    answer(body)
    const result = await completeOAuth(p, signInUntilCallback(p).request, { origin }, settings)
    expect(result).toMatchObject({ ok: false, reason: 'profile' })
  })

  test('a redirect target altered in the cookie is dropped on the way back', async () => {
    const { begun, query } = signInUntilCallback('google')
    const flow = decodeFlow(begun.setCookies[0]!)
    const altered = encodeFlow('google', { ...flow, redirectTo: '//evil.example/phish' })
    const result = await completeOAuth('google', callback('google', query, altered), { origin }, settings)
    expect(result).toMatchObject({ ok: true, redirectTo: null })
  })
})
