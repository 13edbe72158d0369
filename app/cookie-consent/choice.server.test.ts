import { randomBytes, randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { createUserSession } from '~/identity/session.server'
import { acceptances, cookieConsents } from '~/acceptances/schema'
import { guests, users } from '~/identity/schema'
import { resetEnvForTests } from '~/platform/env.server'
import { serializeGuestCookie } from '~/identity/guests.server'
import { resetSigningSecretForTests } from '~/platform/security/signing-secret.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { COOKIE_TIMELINE, createCookieContentSource } from './__fixtures__/cookie-dataset'
import { recordCookieChoice, type CookieChoiceInput } from './choice.server'
import { CONSENT_COOKIE, consentCookieValue, newConsentId, parseConsentValue } from './cookie.server'
import { cookiePolicyInForce } from './state.server'

const SECRET = 'choice-test-secret-0123456789abcdef'
const saved = { SESSION_SECRET: process.env.SESSION_SECRET, PUBLIC_URL: process.env.PUBLIC_URL }
let database: TestDatabase
let content: ReturnType<typeof createCookieContentSource>

function useEnv(values: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  resetEnvForTests()
  resetSigningSecretForTests()
}

beforeAll(async () => {
  useEnv({ SESSION_SECRET: SECRET, PUBLIC_URL: undefined })
  database = await createTestDatabase()
  content = createCookieContentSource()
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
  useEnv(saved)
})

const NOW = COOKIE_TIMELINE.feb
const EVIDENCE = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (cookie test)' }
const t = (locale: Locale) => getFixedT(locale, 'cookie-consent')

function policyAt(now: Date) {
  return (locale: Locale) => cookiePolicyInForce(locale, { now, deps: { db: database.db, source: content.source } })
}

function choose(
  overrides: Partial<CookieChoiceInput> & { headers?: Record<string, string> },
): ReturnType<typeof recordCookieChoice> {
  const { headers, ...rest } = overrides
  return recordCookieChoice({
    request: new Request('http://localhost/ru/cookie-consent', { method: 'POST', headers }),
    locale: 'ru',
    method: 'all',
    shownVersion: 1,
    evidence: EVIDENCE,
    now: NOW,
    deps: { db: database.db, policy: policyAt(NOW) },
    ...rest,
  })
}

/** The Cookie header a browser would send back after these Set-Cookie values. */
function cookieHeader(setCookies: string[], extra: string[] = []) {
  return [...setCookies.filter((c) => !c.includes('Max-Age=0')).map((c) => c.split(';')[0]!), ...extra].join('; ')
}

function setCookieValue(setCookies: string[], name: string): string | undefined {
  return setCookies
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]!
    .slice(name.length + 1)
}

async function ledgerCount() {
  const result = await database.db.execute(sql`select count(*)::int as n from acceptances where event = 'cookie'`)
  return (result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n
}

async function rowsOf(consentId: string) {
  return database.db.select().from(acceptances).where(eq(acceptances.consentId, consentId))
}

async function newUser() {
  const id = `user_${randomUUID()}`
  await database.db.insert(users).values({ id })
  return id
}

async function newGuest() {
  const id = randomBytes(24).toString('base64url')
  await database.db.insert(guests).values({ id })
  return id
}

describe('recordCookieChoice', () => {
  it('records one given row per category for "Accept all", with the evidence of the version in force', async () => {
    const policy = (await policyAt(NOW)('ru'))!
    const outcome = await choose({ method: 'all' })
    if (!outcome.ok) throw new Error(outcome.reason)
    const { consentId } = outcome.choice
    const rows = await rowsOf(consentId)
    expect(rows).toHaveLength(2)
    for (const scope of ['preferences', 'analytics']) {
      expect(rows.find((r) => r.scope === scope)).toMatchObject({
        userId: null,
        guestId: null,
        consentId,
        kind: 'cookies',
        locale: 'ru',
        version: policy.version,
        documentVersionId: policy.documentVersionId,
        contentSha256: policy.sha256,
        event: 'cookie',
        state: 'given',
        wording: t('ru')('acceptAll'),
        ip: EVIDENCE.ip,
        userAgent: EVIDENCE.userAgent,
        actionType: 'cookie-choice',
        actionId: consentId,
      })
    }
    const [link] = await database.db.select().from(cookieConsents).where(eq(cookieConsents.id, consentId))
    expect(link).toMatchObject({ userId: null, guestId: null })

    const consent = await parseConsentValue(setCookieValue(outcome.setCookies, CONSENT_COOKIE), {
      secret: SECRET,
      now: NOW,
    })
    expect(consent).toEqual(outcome.choice)
    expect(consent).toMatchObject({
      locale: 'ru',
      version: policy.version,
      method: 'all',
      preferences: true,
      analytics: true,
    })
    expect(setCookieValue(outcome.setCookies, 'palitra_stats')).toMatch(/^[\w-]{22}$/)
    expect(outcome.setCookies.some((c) => c.startsWith('palitra_prefs='))).toBe(false)
  })

  it('"Essential only" withdraws both categories and deletes their cookies', async () => {
    const outcome = await choose({ method: 'essential', headers: { Cookie: 'palitra_prefs=noir.1:1.2' } })
    if (!outcome.ok) throw new Error(outcome.reason)
    const rows = await rowsOf(outcome.choice.consentId)
    expect(rows.map((r) => [r.scope, r.state, r.wording]).sort()).toEqual([
      ['analytics', 'withdrawn', t('ru')('essentialOnly')],
      ['preferences', 'withdrawn', t('ru')('essentialOnly')],
    ])
    expect(outcome.setCookies).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^palitra_prefs=; Max-Age=0;/),
        expect.stringMatching(/^palitra_stats=; Max-Age=0;/),
      ]),
    )
  })

  it('records the checkboxes of "Customise" with their own labels', async () => {
    const outcome = await choose({ method: 'custom', preferences: true, analytics: false, locale: 'en' })
    if (!outcome.ok) throw new Error(outcome.reason)
    const rows = await rowsOf(outcome.choice.consentId)
    expect(rows.find((r) => r.scope === 'preferences')).toMatchObject({
      state: 'given',
      locale: 'en',
      wording: t('en')('preferences.label'),
    })
    expect(rows.find((r) => r.scope === 'analytics')).toMatchObject({
      state: 'withdrawn',
      wording: t('en')('analytics.label'),
    })
    expect(outcome.setCookies.some((c) => c.startsWith('palitra_stats=;'))).toBe(true)
  })

  it('with Sec-GPC: 1, "Accept all" leaves analytics off and says why; ticking it still works', async () => {
    const viaButton = await choose({ method: 'all', headers: { 'Sec-GPC': '1' } })
    if (!viaButton.ok) throw new Error(viaButton.reason)
    expect(viaButton.choice).toMatchObject({ method: 'all', preferences: true, analytics: false })
    const analytics = (await rowsOf(viaButton.choice.consentId)).find((r) => r.scope === 'analytics')!
    expect(analytics.state).toBe('withdrawn')
    expect(analytics.wording).toContain(t('ru')('acceptAll'))
    expect(analytics.wording).toContain(t('ru')('gpc'))
    expect(viaButton.setCookies.some((c) => /^palitra_stats=[^;]/.test(c))).toBe(false)

    const ticked = await choose({ method: 'custom', preferences: false, analytics: true, headers: { 'Sec-GPC': '1' } })
    if (!ticked.ok) throw new Error(ticked.reason)
    expect(ticked.choice).toMatchObject({ method: 'custom', analytics: true })
  })

  it('records nothing when the form showed another version than the one in force', async () => {
    const before = await ledgerCount()
    const consentsBefore = (await database.db.select().from(cookieConsents)).length
    // The banner was rendered in February (v1); v2 came into force before the click.
    const late = await choose({
      shownVersion: 1,
      now: COOKIE_TIMELINE.jul,
      deps: { db: database.db, policy: policyAt(COOKIE_TIMELINE.jul) },
    })
    expect(late).toMatchObject({ ok: false, reason: 'version-changed', policy: { version: 2 } })
    expect(await choose({ shownVersion: null })).toMatchObject({ ok: false, reason: 'version-changed' })
    expect(await choose({ shownVersion: 2 })).toMatchObject({ ok: false, reason: 'version-changed' })
    expect(await ledgerCount()).toBe(before)
    expect((await database.db.select().from(cookieConsents)).length).toBe(consentsBefore)
  })

  it('records nothing while no cookie policy is in force', async () => {
    const before = await ledgerCount()
    const outcome = await choose({ deps: { db: database.db, policy: policyAt(COOKIE_TIMELINE.before) } })
    expect(outcome).toEqual({ ok: false, reason: 'unavailable' })
    expect(await ledgerCount()).toBe(before)
  })

  it('links the consent id to the signed-in account and keeps it for later choices', async () => {
    const userId = await newUser()
    const { cookie } = await createUserSession(database.db, userId, { ip: null, userAgent: null })
    const session = cookie.split(';')[0]!
    const first = await choose({ method: 'essential', headers: { Cookie: session } })
    if (!first.ok) throw new Error(first.reason)
    const later = new Date(NOW.getTime() + 60_000)
    const second = await choose({
      method: 'custom',
      analytics: true,
      now: later,
      headers: { Cookie: cookieHeader(first.setCookies, [session]) },
    })
    if (!second.ok) throw new Error(second.reason)
    expect(second.choice.consentId).toBe(first.choice.consentId)
    const [link] = await database.db.select().from(cookieConsents).where(eq(cookieConsents.id, first.choice.consentId))
    expect(link).toMatchObject({ userId, guestId: null, lastChoiceAt: later })
    expect(await rowsOf(first.choice.consentId)).toHaveLength(4)
  })

  it('links a guest that exists, and ignores a guest cookie whose guest is gone', async () => {
    const guestId = await newGuest()
    const withGuest = await choose({ headers: { Cookie: (await serializeGuestCookie(guestId)).split(';')[0]! } })
    if (!withGuest.ok) throw new Error(withGuest.reason)
    const [linked] = await database.db
      .select()
      .from(cookieConsents)
      .where(eq(cookieConsents.id, withGuest.choice.consentId))
    expect(linked).toMatchObject({ guestId, userId: null })

    const gone = randomBytes(24).toString('base64url')
    const withGone = await choose({ headers: { Cookie: (await serializeGuestCookie(gone)).split(';')[0]! } })
    if (!withGone.ok) throw new Error(withGone.reason)
    const [unlinked] = await database.db
      .select()
      .from(cookieConsents)
      .where(eq(cookieConsents.id, withGone.choice.consentId))
    expect(unlinked).toMatchObject({ guestId: null, userId: null })
  })

  it('gives a fresh id instead of adding to someone else’s history, or to a forged id', async () => {
    const anna = await newUser()
    const boris = await newUser()
    const annaSession = (await createUserSession(database.db, anna, {})).cookie.split(';')[0]!
    const borisSession = (await createUserSession(database.db, boris, {})).cookie.split(';')[0]!
    const annas = await choose({ headers: { Cookie: annaSession } })
    if (!annas.ok) throw new Error(annas.reason)
    const annaConsent = cookieHeader(annas.setCookies.filter((c) => c.startsWith(CONSENT_COOKIE)))

    // Boris on the same computer, and then someone signed out.
    for (const cookie of [`${annaConsent}; ${borisSession}`, annaConsent]) {
      const other = await choose({ headers: { Cookie: cookie } })
      if (!other.ok) throw new Error(other.reason)
      expect(other.choice.consentId).not.toBe(annas.choice.consentId)
    }
    expect(await rowsOf(annas.choice.consentId)).toHaveLength(2)

    // A consent id nobody signed cannot be borrowed.
    const forged = `${CONSENT_COOKIE}=${await consentCookieValue(
      { ...annas.choice, consentId: annas.choice.consentId },
      { secret: 'not-our-secret-0123456789abcdefghij' },
    )}`
    const fromForged = await choose({ headers: { Cookie: forged } })
    if (!fromForged.ok) throw new Error(fromForged.reason)
    expect(fromForged.choice.consentId).not.toBe(annas.choice.consentId)
    expect(await rowsOf(annas.choice.consentId)).toHaveLength(2)
    expect(newConsentId()).not.toBe(fromForged.choice.consentId)
  })
})
