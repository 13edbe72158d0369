import { createHmac } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { resetEnvForTests } from '~/platform/env.server'
import { setCookieValue, signedCookie } from '~/platform/cookies.server'
import { resetSigningSecretForTests } from '~/platform/security/signing-secret.server'
import {
  CONSENT_COOKIE,
  PREFS_COOKIE,
  STATS_COOKIE,
  consentCookieValue,
  expireCookie,
  newConsentId,
  newVisitorId,
  parseConsentValue,
  readConsentCookie,
  readPrefsCookie,
  readStatsCookie,
  serializeConsentCookie,
  serializePrefsCookie,
  serializeStatsCookie,
  type ConsentChoice,
} from './cookie.server'

const SECRET = 'cookie-test-secret-0123456789abcdef'
const NOW = new Date('2026-11-21T12:00:00Z')
const nowSeconds = Math.floor(NOW.getTime() / 1000)

function choice(overrides: Partial<ConsentChoice> = {}): ConsentChoice {
  return {
    consentId: newConsentId(),
    locale: 'ru',
    version: 3,
    method: 'custom',
    preferences: true,
    analytics: false,
    issuedAt: nowSeconds - 60,
    ...overrides,
  }
}

const parse = (raw: string | null, secret = SECRET, now = NOW) => parseConsentValue(raw, { secret, now })
/** Parsed with the configured secrets (SESSION_SECRET and SESSION_SECRET_PREVIOUS). */
const parseConfigured = (raw: string) => parseConsentValue(raw, { now: NOW })

/** Signs any value as a Remix cookie of that name, to build values the serializer refuses to make. */
async function signedAs(value: unknown, name: 'palitra_consent' | 'palitra_guest' = CONSENT_COOKIE, secret = SECRET) {
  return setCookieValue(await signedCookie(name, { secrets: [secret] }).serialize(value))
}

/** The value with its signed content changed (the signature kept). */
function withContent(value: string, change: (content: Record<string, unknown>) => Record<string, unknown>): string {
  const dot = value.lastIndexOf('.')
  const content = JSON.parse(atob(decodeURIComponent(value.slice(0, dot)))) as Record<string, unknown>
  return `${encodeURIComponent(btoa(JSON.stringify(change(content))))}${value.slice(dot)}`
}

/** Signs an arbitrary payload the way the earlier, hand-made format did. */
function signed(payload: string, secret = SECRET) {
  return `${payload}.${createHmac('sha256', secret).update(`${CONSENT_COOKIE}.${payload}`).digest('base64url')}`
}

/** A value of the earlier format: 1.<id>.<locale>.<version>.<method>.<flags>.<issued at>.<HMAC>. */
function legacyValue(c: ConsentChoice, secret = SECRET) {
  const flags = `${c.preferences ? 1 : 0}${c.analytics ? 1 : 0}`
  return signed(['1', c.consentId, c.locale, c.version, c.method, flags, c.issuedAt].join('.'), secret)
}

function request(cookie: string) {
  return new Request('http://localhost/ru', { headers: { Cookie: cookie } })
}

const savedEnv = {
  SESSION_SECRET: process.env.SESSION_SECRET,
  SESSION_SECRET_PREVIOUS: process.env.SESSION_SECRET_PREVIOUS,
}
function useEnv(values: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  resetEnvForTests()
  resetSigningSecretForTests()
}
afterAll(() => useEnv(savedEnv))

describe('palitra_consent', () => {
  it('reads back what it wrote', async () => {
    const written = choice({ method: 'all', preferences: true, analytics: true, locale: 'en', version: 12 })
    const value = await consentCookieValue(written, { secret: SECRET })
    // A signed Remix cookie: the encoded choice, a dot and the signature.
    expect(value).toMatch(/^[\w%]+\.[\w%]+$/)
    expect(await parse(value)).toEqual(written)
    expect(
      await readConsentCookie(request(`lng=ru; ${CONSENT_COOKIE}=${value}; x=1`), { secret: SECRET, now: NOW }),
    ).toEqual(written)
  })

  it('is an essential, HttpOnly, year-long cookie', async () => {
    const header = await serializeConsentCookie(choice(), { secret: SECRET, secure: true })
    expect(header).toMatch(/^palitra_consent=[\w%]+\.[\w%]+;/)
    expect(header).toContain('Max-Age=31536000')
    expect(header).toContain('HttpOnly')
    expect(header).toContain('SameSite=Lax')
    expect(header).toContain('Path=/')
    expect(header).toContain('Secure')
    expect(await serializeConsentCookie(choice(), { secret: SECRET, secure: false })).not.toContain('Secure')
  })

  it('counts garbage, truncation and other formats as no choice', async () => {
    const good = await consentCookieValue(choice(), { secret: SECRET })
    for (const raw of [
      null,
      '',
      'yes',
      'all',
      '1',
      'e30',
      good.slice(0, -1),
      `${good}x`,
      `A${good.slice(1)}`,
      ` ${good}`,
      good.replace(/\./g, '|'),
      `${good}.${good}`,
      'x'.repeat(500),
      'x'.repeat(5000),
    ]) {
      expect(await parse(raw), String(raw)).toBeNull()
    }
  })

  it('refuses a value signed with another secret or for another cookie', async () => {
    const value = await consentCookieValue(choice(), { secret: SECRET })
    expect(await parse(value, 'another-secret-of-the-same-length!!')).toBeNull()
    // A guest cookie's value, signed with the same secret, is not a choice.
    expect(await parse(await signedAs(newConsentId(), 'palitra_guest'))).toBeNull()
    expect(await parse(await signedAs({ ...choice(), extra: true }))).toBeNull()
  })

  it('refuses any field changed after signing: id, language, version, method, flags, time', async () => {
    const original = choice({ method: 'custom', preferences: false, analytics: false })
    const value = await consentCookieValue(original, { secret: SECRET })
    const changes: Array<(c: Record<string, unknown>) => Record<string, unknown>> = [
      (c) => ({ ...c, consentId: newConsentId() }),
      (c) => ({ ...c, locale: 'en' }),
      (c) => ({ ...c, version: original.version + 1 }),
      (c) => ({ ...c, method: 'all', preferences: true, analytics: true }),
      (c) => ({ ...c, analytics: true }),
      (c) => ({ ...c, preferences: true }),
      (c) => ({ ...c, issuedAt: original.issuedAt + 1 }),
    ]
    for (const change of changes) {
      const tampered = withContent(value, change)
      expect(await parse(tampered), tampered).toBeNull()
    }
    expect(await parse(withContent(value, (c) => c))).toEqual(original)
  })

  it('refuses combinations no button makes, even correctly signed', async () => {
    const base = { ...choice(), issuedAt: nowSeconds }
    expect(
      await parse(await signedAs({ ...base, method: 'essential', preferences: true, analytics: false })),
    ).toBeNull()
    expect(
      await parse(await signedAs({ ...base, method: 'essential', preferences: false, analytics: true })),
    ).toBeNull()
    expect(await parse(await signedAs({ ...base, method: 'all', preferences: false, analytics: true }))).toBeNull()
    expect(await parse(await signedAs({ ...base, locale: 'de' }))).toBeNull()
    expect(await parse(await signedAs({ ...base, version: 0 }))).toBeNull()
    expect(await parse(await signedAs({ ...base, version: '3' }))).toBeNull()
    expect(await parse(await signedAs({ ...base, method: 'later' }))).toBeNull()
    // What the buttons do make is accepted: "Accept all" under GPC leaves analytics off.
    expect(await parse(await signedAs({ ...base, method: 'all', preferences: true, analytics: false }))).toMatchObject({
      method: 'all',
      analytics: false,
    })
    expect(
      await parse(await signedAs({ ...base, method: 'essential', preferences: false, analytics: false })),
    ).toMatchObject({ method: 'essential' })
  })

  it('refuses a choice older than a year or issued in the future', async () => {
    const year = 365 * 24 * 60 * 60
    const value = (issuedAt: number) => consentCookieValue(choice({ issuedAt }), { secret: SECRET })
    expect(await parse(await value(nowSeconds - year + 10))).not.toBeNull()
    expect(await parse(await value(nowSeconds - year - 10))).toBeNull()
    expect(await parse(await value(nowSeconds + 3600))).toBeNull()
  })

  it('will not write an impossible choice', async () => {
    const value = (c: ConsentChoice, secret = SECRET) => consentCookieValue(c, { secret })
    await expect(value(choice({ method: 'essential', preferences: true }))).rejects.toThrow()
    await expect(value(choice({ consentId: 'short' }))).rejects.toThrow()
    await expect(value(choice({ version: 0 }))).rejects.toThrow()
    await expect(value(choice(), '')).rejects.toThrow()
  })

  it('rotation: signs with SESSION_SECRET, still accepts SESSION_SECRET_PREVIOUS, refuses any other', async () => {
    const previous = 'previous-cookie-secret-0123456789abcd'
    const written = choice()
    useEnv({ SESSION_SECRET: previous, SESSION_SECRET_PREVIOUS: undefined })
    const before = await consentCookieValue(written)
    useEnv({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: previous })
    try {
      expect(await parseConfigured(before)).toEqual(written)
      const after = await consentCookieValue(written)
      expect(await parse(after, SECRET)).toEqual(written)
      expect(await parse(after, previous)).toBeNull()
      useEnv({ SESSION_SECRET: 'unknown-cookie-secret-0123456789abcd' })
      const unknown = await consentCookieValue(written)
      useEnv({ SESSION_SECRET: SECRET })
      expect(await parseConfigured(unknown)).toBeNull()
    } finally {
      useEnv(savedEnv)
    }
  })
})

describe('palitra_consent of the earlier, hand-signed format', () => {
  it('is still accepted, with the current or a previous secret', async () => {
    const written = choice({ method: 'all', preferences: true, analytics: true, locale: 'en', version: 12 })
    const value = legacyValue(written)
    expect(value).toMatch(/^1\.[\w-]{32}\.en\.12\.all\.11\.\d+\.[\w-]{43}$/)
    expect(await parse(value)).toEqual(written)
    expect(await readConsentCookie(request(`${CONSENT_COOKIE}=${value}`), { secret: SECRET, now: NOW })).toEqual(
      written,
    )
    const previous = 'previous-cookie-secret-0123456789abcd'
    useEnv({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: previous })
    try {
      expect(await parseConfigured(legacyValue(written, previous))).toEqual(written)
      expect(await parseConfigured(legacyValue(written, 'unknown-cookie-secret-0123456789abcd'))).toBeNull()
    } finally {
      useEnv(savedEnv)
    }
  })

  it('counts garbage and truncation as no choice', async () => {
    const good = legacyValue(choice())
    for (const raw of [
      good.slice(0, -1),
      `${good}x`,
      `2${good.slice(1)}`,
      ` ${good}`,
      good.replace(/\./g, '|'),
      `${good}.${good}`,
    ]) {
      expect(await parse(raw), raw).toBeNull()
    }
  })

  it('refuses a value signed with another secret or for another cookie', async () => {
    const value = legacyValue(choice())
    expect(await parse(value, 'another-secret-of-the-same-length!!')).toBeNull()
    const payload = value.slice(0, value.lastIndexOf('.'))
    const forGuest = `${payload}.${createHmac('sha256', SECRET).update(`guest:${payload}`).digest('base64url')}`
    expect(await parse(forGuest)).toBeNull()
  })

  it('refuses any field changed after signing: id, language, version, method, flags, time', async () => {
    const original = choice({ method: 'custom', preferences: false, analytics: false })
    const value = legacyValue(original)
    const [format, id, locale, version, method, flags, issued, signature] = value.split('.')
    const tampered = [
      [format, `${id!.slice(0, -1)}${id!.endsWith('A') ? 'B' : 'A'}`, locale, version, method, flags, issued],
      [format, id, 'en', version, method, flags, issued],
      [format, id, locale, String(Number(version) + 1), method, flags, issued],
      [format, id, locale, version, 'all', '11', issued],
      [format, id, locale, version, method, '01', issued],
      [format, id, locale, version, method, '10', issued],
      [format, id, locale, version, method, flags, String(Number(issued) + 1)],
    ]
    for (const parts of tampered) {
      expect(await parse([...parts, signature].join('.')), parts.join('.')).toBeNull()
    }
    expect(await parse(value)).toEqual(original)
  })

  it('refuses combinations no button makes, even correctly signed', async () => {
    const id = newConsentId()
    expect(await parse(signed(`1.${id}.ru.3.essential.10.${nowSeconds}`))).toBeNull()
    expect(await parse(signed(`1.${id}.ru.3.essential.01.${nowSeconds}`))).toBeNull()
    expect(await parse(signed(`1.${id}.ru.3.all.01.${nowSeconds}`))).toBeNull()
    expect(await parse(signed(`1.${id}.de.3.custom.01.${nowSeconds}`))).toBeNull()
    expect(await parse(signed(`1.${id}.ru.0.custom.01.${nowSeconds}`))).toBeNull()
    expect(await parse(signed(`1.${id}.ru.03.custom.01.${nowSeconds}`))).toBeNull()
    expect(await parse(signed(`1.${id}.ru.3.later.01.${nowSeconds}`))).toBeNull()
    // What the buttons do make is accepted: "Accept all" under GPC leaves analytics off.
    expect(await parse(signed(`1.${id}.ru.3.all.10.${nowSeconds}`))).toMatchObject({ method: 'all', analytics: false })
    expect(await parse(signed(`1.${id}.ru.3.essential.00.${nowSeconds}`))).toMatchObject({ method: 'essential' })
  })

  it('refuses a choice older than a year or issued in the future', async () => {
    const year = 365 * 24 * 60 * 60
    expect(await parse(legacyValue(choice({ issuedAt: nowSeconds - year + 10 })))).not.toBeNull()
    expect(await parse(legacyValue(choice({ issuedAt: nowSeconds - year - 10 })))).toBeNull()
    expect(await parse(legacyValue(choice({ issuedAt: nowSeconds + 3600 })))).toBeNull()
  })
})

describe('palitra_prefs and palitra_stats', () => {
  it('remembers exactly the settings the form offers', () => {
    const header = serializePrefsCookie({ style: 'watercolor', aspectRatio: '16:9', count: 3 }, { secure: false })
    expect(header).toMatch(/^palitra_prefs=watercolor\.16:9\.3; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/)
    expect(readPrefsCookie(request('palitra_prefs=watercolor.16:9.3'))).toEqual({
      style: 'watercolor',
      aspectRatio: '16:9',
      count: 3,
    })
    for (const bad of [
      'watercolor.16:9',
      'sepia.16:9.3',
      'noir.2:1.3',
      'noir.1:1.9',
      'noir.1:1.0',
      'noir.1:1.1.1',
      '',
    ]) {
      expect(readPrefsCookie(request(`${PREFS_COOKIE}=${bad}`)), bad).toBeNull()
    }
    expect(() => serializePrefsCookie({ style: 'noir', aspectRatio: '1:1', count: 7 })).toThrow()
  })

  it('keeps a random visitor id for 12 months and nothing else', () => {
    const id = newVisitorId()
    expect(id).toMatch(/^[\w-]{22}$/)
    expect(newVisitorId()).not.toBe(id)
    expect(serializeStatsCookie(id, { secure: false })).toBe(
      `${STATS_COOKIE}=${id}; Max-Age=31536000; Path=/; HttpOnly; SameSite=Lax`,
    )
    expect(readStatsCookie(request(`${STATS_COOKIE}=${id}`))).toBe(id)
    expect(readStatsCookie(request(`${STATS_COOKIE}=user@mail.example`))).toBeNull()
    expect(readStatsCookie(request('lng=ru'))).toBeNull()
  })

  it('deletes a cookie with an expired Set-Cookie', () => {
    const attributes = (header: string) => header.split('; ').sort()
    expect(attributes(expireCookie(STATS_COOKIE, { secure: false }))).toEqual(
      attributes('palitra_stats=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT'),
    )
  })
})
