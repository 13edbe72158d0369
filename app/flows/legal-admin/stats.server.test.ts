import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { TIMELINE, createTestContentSource } from '~/acceptances/__fixtures__/legal-dataset'
import { currentVersionsForAcceptance } from '~/acceptances/current-versions.server'
import { recordAcceptances, withdrawConsent, type LedgerSubject } from '~/acceptances/ledger.server'
import { ASKED_KINDS, acceptanceStatus } from '~/acceptances/status.server'
import { dataSubjectRequests } from '~/privacy-requests/schema'
import { requestsSummary } from '~/privacy-requests/summary.server'
import { moscowDay } from '~/privacy-requests/working-days'
import { guests, users } from '~/identity/schema'
import { type AcceptanceEvent } from '~/acceptances/schema'
import type { Locale } from '~/platform/i18n/locales'
import type { DocumentKind } from '~/platform/document-kinds'
import { legalOverview } from './overview.server'
import { accountStandings, emptyStandingCounts, inForceKey, versionStats, versionsInForce } from './stats.server'

// A small ledger built through the ledger module, on the fixed timeline of
// ~/consent/__fixtures__ (ru terms v1 Jan, v2 Mar material, v3 Apr, v4 Jun;
// ru privacy v1, v2 May; ru consent v1; en terms v1, v2 Mar material; en
// privacy v1, consent v1; en cookies v1 from 2027). Counted at mid-June.

let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>
const NOW = TIMELINE.jun
const deps = () => ({ db: database.db, source: content.source })
const WORDINGS = { terms: 'I accept the terms', privacy: 'I have read the policy', consent: 'I consent', cookies: 'OK' }

const people: Record<string, { id: string; locale: Locale; deleted?: boolean }> = {}

async function newUser(name: string, locale: Locale = 'ru', deleted = false) {
  const id = `user_${name}_${randomUUID()}`
  await database.db.insert(users).values({
    id,
    locale,
    email: deleted ? null : `${name}-${id}@mail.example`,
    emailNormalized: deleted ? null : `${name}-${id}@mail.example`,
    deletedAt: deleted ? new Date() : null,
  })
  people[name] = { id, locale, deleted }
  return id
}

async function accept(
  subject: LedgerSubject,
  kinds: DocumentKind[],
  at: Date,
  { locale = 'ru' as Locale, event = 'register' as AcceptanceEvent, scope = null as string | null } = {},
) {
  const documents = await currentVersionsForAcceptance(kinds, locale, { now: at, deps: deps() })
  await database.db.transaction((tx) =>
    recordAcceptances(tx, {
      subject,
      event,
      documents,
      wordings: WORDINGS,
      ip: '203.0.113.9',
      userAgent: 'stats test',
      action: { type: 'account', id: 'x' },
      scope,
    }),
  )
}

beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource()
  const all: DocumentKind[] = ['terms', 'privacy', 'consent']

  // A: registered in January, nothing since.
  await accept({ userId: await newUser('A') }, all, TIMELINE.jan)
  // B: registered in June; later paid (the terms are accepted again with the order).
  const b = await newUser('B')
  await accept({ userId: b }, all, NOW)
  await accept({ userId: b }, ['terms'], NOW, { event: 'payment' })
  // C: registered in April (terms v3: only a non-material version since).
  await accept({ userId: await newUser('C') }, all, TIMELINE.apr)
  // D: registered in January, then withdrew the consent.
  const d = await newUser('D')
  await accept({ userId: d }, all, TIMELINE.jan)
  const consentJan = await currentVersionsForAcceptance(['consent'], 'ru', { now: TIMELINE.jan, deps: deps() })
  await database.db.transaction((tx) =>
    withdrawConsent(tx, {
      subject: { userId: d },
      documents: consentJan,
      wordings: WORDINGS,
      ip: null,
      userAgent: null,
      action: { type: 'withdrawal', id: 'w1' },
    }),
  )
  // E: an account with no acceptance at all.
  await newUser('E')
  // F: a Russian-language account that accepted only the English texts in March.
  await accept({ userId: await newUser('F') }, all, TIMELINE.mar, { locale: 'en' })
  // G: an English-language account from January.
  await accept({ userId: await newUser('G', 'en') }, all, TIMELINE.jan, { locale: 'en' })
  // H: registered in January, account deleted since: its rows stay in the ledger, it is no active account.
  await accept({ userId: await newUser('H', 'ru', true) }, all, TIMELINE.jan)
  // I: accepted terms and privacy as a guest in June, then registered (the guest is linked to the account).
  const i = await newUser('I')
  const guestId = `guest_${randomUUID()}`
  await database.db.insert(guests).values({ id: guestId, linkedUserId: i, linkedAt: NOW })
  await accept({ guestId }, ['terms', 'privacy'], NOW, { event: 'guest' })
  await accept({ userId: i }, ['consent'], NOW)
  // J: registered in January and accepted the June versions when asked again.
  const j = await newUser('J')
  await accept({ userId: j }, all, TIMELINE.jan)
  await accept({ userId: j }, all, NOW, { event: 'reaccept' })
  // Terms ru v2 (material) was in force from March to April: served and archived, accepted by nobody.
  await currentVersionsForAcceptance(['terms'], 'ru', { now: TIMELINE.mar, deps: deps() })
  // An anonymous cookie choice (English cookie policy, in force from 2027): given, then withdrawn.
  const cookieAt = new Date('2027-02-01T12:00:00Z')
  await accept({ consentId: 'consent-1' }, ['cookies'], cookieAt, { locale: 'en', event: 'cookie', scope: 'analytics' })
  const cookies = await currentVersionsForAcceptance(['cookies'], 'en', { now: cookieAt, deps: deps() })
  await database.db.transaction((tx) =>
    recordAcceptances(tx, {
      subject: { consentId: 'consent-1' },
      event: 'cookie',
      state: 'withdrawn',
      scope: 'analytics',
      documents: cookies,
      wordings: WORDINGS,
      ip: null,
      userAgent: null,
      action: { type: 'cookie-consent', id: 'consent-1' },
    }),
  )
  // Another browser chose "only essential" straight away: both categories off, never allowed before.
  await database.db.transaction(async (tx) => {
    for (const scope of ['preferences', 'analytics']) {
      await recordAcceptances(tx, {
        subject: { consentId: 'consent-2' },
        event: 'cookie',
        state: 'withdrawn',
        scope,
        documents: cookies,
        wordings: WORDINGS,
        ip: null,
        userAgent: null,
        action: { type: 'cookie-choice', id: 'consent-2' },
      })
    }
  })
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

describe('versionStats', () => {
  it('counts the ledger rows of every archived version by event and state', async () => {
    const stats = await versionStats(database.db)
    const find = (kind: DocumentKind, locale: Locale, version: number) =>
      stats.find((s) => s.kind === kind && s.locale === locale && s.version === version)!

    const termsV1 = find('terms', 'ru', 1)
    // A, D, H and J registered in January.
    expect(termsV1.byEvent.register).toEqual({ given: 4, withdrawn: 0, declined: 0 })
    expect(termsV1.given).toBe(4)
    expect(termsV1.withdrawn).toBe(0)

    const termsV4 = find('terms', 'ru', 4)
    expect(termsV4.byEvent).toMatchObject({
      register: { given: 1, withdrawn: 0 },
      guest: { given: 1, withdrawn: 0 },
      payment: { given: 1, withdrawn: 0 },
      reaccept: { given: 1, withdrawn: 0 },
      cookie: { given: 0, withdrawn: 0 },
      withdrawal: { given: 0, withdrawn: 0 },
    })
    expect(termsV4.given).toBe(4)

    const consentV1 = find('consent', 'ru', 1)
    // A, B, C, D, H, I (June, v1 still in force), J twice (register and reaccept).
    expect(consentV1.byEvent.register.given).toBe(7)
    expect(consentV1.byEvent.reaccept.given).toBe(1)
    expect(consentV1.byEvent.withdrawal).toEqual({ given: 0, withdrawn: 1, declined: 0 })
    expect([consentV1.given, consentV1.withdrawn]).toEqual([8, 1])

    const cookies = find('cookies', 'en', 1)
    // consent-1 allowed analytics, then took it back: a withdrawal. consent-2 chose
    // "only essential" from the start: two refusals, not withdrawals.
    expect(cookies.byEvent.cookie).toEqual({ given: 1, withdrawn: 1, declined: 2 })
    expect([cookies.given, cookies.withdrawn, cookies.declined]).toEqual([1, 1, 2])

    // A version served but never accepted has zeros, not a missing row.
    const termsV2 = find('terms', 'ru', 2)
    expect([termsV2.given, termsV2.withdrawn]).toEqual([0, 0])
    expect(termsV2.material).toBe(true)

    // Ordered by kind (privacy, terms, cookies, consent), then locale, newest version first.
    const terms = stats.filter((s) => s.kind === 'terms' && s.locale === 'ru').map((s) => s.version)
    expect(terms).toEqual([...terms].sort((a, b) => b - a))
    expect(stats.findIndex((s) => s.kind === 'privacy')).toBeLessThan(stats.findIndex((s) => s.kind === 'terms'))
  })
})

describe('accountStandings', () => {
  it('sorts active accounts by where they stand with the version in force of their language', async () => {
    const inForce = await versionsInForce({ now: NOW, deps: deps() })
    const standings = await accountStandings(database.db, inForce)
    const counts = (kind: DocumentKind, locale: Locale) => standings.get(inForceKey(kind, locale))

    // Russian-language active accounts: A B C D E F I J (H is deleted, G is English).
    // terms ru v4 in force, v2 material: A, D changed; C only non-material since; E none; F English only.
    expect(counts('terms', 'ru')).toEqual({
      ...emptyStandingCounts(),
      accepted: 3,
      notice: 1,
      'asked-changed': 2,
      'asked-none': 1,
      'other-language': 1,
      accounts: 8,
      notYetAccepted: 5,
      asked: 3,
    })
    // privacy ru v2 in force, nothing material: A, C, D get a notice.
    expect(counts('privacy', 'ru')).toEqual({
      ...emptyStandingCounts(),
      accepted: 3,
      notice: 3,
      'asked-none': 1,
      'other-language': 1,
      accounts: 8,
      notYetAccepted: 5,
      asked: 1,
    })
    // consent ru v1: D withdrew it, E never gave it.
    expect(counts('consent', 'ru')).toEqual({
      ...emptyStandingCounts(),
      accepted: 5,
      'asked-none': 2,
      'other-language': 1,
      accounts: 8,
      notYetAccepted: 3,
      asked: 2,
    })
    // G accepted English terms v1; v2 (material) is in force.
    expect(counts('terms', 'en')).toMatchObject({ accounts: 1, 'asked-changed': 1, asked: 1 })
    expect(counts('privacy', 'en')).toMatchObject({ accounts: 1, accepted: 1, notYetAccepted: 0 })
    // Cookies are not asked of account holders; nothing is in force in ru.
    expect(counts('cookies', 'en')).toBeUndefined()
  })

  it('agrees with the rule the site asks again by, account by account', async () => {
    const inForce = await versionsInForce({ now: NOW, deps: deps() })
    const standings = await accountStandings(database.db, inForce)
    for (const locale of ['ru', 'en'] as const) {
      const expected = Object.fromEntries(ASKED_KINDS.map((k) => [k, { asked: 0, notice: 0, accounts: 0 }]))
      for (const person of Object.values(people)) {
        if (person.deleted || person.locale !== locale) continue
        const status = await acceptanceStatus(database.db, { userId: person.id }, locale, {
          now: NOW,
          source: content.source,
        })
        for (const kind of ASKED_KINDS) {
          expected[kind]!.accounts += 1
          if (status.pending.some((d) => d.kind === kind)) expected[kind]!.asked += 1
          if (status.notices.some((d) => d.kind === kind)) expected[kind]!.notice += 1
        }
      }
      for (const kind of ASKED_KINDS) {
        const counted = standings.get(inForceKey(kind, locale))!
        expect(
          { asked: counted.asked, notice: counted.notice, accounts: counted.accounts },
          `${kind}/${locale}`,
        ).toEqual(expected[kind])
      }
    }
  })
})

describe('requestsSummary', () => {
  it('reads today in Moscow', () => {
    expect(moscowDay(new Date('2026-08-31T21:30:00Z'))).toBe('2026-09-01')
    expect(moscowDay(new Date('2026-08-31T20:59:00Z'))).toBe('2026-08-31')
  })

  it('counts open, overdue, due-today and unconfirmed requests', async () => {
    const now = new Date('2026-06-15T09:00:00Z')
    const base = { kind: 'access', regime: 'ru', locale: 'ru', email: 'someone@mail.example' } as const
    const received = { receivedAt: new Date('2026-06-01T09:00:00Z'), originalDueOn: '2026-06-10' }
    await database.db.insert(dataSubjectRequests).values([
      { ...base, ...received, status: 'open', dueOn: '2026-06-14' },
      { ...base, ...received, status: 'open', dueOn: '2026-06-15' },
      { ...base, ...received, status: 'open', dueOn: '2026-06-20' },
      {
        ...base,
        ...received,
        status: 'completed',
        dueOn: '2026-06-01',
        outcome: 'fulfilled',
        completedAt: new Date('2026-06-02T09:00:00Z'),
      },
      { ...base, status: 'awaiting-confirmation', confirmExpiresAt: new Date('2026-06-16T09:00:00Z') },
      // An unconfirmed request whose link expired: nobody is waiting on it.
      { ...base, status: 'awaiting-confirmation', confirmExpiresAt: new Date('2026-06-14T09:00:00Z') },
    ])
    expect(await requestsSummary(database.db, now)).toEqual({
      open: 3,
      overdue: 1,
      dueToday: 1,
      awaitingConfirmation: 1,
    })
  })
})

describe('legalOverview', () => {
  it('lists every kind and language with its version in force and the counts', async () => {
    const overview = await legalOverview(database.db, { now: NOW, deps: deps() })
    expect(overview.inForce).toHaveLength(8)
    const terms = overview.inForce.find((r) => r.kind === 'terms' && r.locale === 'ru')!
    expect(terms).toMatchObject({ state: 'ok', version: 4, lastMaterialVersion: 2, given: 4, withdrawn: 0 })
    expect(terms.state === 'ok' && terms.accounts).toMatchObject({ accounts: 8, notYetAccepted: 5 })
    expect(overview.inForce.find((r) => r.kind === 'cookies' && r.locale === 'ru')).toEqual({
      kind: 'cookies',
      locale: 'ru',
      state: 'none',
      reason: 'missing',
    })
    expect(overview.inForce.find((r) => r.kind === 'cookies' && r.locale === 'en')).toMatchObject({
      state: 'none',
      reason: 'not-in-force',
    })
  })

  it('counts "only essential" cookie choices apart from withdrawals', async () => {
    const overview = await legalOverview(database.db, { now: new Date('2027-02-02T12:00:00Z'), deps: deps() })
    expect(overview.inForce.find((r) => r.kind === 'cookies' && r.locale === 'en')).toMatchObject({
      state: 'ok',
      given: 1,
      withdrawn: 1,
      declined: 2,
    })
  })
})
