import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { legalDoc } from '~/acceptances/__fixtures__/legal-dataset'
import type { DocumentKind } from '~/platform/document-kinds'
import type { Locale } from '~/platform/i18n/locales'
import type * as AcceptRoute from '~/routes/$lang.account.accept'
import type * as AccountRoute from '~/routes/$lang.account._index'
import type * as LangRoute from '~/routes/$lang'
import type * as PolicyRoute from '~/routes/$lang.$kind._index'
import type * as ChangesRoute from '~/routes/$lang.$kind.changes'
import type * as LogoutRoute from '~/routes/$lang.logout'
import type * as Reaccept from '~/flows/account/reaccept.server'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources, thrownBy } from './support'
import { get, post as formPost } from '../support/requests'

// Asking again, through the routes, against the process-wide database and a
// dataset whose changes took effect yesterday (loaders use the real clock).
//
// ru: terms v2 and consent v2 are material, privacy v2 is not.
// en: terms v2 is material; a test below publishes a material v3 while the
//     interstitial is open.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-reaccept-'))
const datasetPath = path.join(dir, 'dataset.ndjson')
const DAY = 24 * 60 * 60 * 1000
const LONG_AGO = '2020-01-01T00:00:00.000Z'
const YESTERDAY = new Date(Date.now() - DAY).toISOString()
/** When the people below accepted: before yesterday's versions. */
const BEFORE_THE_CHANGE = new Date(Date.now() - 3 * DAY)

const siteSettings = {
  _id: 'siteSettings',
  _type: 'siteSettings',
  operatorName: { ru: 'ООО «Тест»', en: 'Test LLC' },
  contactEmail: 'hello@palitra.example',
  dataRequestEmail: 'privacy@palitra.example',
}
const documents: unknown[] = [
  legalDoc('terms', 'ru', 1, LONG_AGO),
  legalDoc('terms', 'ru', 2, YESTERDAY, true),
  legalDoc('privacy', 'ru', 1, LONG_AGO),
  legalDoc('privacy', 'ru', 2, YESTERDAY),
  legalDoc('consent', 'ru', 1, LONG_AGO),
  legalDoc('consent', 'ru', 2, YESTERDAY, true),
  legalDoc('terms', 'en', 1, LONG_AGO),
  legalDoc('terms', 'en', 2, YESTERDAY, true),
  legalDoc('privacy', 'en', 1, LONG_AGO),
  legalDoc('consent', 'en', 1, LONG_AGO),
  siteSettings,
]
const writeDataset = () => writeFileSync(datasetPath, documents.map((d) => JSON.stringify(d)).join('\n') + '\n')
writeDataset()

process.env.DATA_DIR = dir
process.env.CONTENT_DATASET = datasetPath

let routes: {
  accept: typeof AcceptRoute
  account: typeof AccountRoute
  lang: typeof LangRoute
  policy: typeof PolicyRoute
  changes: typeof ChangesRoute
  logout: typeof LogoutRoute
}
let reaccept: typeof Reaccept
let dropDatabase: (() => Promise<void>) | undefined

beforeAll(async () => {
  // Under test-pg the run's database is shared by every test file, and so is
  // its legal archive: another file's dataset would clash with this one's
  // versions. This file gets a database of its own.
  dropDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    accept: await import('~/routes/$lang.account.accept'),
    account: await import('~/routes/$lang.account._index'),
    lang: await import('~/routes/$lang'),
    policy: await import('~/routes/$lang.$kind._index'),
    changes: await import('~/routes/$lang.$kind.changes'),
    logout: await import('~/routes/$lang.logout'),
  }
  reaccept = await import('~/flows/account/reaccept.server')
})

afterAll(async () => {
  await closeAppResources()
  await dropDatabase?.()
  rmSync(dir, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------
// People and requests

type Person = { subject: { userId: string } | { guestId: string }; cookie: string }

async function db() {
  const { getDb } = await import('~/platform/db/client.server')
  return getDb()
}

/** An account with a session, that accepted the versions in force before yesterday. */
async function userWhoAcceptedV1(locale: Locale = 'ru'): Promise<Person & { userId: string }> {
  const { users } = await import('../support/schema')
  const { createUserSession } = await import('~/identity/session.server')
  const userId = `user_${randomUUID()}`
  await (await db()).insert(users).values({ id: userId, email: `${userId}@mail.example` })
  await acceptAt({ userId }, ['terms', 'privacy', 'consent'], locale, BEFORE_THE_CHANGE, 'register')
  const session = await createUserSession(await db(), userId, {})
  return { userId, subject: { userId }, cookie: session.cookie.split(';')[0]! }
}

/**
 * A guest that started before yesterday, accepting what the guest page asks
 * for: terms, privacy and the consent (by default), or, like a guest that
 * started before guests were asked for the consent, terms and privacy only.
 */
async function guestWhoAcceptedV1(
  kinds: DocumentKind[] = ['terms', 'privacy', 'consent'],
  locale: Locale = 'ru',
): Promise<Person & { guestId: string }> {
  const { serializeGuestCookie } = await import('~/identity/guests.server')
  const { createGuest } = await import('~/flows/account/guest-start.server')
  const guestId = await (await db()).transaction((tx) => createGuest(tx))
  await acceptAt({ guestId }, kinds, locale, BEFORE_THE_CHANGE, 'guest')
  return { guestId, subject: { guestId }, cookie: (await serializeGuestCookie(guestId)).split(';')[0]! }
}

/** Records acceptance of the versions in force at `at`, as the register and guest actions would have. */
async function acceptAt(
  subject: Person['subject'],
  kinds: DocumentKind[],
  locale: Locale,
  at: Date,
  event: 'register' | 'guest',
) {
  const { currentVersionsForAcceptance } = await import('~/acceptances/current-versions.server')
  const { recordAcceptances } = await import('~/acceptances/ledger.server')
  const documents = await currentVersionsForAcceptance(kinds, locale, { now: at })
  await (
    await db()
  ).transaction((tx) =>
    recordAcceptances(tx, {
      subject,
      event,
      documents,
      wordings: { terms: 'accept terms', privacy: 'read privacy', consent: 'give consent' },
      ip: null,
      userAgent: null,
      action: { type: 'test', id: randomUUID() },
    }),
  )
}

async function history(subject: Person['subject']) {
  const { acceptanceHistory } = await import('~/acceptances/ledger.server')
  return acceptanceHistory(await db(), subject)
}

const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  formPost(url, fields, undefined, { headers, multipart: true })

const EVIDENCE = { clientIp: '203.0.113.7' }
const USER_AGENT = 'Mozilla/5.0 (reaccept test)'

/** The Location of a redirect a loader or action threw or returned. */
function locationOf(result: unknown): string | null {
  return result instanceof Response && result.status >= 300 && result.status < 400
    ? result.headers.get('Location')
    : null
}

const acceptPage = (lang: Locale, query = '', cookie?: string) =>
  routes.accept.loader({ request: get(`/${lang}/account/accept${query}`, cookie), params: { lang }, context: {} })

const acceptAction = (lang: Locale, fields: Record<string, string>, cookie: string) =>
  routes.accept.action({
    request: post(`/${lang}/account/accept`, fields, { Cookie: cookie, 'User-Agent': USER_AGENT }),
    params: { lang },
    context: EVIDENCE,
  })

async function layout(lang: Locale, cookie?: string) {
  return (await routes.lang.loader({ request: get(`/${lang}`, cookie), params: { lang }, context: {} })) as unknown as {
    data: { notices: { items: Array<Record<string, unknown>>; dismiss: string } | null }
  }
}

const guard = (request: Request, locale: Locale = 'ru') => reaccept.requireCurrentVersionsAccepted(request, locale)

// ---------------------------------------------------------------------------

describe('a signed-in person with material versions pending', () => {
  let person: Awaited<ReturnType<typeof userWhoAcceptedV1>>
  let otherSessionId: string

  beforeAll(async () => {
    person = await userWhoAcceptedV1()
    const { createUserSession } = await import('~/identity/session.server')
    otherSessionId = (await createUserSession(await db(), person.userId, { userAgent: 'other device' })).sessionId
  })

  async function sessionCount() {
    const { listSessions } = await import('~/identity/session.server')
    return (await listSessions(await db(), person.userId)).length
  }

  it('is held by the guard and sent to the interstitial, coming back where they were going', async () => {
    const thrown = await thrownBy(() => guard(get('/ru/history?page=2', person.cookie)))
    expect(locationOf(thrown)).toBe('/ru/account/accept?redirectTo=%2Fru%2Fhistory%3Fpage%3D2')
  })

  it('cannot revoke a session or sign out everywhere until they accept; a form comes back to its page', async () => {
    const submissions: Array<Record<string, string>> = [
      { intent: 'revoke', sessionId: otherSessionId },
      { intent: 'signout-everywhere' },
    ]
    for (const fields of submissions) {
      const thrown = await thrownBy(() =>
        routes.account.action({
          request: post('/ru/account?index', fields, {
            Cookie: person.cookie,
            Referer: 'http://localhost/ru/account',
          }),
          params: { lang: 'ru' },
          context: {},
        }),
      )
      expect(locationOf(thrown)).toBe('/ru/account/accept?redirectTo=%2Fru%2Faccount')
    }
    expect(await sessionCount()).toBe(2)
  })

  it('sees the new text, what changed and a comparison with the version they accepted', async () => {
    const page = (await acceptPage('ru', '?redirectTo=%2Fru%2Faccount', person.cookie)) as Record<string, unknown>
    expect(page).toMatchObject({ viewer: 'user', redirectTo: '/ru/account', declined: false })
    // Privacy v2 is not material: it is not asked for here.
    expect(page.shownVersions).toBe('terms:2,consent:2')
    expect(page.documents).toEqual([
      {
        kind: 'terms',
        version: 2,
        title: 'terms ru v2',
        effectiveFrom: YESTERDAY,
        acceptedVersion: 1,
        changes: [{ version: 2, summary: 'Summary of version 2.' }],
      },
      {
        kind: 'consent',
        version: 2,
        title: 'consent ru v2',
        effectiveFrom: YESTERDAY,
        acceptedVersion: 1,
        changes: [{ version: 2, summary: 'Summary of version 2.' }],
      },
    ])
  })

  it('declining records nothing, says what they can still do, and the guard still holds', async () => {
    const before = (await history(person.subject)).length
    const page = (await acceptPage('ru', '?declined=1&redirectTo=%2Fru%2Faccount', person.cookie)) as Record<
      string,
      unknown
    >
    expect(page.declined).toBe(true)
    expect(page.reconsiderHref).toBe('/ru/account/accept?redirectTo=%2Fru%2Faccount')
    expect((await history(person.subject)).length).toBe(before)
    expect(locationOf(await thrownBy(() => guard(get('/ru/history', person.cookie))))).toMatch(
      /^\/ru\/account\/accept\?/,
    )
  })

  it('an unticked box records nothing', async () => {
    const before = (await history(person.subject)).length
    const result = (await acceptAction(
      'ru',
      { shownVersions: 'terms:2,consent:2', accept_terms: 'yes', redirectTo: '/ru/account' },
      person.cookie,
    )) as unknown as DataResult
    expect(result.init?.status).toBe(400)
    expect(result.data.fieldErrors).toEqual({ accept_consent: 'acceptance.required' })
    expect((await history(person.subject)).length).toBe(before)
  })

  it('accepting records one reaccept row per pending document, as evidence, and lets them through', async () => {
    const before = (await history(person.subject)).length
    const response = await acceptAction(
      'ru',
      { shownVersions: 'terms:2,consent:2', accept_terms: 'yes', accept_consent: 'yes', redirectTo: '/ru/account' },
      person.cookie,
    )
    expect(locationOf(response)).toBe('/ru/account')

    const rows = (await history(person.subject)).filter((row) => row.event === 'reaccept')
    expect((await history(person.subject)).length).toBe(before + 2)
    expect(rows.map((row) => [row.kind, row.locale, row.version]).sort()).toEqual([
      ['consent', 'ru', 2],
      ['terms', 'ru', 2],
    ])
    for (const row of rows) {
      expect(row).toMatchObject({
        recordedUnder: { userId: person.userId },
        state: 'given',
        ip: EVIDENCE.clientIp,
        userAgent: USER_AGENT,
        actionType: 'reaccept',
      })
      expect(row.actionId).toMatch(/^[0-9a-f-]{36}$/)
    }
    // One action for the whole acceptance.
    expect(new Set(rows.map((row) => row.actionId)).size).toBe(1)
    // The wording is the checkbox label exactly as the Russian page shows it.
    expect(rows.find((row) => row.kind === 'terms')!.wording).toBe(
      'Я принимаю условия документа «terms ru v2» (версия 2)',
    )
    expect(rows.find((row) => row.kind === 'consent')!.wording).toBe(
      'Я даю согласие на обработку моих персональных данных на условиях документа «consent ru v2» (версия 2)',
    )

    await expect(guard(get('/ru/history', person.cookie))).resolves.toBeUndefined()
    // The account page's actions work again.
    const revoked = await routes.account.action({
      request: post('/ru/account?index', { intent: 'revoke', sessionId: otherSessionId }, { Cookie: person.cookie }),
      params: { lang: 'ru' },
      context: {},
    })
    expect(locationOf(revoked)).toBe('/ru/account')
    expect(await sessionCount()).toBe(1)
    // With nothing left to accept, the interstitial just carries on.
    expect(locationOf(await thrownBy(() => acceptPage('ru', '?redirectTo=%2Fru%2Fhistory', person.cookie)))).toBe(
      '/ru/history',
    )
  })
})

describe('a non-material version', () => {
  let person: Awaited<ReturnType<typeof userWhoAcceptedV1>>

  beforeAll(async () => {
    person = await userWhoAcceptedV1()
    // Accepted the material versions since; only privacy v2 (not material) is new to them.
    await acceptAt(person.subject, ['terms', 'consent'], 'ru', new Date(), 'register')
  })

  it('never holds anyone up', async () => {
    await expect(guard(get('/ru/history', person.cookie))).resolves.toBeUndefined()
    await expect(
      guard(post('/ru/account', {}, { Cookie: person.cookie, Referer: 'http://localhost/ru/account' })),
    ).resolves.toBeUndefined()
  })

  it('shows a notice with its change summary until it is dismissed, and then never again', async () => {
    const before = (await history(person.subject)).length
    for (let i = 0; i < 2; i++) {
      const { data } = await layout('ru', person.cookie)
      expect(data.notices).toEqual({
        items: [
          {
            kind: 'privacy',
            version: 2,
            title: 'privacy ru v2',
            changeSummary: 'Summary of version 2.',
            effectiveFrom: YESTERDAY,
            acceptedVersion: 1,
          },
        ],
        dismiss: 'privacy:2',
      })
    }

    const response = await acceptAction(
      'ru',
      { intent: 'dismiss-notice', versions: 'privacy:2', redirectTo: '/ru/privacy?print=1' },
      person.cookie,
    )
    expect(locationOf(response)).toBe('/ru/privacy?print=1')
    const setCookie = (response as Response).headers.get('Set-Cookie')!
    expect(setCookie).toMatch(/^palitra_seen_versions=/)

    const cookies = `${person.cookie}; ${setCookie.split(';')[0]}`
    expect((await layout('ru', cookies)).data.notices).toBeNull()
    // Dismissing is not an acceptance: the ledger is untouched.
    expect((await history(person.subject)).length).toBe(before)
  })

  it('refuses a malformed dismissal with a localized 400', async () => {
    const thrown = (await thrownBy(() =>
      acceptAction('ru', { intent: 'dismiss-notice', versions: 'privacy:x' }, person.cookie),
    )) as DataResult
    expect(thrown.init?.status).toBe(400)
    expect(thrown.data).toMatch(/Не получилось скрыть уведомление/)
  })

  it('gives anonymous visitors no notice and no guard', async () => {
    expect((await layout('ru')).data.notices).toBeNull()
    await expect(guard(get('/ru/history'))).resolves.toBeUndefined()
  })
})

describe('a guest', () => {
  let guest: Awaited<ReturnType<typeof guestWhoAcceptedV1>>

  beforeAll(async () => {
    guest = await guestWhoAcceptedV1()
  })

  it('is asked again the same way, for the terms and for a material new consent', async () => {
    const thrown = await thrownBy(() => guard(get('/ru/history', guest.cookie)))
    expect(locationOf(thrown)).toBe('/ru/account/accept?redirectTo=%2Fru%2Fhistory')

    const page = (await acceptPage('ru', '?redirectTo=%2Fru%2Fhistory', guest.cookie)) as Record<string, unknown>
    expect(page.viewer).toBe('guest')
    // Guests give the consent when they start, so its material v2 is asked for like the terms.
    expect(page.shownVersions).toBe('terms:2,consent:2')
    expect((await layout('ru', guest.cookie)).data.notices?.dismiss).toBe('privacy:2')

    // The consent keeps its own box: ticking the terms alone records nothing.
    const before = (await history(guest.subject)).length
    const refused = (await acceptAction(
      'ru',
      { shownVersions: 'terms:2,consent:2', accept_terms: 'yes', redirectTo: '/ru/history' },
      guest.cookie,
    )) as unknown as DataResult
    expect(refused.init?.status).toBe(400)
    expect(refused.data).toMatchObject({ fieldErrors: { accept_consent: 'acceptance.required' } })
    expect((await history(guest.subject)).length).toBe(before)

    const response = await acceptAction(
      'ru',
      { shownVersions: 'terms:2,consent:2', accept_terms: 'yes', accept_consent: 'yes', redirectTo: '/ru/history' },
      guest.cookie,
    )
    expect(locationOf(response)).toBe('/ru/history')
    const rows = (await history(guest.subject)).filter((row) => row.event === 'reaccept')
    expect(rows.map((row) => [row.kind, row.version]).sort()).toEqual([
      ['consent', 2],
      ['terms', 2],
    ])
    for (const row of rows) {
      expect(row).toMatchObject({ recordedUnder: { guestId: guest.guestId }, actionType: 'reaccept' })
    }
    expect(rows.find((row) => row.kind === 'consent')?.wording).toBe(
      'Я даю согласие на обработку моих персональных данных на условиях документа «consent ru v2» (версия 2)',
    )
    await expect(guard(get('/ru/history', guest.cookie))).resolves.toBeUndefined()
  })

  it('that started before guests gave the consent is asked for it before generating again', async () => {
    // en: terms v2 is material, the consent is still v1. This guest never gave it.
    const earlier = await guestWhoAcceptedV1(['terms', 'privacy'], 'en')
    const page = (await acceptPage('en', '?redirectTo=%2Fen', earlier.cookie)) as Record<string, unknown>
    expect(page.shownVersions).toBe('terms:2,consent:1')
    const documents = page.documents as Array<{ kind: string; acceptedVersion: number | null }>
    expect(documents.find((d) => d.kind === 'consent')).toMatchObject({ acceptedVersion: null })

    // One who gave all three in en is asked for the terms only.
    const recent = await guestWhoAcceptedV1(['terms', 'privacy', 'consent'], 'en')
    const recentPage = (await acceptPage('en', '?redirectTo=%2Fen', recent.cookie)) as Record<string, unknown>
    expect(recentPage.shownVersions).toBe('terms:2')
  })
})

describe('reading pages', () => {
  it('are never held, nor is signing out', async () => {
    const person = await userWhoAcceptedV1()
    const args = (url: string, params: Record<string, string>) => ({
      request: get(url, person.cookie),
      params,
      context: {},
    })
    const policy = (await routes.policy.loader(
      args('/ru/terms', { lang: 'ru', kind: 'terms' }) as never,
    )) as unknown as DataResult
    expect(policy.data).toMatchObject({ state: 'ok', document: { version: 2 } })
    const changes = (await routes.changes.loader(
      args('/ru/terms/changes?from=1&to=2', { lang: 'ru', kind: 'terms' }) as never,
    )) as unknown as DataResult
    expect(changes.data).toMatchObject({ from: { version: 1 }, to: { version: 2 } })
    expect((await layout('ru', person.cookie)).data).toBeDefined()

    const signedOut = await routes.logout.action({
      request: post('/ru/logout', {}, { Cookie: person.cookie }),
      params: { lang: 'ru' },
      context: {},
    })
    expect(locationOf(signedOut)).toBe('/ru')
    expect(signedOut.headers.get('Set-Cookie')).toMatch(/^palitra_session=;/)
  })
})

describe('a version coming into force while the interstitial is open', () => {
  it('records nothing and shows the page again with the new text', async () => {
    const person = await userWhoAcceptedV1('en')
    const page = (await acceptPage('en', '', person.cookie)) as Record<string, unknown>
    expect(page.shownVersions).toBe('terms:2')

    // Terms v3 is published and takes effect while the page is open.
    documents.push(legalDoc('terms', 'en', 3, new Date(Date.now() - 60_000).toISOString(), true))
    writeDataset()
    const { closeContentSource } = await import('~/content/index.server')
    closeContentSource()

    const before = (await history(person.subject)).length
    const result = (await acceptAction(
      'en',
      { shownVersions: 'terms:2', accept_terms: 'yes', redirectTo: '/en/account' },
      person.cookie,
    )) as unknown as DataResult
    expect(result.init?.status).toBe(409)
    expect(result.data).toMatchObject({
      formError: 'acceptance.changed',
      formErrorParams: { titles: '“terms en v3”' },
      shownVersions: 'terms:3',
    })
    expect((result.data.documents as Array<{ version: number; changes: unknown[] }>)[0]).toMatchObject({
      version: 3,
      changes: [
        { version: 2, summary: 'Summary of version 2.' },
        { version: 3, summary: 'Summary of version 3.' },
      ],
    })
    expect((await history(person.subject)).length).toBe(before)

    // Accepting what is now shown works.
    const accepted = await acceptAction(
      'en',
      { shownVersions: 'terms:3', accept_terms: 'yes', redirectTo: '/en/account' },
      person.cookie,
    )
    expect(locationOf(accepted)).toBe('/en/account')
    const rows = (await history(person.subject)).filter((row) => row.event === 'reaccept')
    expect(rows.map((row) => [row.kind, row.locale, row.version])).toEqual([['terms', 'en', 3]])
  })
})

describe('generating images', () => {
  it('holds someone who has not accepted a material new version at the interstitial, charging nothing', async () => {
    const guest = await guestWhoAcceptedV1()
    const home = await import('~/routes/$lang._index')
    const { balanceOf } = await import('~/credits/movements.server')
    const { generationJobs } = await import('../support/schema')
    const { eq } = await import('drizzle-orm')
    const before = await balanceOf(await db(), `guest:${guest.guestId}`)
    const body = new FormData()
    body.set('prompt', 'a lighthouse in the fog')
    body.set('style', 'none')
    body.set('aspectRatio', '1:1')
    body.set('count', '1')
    const request = new Request('http://localhost/ru?index', {
      method: 'POST',
      body,
      headers: { Cookie: guest.cookie, Referer: 'http://localhost/ru' },
    })
    const thrown = await thrownBy(() => home.action({ request, params: { lang: 'ru' }, context: {} }))
    expect(locationOf(thrown)).toBe('/ru/account/accept?redirectTo=%2Fru')
    expect(await balanceOf(await db(), `guest:${guest.guestId}`)).toBe(before)
    const jobs = await (await db()).select().from(generationJobs).where(eq(generationJobs.guestId, guest.guestId))
    expect(jobs).toHaveLength(0)
  })
})
