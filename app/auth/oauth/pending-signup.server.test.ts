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
  test('round-trips the profile within 15 minutes', () => {
    const header = serializePendingSignup(profile, SECRET, { now, secure: true })
    expect(readPendingSignup(requestWith(header), SECRET, minutes(14))).toEqual(profile)
  })

  test('is HttpOnly, SameSite=Lax, Path=/, 15 minutes, Secure when asked', () => {
    const secure = serializePendingSignup(profile, SECRET, { now, secure: true }).split('; ')
    expect(secure[0]).toMatch(/^palitra_pending_signup=[\w-]+\.[\w-]+$/)
    expect(secure.slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=900', 'Path=/', 'SameSite=Lax', 'Secure'])
    expect(serializePendingSignup(profile, SECRET, { now, secure: false })).not.toContain('Secure')
  })

  test('is refused after 15 minutes even if the browser kept it', () => {
    const header = serializePendingSignup(profile, SECRET, { now, secure: true })
    expect(readPendingSignup(requestWith(header), SECRET, minutes(15))).toBeNull()
    expect(readPendingSignup(requestWith(header), SECRET, minutes(60))).toBeNull()
  })

  test('a changed profile, a changed signature or another secret is refused', () => {
    const header = serializePendingSignup(profile, SECRET, { now, secure: true })
    const [payload, signature] = cookieValue(header).split('.') as [string, string]

    const forgedPayload = Buffer.from(
      JSON.stringify({ profile: { ...profile, providerUserId: '1' }, exp: Math.floor(now.getTime() / 1000) + 900 }),
    ).toString('base64url')
    const tampered = [
      `${forgedPayload}.${signature}`,
      `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      `${payload}.`,
      payload,
      'garbage',
      '',
    ]
    for (const value of tampered) {
      expect(readPendingSignup(requestWith(`${PENDING_SIGNUP_COOKIE}=${value}`), SECRET, now)).toBeNull()
    }
    expect(readPendingSignup(requestWith(header), `${SECRET}-other`, now)).toBeNull()
  })

  test('a value signed with the same secret for another purpose is refused', () => {
    const payload = Buffer.from(JSON.stringify({ profile, exp: Math.floor(now.getTime() / 1000) + 900 })).toString(
      'base64url',
    )
    // HMAC over the payload alone, as another cookie might sign with the shared secret.
    const signature = createHmac('sha256', SECRET).update(payload).digest('base64url')
    expect(readPendingSignup(requestWith(`${PENDING_SIGNUP_COOKIE}=${payload}.${signature}`), SECRET, now)).toBeNull()
  })

  test('a correctly signed but malformed profile is refused', () => {
    const payload = Buffer.from(
      JSON.stringify({ profile: { provider: 'github', providerUserId: '1' }, exp: 9e9 }),
    ).toString('base64url')
    const signature = createHmac('sha256', SECRET).update(`${PENDING_SIGNUP_COOKIE}.${payload}`).digest('base64url')
    expect(readPendingSignup(requestWith(`${PENDING_SIGNUP_COOKIE}=${payload}.${signature}`), SECRET, now)).toBeNull()
  })

  test('no cookie reads as null; clearing expires it on the same path', () => {
    expect(readPendingSignup(new Request('https://palitra.test/'), SECRET, now)).toBeNull()
    expect(clearPendingSignup({ secure: true })).toBe(
      'palitra_pending_signup=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    )
  })

  test('refuses to sign without a secret', () => {
    expect(() => serializePendingSignup(profile, '', { now, secure: true })).toThrow()
  })
})
