import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { users } from '~/identity/schema'
import type { Locale } from '~/platform/i18n/locales'
import { ContentUnavailableError, type ContentSource } from '~/content/source'
import { getArchivedVersion } from '~/legal/archive.server'
import type { DocumentKind } from '~/platform/document-kinds'
import { TIMELINE, createTestContentSource } from './__fixtures__/legal-dataset'
import { NoVersionInForceError, currentVersionsForAcceptance } from './current-versions.server'
import { recordAcceptances, withdrawConsent } from './ledger.server'
import { acceptanceStatus, requireCurrentAcceptance } from './status.server'

let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>

beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource()
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

const deps = () => ({ db: database.db, source: content.source })

async function newUser() {
  const id = `user_${randomUUID()}`
  await database.db.insert(users).values({ id })
  return id
}

/** Records acceptance of the versions in force at `now`, as a route would. */
async function accept(userId: string, kinds: DocumentKind[], now: Date, locale: Locale = 'ru') {
  const documents = await currentVersionsForAcceptance(kinds, locale, { now, deps: deps() })
  await database.db.transaction((tx) =>
    recordAcceptances(tx, {
      subject: { userId },
      event: 'register',
      documents,
      wordings: { terms: 'accept terms', privacy: 'read privacy', consent: 'give consent' },
      ip: null,
      userAgent: null,
      action: { type: 'account', id: userId },
    }),
  )
}

async function status(userId: string, now: Date, locale: Locale = 'ru') {
  const result = await acceptanceStatus(database.db, { userId }, locale, { now, source: content.source })
  return {
    pending: result.pending.map((d) => `${d.kind} v${d.version}`),
    notices: result.notices.map((d) => `${d.kind} v${d.version}`),
  }
}

describe('currentVersionsForAcceptance', () => {
  it('returns the archived version in force for each kind, in the order asked', async () => {
    const versions = await currentVersionsForAcceptance(['consent', 'terms'], 'ru', {
      now: TIMELINE.apr,
      deps: deps(),
    })
    expect(versions.map((v) => [v.kind, v.version])).toEqual([
      ['consent', 1],
      ['terms', 3],
    ])
    const archived = await getArchivedVersion(database.db, 'terms', 'ru', 3)
    expect(versions[1]).toEqual({
      kind: 'terms',
      locale: 'ru',
      version: 3,
      documentVersionId: archived!.id,
      sha256: archived!.sha256,
      title: 'terms ru v3',
      material: false,
      changeSummary: 'Summary of version 3.',
      effectiveFrom: '2026-04-01T00:00:00.000Z',
    })
  })

  it('refuses a kind with no version in force', async () => {
    const missing = await currentVersionsForAcceptance(['terms', 'cookies'], 'ru', {
      now: TIMELINE.jan,
      deps: deps(),
    }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(NoVersionInForceError)
    expect(missing).toMatchObject({ kind: 'cookies', locale: 'ru', reason: 'missing' })

    const notYet = await currentVersionsForAcceptance(['cookies'], 'en', { now: TIMELINE.jan, deps: deps() }).catch(
      (e: unknown) => e,
    )
    expect(notYet).toMatchObject({ kind: 'cookies', locale: 'en', reason: 'not-in-force' })
  })

  it('answers from the archive when the source is down, and only with what the archive holds', async () => {
    const down: ContentSource = {
      name: 'sanity',
      listVersions: () => Promise.reject(new ContentUnavailableError('down')),
      getDocument: () => Promise.reject(new ContentUnavailableError('down')),
      getSiteSettings: () => Promise.reject(new ContentUnavailableError('down')),
      creditPacks: () => Promise.reject(new ContentUnavailableError('down')),
      approvedContent: () => Promise.reject(new ContentUnavailableError('down')),
      checkHealth: () => Promise.reject(new ContentUnavailableError('down')),
    }
    await currentVersionsForAcceptance(['privacy'], 'ru', { now: TIMELINE.jan, deps: deps() })
    const [privacy] = await currentVersionsForAcceptance(['privacy'], 'ru', {
      now: TIMELINE.jan,
      deps: { db: database.db, source: down },
    })
    expect(privacy).toMatchObject({ kind: 'privacy', version: 1 })

    // consent/en was never served to this database, so the archive cannot vouch for it.
    const error = await currentVersionsForAcceptance(['consent'], 'en', {
      now: TIMELINE.jan,
      deps: { db: database.db, source: down },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NoVersionInForceError)
  })
})

describe('acceptanceStatus', () => {
  it('asks for every kind when nothing was accepted', async () => {
    const userId = await newUser()
    expect(await status(userId, TIMELINE.jan)).toEqual({
      pending: ['terms v1', 'privacy v1', 'consent v1'],
      notices: [],
    })
  })

  it('asks for a kind the person never accepted (registered before it existed)', async () => {
    const userId = await newUser()
    await accept(userId, ['terms', 'privacy'], TIMELINE.jan)
    expect(await status(userId, TIMELINE.jan)).toEqual({ pending: ['consent v1'], notices: [] })
  })

  it('is quiet while the accepted versions are in force', async () => {
    const userId = await newUser()
    await accept(userId, ['terms', 'privacy', 'consent'], TIMELINE.jan)
    expect(await status(userId, TIMELINE.jan)).toEqual({ pending: [], notices: [] })
  })

  it('asks again for a material version that came into force after the one accepted', async () => {
    const userId = await newUser()
    await accept(userId, ['terms', 'privacy', 'consent'], TIMELINE.jan)
    expect(await status(userId, TIMELINE.mar)).toEqual({ pending: ['terms v2'], notices: [] })
  })

  it('asks for the version in force when a material version was followed by a non-material one', async () => {
    const userId = await newUser()
    await accept(userId, ['terms', 'privacy', 'consent'], TIMELINE.jan)
    expect(await status(userId, TIMELINE.apr)).toEqual({ pending: ['terms v3'], notices: [] })
    await accept(userId, ['terms'], TIMELINE.apr)
    expect(await status(userId, TIMELINE.apr)).toEqual({ pending: [], notices: [] })
  })

  it('only mentions non-material versions', async () => {
    const userId = await newUser()
    await accept(userId, ['terms', 'privacy', 'consent'], TIMELINE.apr)
    expect(await status(userId, TIMELINE.may)).toEqual({ pending: [], notices: ['privacy v2'] })
    expect(await status(userId, TIMELINE.jun)).toEqual({ pending: [], notices: ['terms v4', 'privacy v2'] })
    expect(await status(userId, TIMELINE.jul)).toEqual({
      pending: ['consent v2'],
      notices: ['terms v4', 'privacy v2'],
    })
  })

  it('asks again after a withdrawal', async () => {
    const userId = await newUser()
    await accept(userId, ['terms', 'privacy', 'consent'], TIMELINE.jan)
    const documents = await currentVersionsForAcceptance(['consent'], 'ru', { now: TIMELINE.jan, deps: deps() })
    await withdrawConsent(database.db, {
      subject: { userId },
      documents,
      wordings: { consent: 'Withdraw my consent' },
      ip: null,
      userAgent: null,
      action: { type: 'withdrawal', id: userId },
    })
    expect(await status(userId, TIMELINE.jan)).toEqual({ pending: ['consent v1'], notices: [] })
  })

  it('judges acceptances given in the other language by that language', async () => {
    const userId = await newUser()
    await accept(userId, ['terms', 'privacy', 'consent'], TIMELINE.jan, 'ru')
    // Nothing material in Russian since: no need to accept the English text.
    expect(await status(userId, TIMELINE.jan, 'en')).toEqual({ pending: [], notices: [] })
    // Russian terms v2 is material: ask, in English, for the English version in force.
    expect(await status(userId, TIMELINE.mar, 'en')).toEqual({ pending: ['terms v2'], notices: [] })
    await accept(userId, ['terms'], TIMELINE.mar, 'en')
    expect(await status(userId, TIMELINE.mar, 'en')).toEqual({ pending: [], notices: [] })
  })

  it('skips kinds with no version in force in the locale', async () => {
    const userId = await newUser()
    const result = await acceptanceStatus(database.db, { userId }, 'ru', {
      now: TIMELINE.jan,
      source: content.source,
      kinds: ['terms', 'cookies'],
    })
    expect(result.pending.map((d) => d.kind)).toEqual(['terms'])
  })
})

describe('requireCurrentAcceptance', () => {
  it('says pending with what to accept, or current with the notices', async () => {
    const userId = await newUser()
    const gate = await requireCurrentAcceptance(database.db, { userId }, 'ru', {
      now: TIMELINE.jan,
      source: content.source,
    })
    expect(gate.state).toBe('pending')
    expect(gate.state === 'pending' && gate.pending.map((d) => d.kind)).toEqual(['terms', 'privacy', 'consent'])

    await accept(userId, ['terms', 'privacy', 'consent'], TIMELINE.apr)
    const later = await requireCurrentAcceptance(database.db, { userId }, 'ru', {
      now: TIMELINE.may,
      source: content.source,
    })
    expect(later).toEqual({ state: 'current', notices: [expect.objectContaining({ kind: 'privacy', version: 2 })] })
  })
})
