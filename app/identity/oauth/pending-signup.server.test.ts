import { createHmac } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import {
  clearPendingSignup,
  PENDING_SIGNUP_COOKIE,
  readPendingSignup,
  serializePendingSignup,
} from './pending-signup.server'
import { type ProviderProfile } from './profile.server'

const SECRET = 'test-signing-secret-0123456789abcdef0123456789'
const now = new Date('2025-10-01T12:00:00Z')
const profile: ProviderProfile = {
  provider: 'vk',
  providerUserId: '900000001',
  email: 'vera.sokolova-test@palitra-test.example',
  emailVerified: false,
  displayName: 'Вера Соколова',
}

const minutes = (n: number) => new Date(now.getTime() + n * 60_000)

function requestWith(setCookie: string): Request {
  return new Request('https://palitra.test/ru/register', { headers: { Cookie: setCookie.split(';')[0]! } })
}

function cookieValue(setCookie: string): string {
  return setCookie.split(';')[0]!.slice(PENDING_SIGNUP_COOKIE.length + 1)
}

describe('pending sign-up cookie', () => {
  test('round-trips the profile within 15 minutes', async () => {
    const header = await serializePendingSignup(profile, SECRET, { now, secure: true })
    expect(await readPendingSignup(requestWith(header), SECRET, minutes(14))).toEqual(profile)
  })

  test('is HttpOnly, SameSite=Lax, Path=/, 15 minutes, Secure when asked', async () => {
    const secure = (await serializePendingSignup(profile, SECRET, { now, secure: true })).split('; ')
    // A signed Remix cookie: the encoded payload, a dot and the signature.
    expect(secure[0]).toMatch(/^palitra_pending_signup=[\w%]+\.[\w%]+$/)
    expect(secure.slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=900', 'Path=/', 'SameSite=Lax', 'Secure'])
    expect(await serializePendingSignup(profile, SECRET, { now, secure: false })).not.toContain('Secure')
  })

  test('is refused after 15 minutes even if the browser kept it', async () => {
    const header = await serializePendingSignup(profile, SECRET, { now, secure: true })
    expect(await readPendingSignup(requestWith(header), SECRET, minutes(15))).toBeNull()
    expect(await readPendingSignup(requestWith(header), SECRET, minutes(60))).toBeNull()
  })

  test('a changed profile, a changed signature or another secret is refused', async () => {
    const header = await serializePendingSignup(profile, SECRET, { now, secure: true })
    const value = cookieValue(header)
    const dot = value.lastIndexOf('.')
    const [payload, signature] = [value.slice(0, dot), value.slice(dot + 1)]

    // Another profile, encoded the same way (its own signature is dropped).
    const forged = cookieValue(
      await serializePendingSignup({ ...profile, providerUserId: '1' }, `${SECRET}-other`, { now }),
    )
    const forgedPayload = forged.slice(0, forged.lastIndexOf('.'))
    const tampered = [
      `${forgedPayload}.${signature}`,
      `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      `${payload}.`,
      payload,
      'garbage',
      '',
    ]
    for (const value of tampered) {
      expect(await readPendingSignup(requestWith(`${PENDING_SIGNUP_COOKIE}=${value}`), SECRET, now)).toBeNull()
    }
    expect(await readPendingSignup(requestWith(header), `${SECRET}-other`, now)).toBeNull()
  })

  test('rotation: the first secret signs, a previous one still verifies, an unknown one does not', async () => {
    const PREVIOUS = `${SECRET}-previous`
    const before = await serializePendingSignup(profile, [PREVIOUS], { now })
    expect(await readPendingSignup(requestWith(before), [SECRET, PREVIOUS], minutes(1))).toEqual(profile)
    const after = await serializePendingSignup(profile, [SECRET, PREVIOUS], { now })
    expect(await readPendingSignup(requestWith(after), [SECRET], minutes(1))).toEqual(profile)
    expect(await readPendingSignup(requestWith(after), [PREVIOUS], minutes(1))).toBeNull()
    const unknown = await serializePendingSignup(profile, [`${SECRET}-unknown`], { now })
    expect(await readPendingSignup(requestWith(unknown), [SECRET, PREVIOUS], minutes(1))).toBeNull()
  })

  test('no cookie reads as null; clearing expires it on the same path', async () => {
    expect(await readPendingSignup(new Request('https://palitra.test/'), SECRET, now)).toBeNull()
    const attributes = (header: string) => header.split('; ').sort()
    expect(attributes(clearPendingSignup({ secure: true }))).toEqual(
      attributes(
        'palitra_pending_signup=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      ),
    )
  })

  test('refuses to sign without a secret', async () => {
    await expect(serializePendingSignup(profile, '', { now, secure: true })).rejects.toThrow()
  })
})

describe('pending sign-up cookie of the earlier, hand-signed format', () => {
  /** `<base64url JSON>.<HMAC-SHA256 of "palitra_pending_signup.<base64url JSON>">`, as written before. */
  function legacyValue(content: unknown, secret = SECRET, label = `${PENDING_SIGNUP_COOKIE}.`): string {
    const payload = Buffer.from(JSON.stringify(content)).toString('base64url')
    return `${payload}.${createHmac('sha256', secret).update(`${label}${payload}`).digest('base64url')}`
  }
  const exp = Math.floor(now.getTime() / 1000) + 900
  const legacyRequest = (value: string) => requestWith(`${PENDING_SIGNUP_COOKIE}=${value}`)

  test('is still accepted within its 15 minutes, with the current or a previous secret', async () => {
    expect(await readPendingSignup(legacyRequest(legacyValue({ profile, exp })), SECRET, minutes(14))).toEqual(profile)
    const previous = legacyValue({ profile, exp }, `${SECRET}-previous`)
    expect(await readPendingSignup(legacyRequest(previous), [SECRET, `${SECRET}-previous`], now)).toEqual(profile)
    expect(await readPendingSignup(legacyRequest(legacyValue({ profile, exp })), SECRET, minutes(15))).toBeNull()
  })

  test('a changed profile, a changed signature or an unknown secret is refused', async () => {
    const good = legacyValue({ profile, exp })
    const [payload, signature] = good.split('.') as [string, string]
    const forgedPayload = legacyValue({ profile: { ...profile, providerUserId: '1' }, exp }).split('.')[0]
    for (const value of [
      `${forgedPayload}.${signature}`,
      `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      `${payload}.`,
      payload,
      legacyValue({ profile, exp }, `${SECRET}-unknown`),
    ]) {
      expect(await readPendingSignup(legacyRequest(value), SECRET, now), value).toBeNull()
    }
  })

  test('a value signed with the same secret for another purpose is refused', async () => {
    // HMAC over the payload alone, as another cookie might sign with the shared secret.
    expect(await readPendingSignup(legacyRequest(legacyValue({ profile, exp }, SECRET, '')), SECRET, now)).toBeNull()
  })

  test('a correctly signed but malformed profile is refused', async () => {
    const value = legacyValue({ profile: { provider: 'github', providerUserId: '1' }, exp: 9e9 })
    expect(await readPendingSignup(legacyRequest(value), SECRET, now)).toBeNull()
  })
})
