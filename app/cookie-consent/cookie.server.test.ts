import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
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

/** Signs an arbitrary payload the way the module does, to build values the serializer refuses to make. */
function signed(payload: string, secret = SECRET) {
  return `${payload}.${createHmac('sha256', secret).update(`${CONSENT_COOKIE}.${payload}`).digest('base64url')}`
}

function request(cookie: string) {
  return new Request('http://localhost/ru', { headers: { Cookie: cookie } })
}

describe('palitra_consent', () => {
  it('reads back what it wrote', () => {
    const written = choice({ method: 'all', preferences: true, analytics: true, locale: 'en', version: 12 })
    const value = consentCookieValue(written, { secret: SECRET })
    expect(value).toMatch(/^1\.[\w-]{32}\.en\.12\.all\.11\.\d+\.[\w-]{43}$/)
    expect(parse(value)).toEqual(written)
    expect(readConsentCookie(request(`lng=ru; ${CONSENT_COOKIE}=${value}; x=1`), { secret: SECRET, now: NOW })).toEqual(
      written,
    )
  })

  it('is an essential, HttpOnly, year-long cookie', () => {
    const header = serializeConsentCookie(choice(), { secret: SECRET, secure: true })
    expect(header).toMatch(/^palitra_consent=1\./)
    expect(header).toContain('Max-Age=31536000')
    expect(header).toContain('HttpOnly')
    expect(header).toContain('SameSite=Lax')
    expect(header).toContain('Path=/')
    expect(header).toContain('Secure')
    expect(serializeConsentCookie(choice(), { secret: SECRET, secure: false })).not.toContain('Secure')
  })

  it('counts garbage, truncation and other formats as no choice', () => {
    const good = consentCookieValue(choice(), { secret: SECRET })
    for (const raw of [
      null,
      '',
      'yes',
      'all',
      '1',
      good.slice(0, -1),
      `${good}x`,
      `2${good.slice(1)}`,
      ` ${good}`,
      good.replace(/\./g, '|'),
      `${good}.${good}`,
      'x'.repeat(500),
    ]) {
      expect(parse(raw), String(raw)).toBeNull()
    }
  })

  it('refuses a value signed with another secret or for another cookie', () => {
    const value = consentCookieValue(choice(), { secret: SECRET })
    expect(parse(value, 'another-secret-of-the-same-length!!')).toBeNull()
    const payload = value.slice(0, value.lastIndexOf('.'))
    const forGuest = `${payload}.${createHmac('sha256', SECRET).update(`guest:${payload}`).digest('base64url')}`
    expect(parse(forGuest)).toBeNull()
  })

  it('refuses any field changed after signing: id, language, version, method, flags, time', () => {
    const original = choice({ method: 'custom', preferences: false, analytics: false })
    const value = consentCookieValue(original, { secret: SECRET })
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
      expect(parse([...parts, signature].join('.')), parts.join('.')).toBeNull()
    }
    expect(parse(value)).toEqual(original)
  })

  it('refuses combinations no button makes, even correctly signed', () => {
    const id = newConsentId()
    expect(parse(signed(`1.${id}.ru.3.essential.10.${nowSeconds}`))).toBeNull()
    expect(parse(signed(`1.${id}.ru.3.essential.01.${nowSeconds}`))).toBeNull()
    expect(parse(signed(`1.${id}.ru.3.all.01.${nowSeconds}`))).toBeNull()
    expect(parse(signed(`1.${id}.de.3.custom.01.${nowSeconds}`))).toBeNull()
    expect(parse(signed(`1.${id}.ru.0.custom.01.${nowSeconds}`))).toBeNull()
    expect(parse(signed(`1.${id}.ru.03.custom.01.${nowSeconds}`))).toBeNull()
    expect(parse(signed(`1.${id}.ru.3.later.01.${nowSeconds}`))).toBeNull()
    // What the buttons do make is accepted: "Accept all" under GPC leaves analytics off.
    expect(parse(signed(`1.${id}.ru.3.all.10.${nowSeconds}`))).toMatchObject({ method: 'all', analytics: false })
    expect(parse(signed(`1.${id}.ru.3.essential.00.${nowSeconds}`))).toMatchObject({ method: 'essential' })
  })

  it('refuses a choice older than a year or issued in the future', () => {
    const year = 365 * 24 * 60 * 60
    expect(parse(consentCookieValue(choice({ issuedAt: nowSeconds - year + 10 }), { secret: SECRET }))).not.toBeNull()
    expect(parse(consentCookieValue(choice({ issuedAt: nowSeconds - year - 10 }), { secret: SECRET }))).toBeNull()
    expect(parse(consentCookieValue(choice({ issuedAt: nowSeconds + 3600 }), { secret: SECRET }))).toBeNull()
  })

  it('will not write an impossible choice', () => {
    expect(() => consentCookieValue(choice({ method: 'essential', preferences: true }), { secret: SECRET })).toThrow()
    expect(() => consentCookieValue(choice({ consentId: 'short' }), { secret: SECRET })).toThrow()
    expect(() => consentCookieValue(choice({ version: 0 }), { secret: SECRET })).toThrow()
    expect(() => consentCookieValue(choice(), { secret: '' })).toThrow()
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
    expect(expireCookie(STATS_COOKIE, { secure: false })).toBe(
      'palitra_stats=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    )
  })
})
