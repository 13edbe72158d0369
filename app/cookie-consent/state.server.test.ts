import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { COOKIE_TIMELINE, createCookieContentSource } from './__fixtures__/cookie-dataset'
import { CONSENT_COOKIE, consentCookieValue, newConsentId, type ConsentChoice } from './cookie.server'
import { allowedBy, consentEtagPart, resolveConsentState } from './state.server'

const SECRET = 'state-test-secret-0123456789abcdef'
let database: TestDatabase
let content: ReturnType<typeof createCookieContentSource>

beforeAll(async () => {
  database = await createTestDatabase()
  content = createCookieContentSource()
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

async function cookieFor(overrides: Partial<ConsentChoice>, at: Date, secret = SECRET): Promise<string> {
  const value = await consentCookieValue(
    {
      consentId: newConsentId(),
      locale: 'ru',
      version: 1,
      method: 'custom',
      preferences: true,
      analytics: true,
      issuedAt: Math.floor(at.getTime() / 1000) - 60,
      ...overrides,
    },
    { secret },
  )
  return `${CONSENT_COOKIE}=${value}`
}

function state(locale: 'ru' | 'en', now: Date, headers: Record<string, string> = {}) {
  const request = new Request(`http://localhost/${locale}`, { headers })
  return resolveConsentState(request, locale, {
    now,
    secret: SECRET,
    deps: { db: database.db, source: content.source },
  })
}

describe('resolveConsentState', () => {
  it('asks, and allows nothing, until a choice is made', async () => {
    const s = await state('ru', COOKIE_TIMELINE.feb)
    expect(s.policy).toMatchObject({ kind: 'cookies', locale: 'ru', version: 1 })
    expect(s.policy!.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(s).toMatchObject({ choice: null, outdated: false, gpc: false })
    expect(s.allowed).toEqual({ preferences: false, analytics: false })
  })

  it('honours a signed choice made for the version in force', async () => {
    const feb = COOKIE_TIMELINE.feb
    const s = await state('ru', feb, { Cookie: await cookieFor({ preferences: true, analytics: false }, feb) })
    expect(s.choice).toMatchObject({ locale: 'ru', version: 1, preferences: true, analytics: false })
    expect(s.allowed).toEqual({ preferences: true, analytics: false })
  })

  it('asks again, using nothing optional, once a new version is in force', async () => {
    const cookie = await cookieFor({ method: 'all' }, COOKIE_TIMELINE.feb)
    const s = await state('ru', COOKIE_TIMELINE.jul, { Cookie: cookie })
    expect(s.policy!.version).toBe(2)
    expect(s.choice).toBeNull()
    expect(s.outdated).toBe(true)
    expect(s.allowed).toEqual({ preferences: false, analytics: false })
  })

  it('judges a choice against the policy of the language it was made in', async () => {
    // English v1 is still in force in July while Russian moved to v2.
    const jul = COOKIE_TIMELINE.jul
    const s = await state('ru', jul, { Cookie: await cookieFor({ locale: 'en', version: 1 }, jul) })
    expect(s.policy!.version).toBe(2)
    expect(s.choice).toMatchObject({ locale: 'en', version: 1 })
    expect(s.allowed.analytics).toBe(true)
  })

  it('counts a forged, foreign or unknown-version cookie as no choice', async () => {
    const feb = COOKIE_TIMELINE.feb
    for (const cookie of [
      `${CONSENT_COOKIE}=1.${newConsentId()}.ru.1.all.11.${Math.floor(feb.getTime() / 1000)}.${'A'.repeat(43)}`,
      await cookieFor({}, feb, 'someone-elses-secret-0123456789abcd'),
      `${CONSENT_COOKIE}=all`,
    ]) {
      const s = await state('ru', feb, { Cookie: cookie })
      expect(s.choice, cookie).toBeNull()
      expect(s.outdated, cookie).toBe(false)
      expect(s.allowed, cookie).toEqual({ preferences: false, analytics: false })
    }
    const unknown = await state('ru', feb, { Cookie: await cookieFor({ version: 9 }, feb) })
    expect(unknown.choice).toBeNull()
    expect(unknown.allowed).toEqual({ preferences: false, analytics: false })
  })

  it('with Sec-GPC: 1, allows analytics only when it was ticked explicitly', async () => {
    const feb = COOKIE_TIMELINE.feb
    const viaButton = await state('ru', feb, {
      Cookie: await cookieFor({ method: 'all', preferences: true, analytics: true }, feb),
      'Sec-GPC': '1',
    })
    expect(viaButton.gpc).toBe(true)
    expect(viaButton.allowed).toEqual({ preferences: true, analytics: false })
    const ticked = await state('ru', feb, {
      Cookie: await cookieFor({ method: 'custom', analytics: true }, feb),
      'Sec-GPC': '1',
    })
    expect(ticked.allowed.analytics).toBe(true)
    const withoutSignal = await state('ru', feb, {
      Cookie: await cookieFor({ method: 'all', preferences: true, analytics: true }, feb),
      'Sec-GPC': '0',
    })
    expect(withoutSignal).toMatchObject({ gpc: false, allowed: { analytics: true } })
  })

  it('allows nothing and offers no banner while no cookie policy is in force', async () => {
    const before = COOKIE_TIMELINE.before
    const s = await state('ru', before, {
      Cookie: await cookieFor({ issuedAt: Math.floor(before.getTime() / 1000) }, before),
    })
    expect(s.policy).toBeNull()
    expect(s.choice).toBeNull()
    expect(s.allowed).toEqual({ preferences: false, analytics: false })
  })
})

describe('allowedBy and consentEtagPart', () => {
  it('allows nothing without a choice', () => {
    expect(allowedBy(null, false)).toEqual({ preferences: false, analytics: false })
  })

  it('tells apart everything the banner shows differently', async () => {
    const feb = COOKIE_TIMELINE.feb
    const parts = await Promise.all([
      state('ru', feb),
      state('ru', feb, { 'Sec-GPC': '1' }),
      state('ru', feb, { Cookie: await cookieFor({ method: 'essential', preferences: false, analytics: false }, feb) }),
      state('ru', feb, { Cookie: await cookieFor({ method: 'custom', preferences: true, analytics: false }, feb) }),
      state('ru', COOKIE_TIMELINE.jul),
      state('ru', COOKIE_TIMELINE.jul, { Cookie: await cookieFor({}, feb) }),
      state('en', feb),
    ]).then((states) => states.map(consentEtagPart))
    expect(new Set(parts).size).toBe(parts.length)
    // Two people with the same choice share it: it names no one.
    const a = consentEtagPart(
      await state('ru', feb, { Cookie: await cookieFor({ method: 'all', analytics: true }, feb) }),
    )
    const b = consentEtagPart(
      await state('ru', feb, { Cookie: await cookieFor({ method: 'all', analytics: true }, feb) }),
    )
    expect(a).toBe(b)
  })
})
