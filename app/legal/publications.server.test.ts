import { eq, sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../tests/db'
import { currentGeneration } from '~/platform/db/change-signal.server'
import { logger } from '~/platform/log.server'
import type { ContentSource } from '~/content/index.server'
import { createCachedContentSource } from '~/content/cache.server'
import type { DocumentKind, LegalDocument } from '~/content/legal-document'
import type { Locale } from '~/platform/i18n/locales'
import { archiveVersion, getArchivedVersion } from './archive.server'
import {
  followContentChanges,
  parseDelivery,
  receivePublication,
  recentDeliveries,
  type PublishDelivery,
} from './publications.server'
import { sanityDeliveries } from './schema'
import { approvedContentHash } from './approval.server'

// One database for the file; archive and delivery rows cannot be deleted, so
// each test uses its own kind, language or version number.

let testDb: TestDatabase
beforeAll(async () => {
  testDb = await createTestDatabase()
})
afterAll(async () => {
  await testDb?.close()
})
afterEach(() => {
  vi.restoreAllMocks()
})

function doc(kind: DocumentKind, locale: Locale, version: number, text = `Version ${version} text.`): LegalDocument {
  return {
    id: `legal.${kind}.${locale}.v${version}`,
    kind,
    locale,
    version,
    effectiveFrom: '2099-01-01T00:00:00Z',
    title: 'Terms',
    changeSummary: version > 1 ? 'What changed.' : null,
    material: true,
    body: [
      { _type: 'block', _key: 'p', style: 'normal', markDefs: [], children: [{ _type: 'span', text, marks: [] }] },
    ],
  }
}

/** A content source that answers getDocument from `answers`, one per call (the last repeats). */
function sourceAnswering(...answers: Array<LegalDocument | null | Error>): ContentSource & { calls: number } {
  const source = {
    name: 'sanity' as const,
    calls: 0,
    async getDocument() {
      const answer = answers[Math.min(source.calls, answers.length - 1)] ?? null
      source.calls += 1
      if (answer instanceof Error) throw answer
      return answer
    },
    listVersions: () => Promise.reject(new Error('not used')),
    getSiteSettings: () => Promise.reject(new Error('not used')),
    creditPacks: () => Promise.reject(new Error('not used')),
    approvedContent: () => Promise.resolve(null),
    checkHealth: () => Promise.resolve(),
  }
  return source
}

function delivery(overrides: Partial<PublishDelivery> = {}): PublishDelivery {
  return {
    _id: 'legal.terms.ru.v2',
    _type: 'legalDocument',
    _rev: 'rev-abc',
    kind: 'terms',
    locale: 'ru',
    version: 2,
    operation: 'create',
    publishedBy: 'p-lawyer-1',
    approval: { approvedBy: { id: 'p-lawyer-2' } },
    deliveryKey: 'key-1',
    ...overrides,
  }
}

async function deliveryRow(id: string) {
  const [row] = await testDb.db.select().from(sanityDeliveries).where(eq(sanityDeliveries.id, id))
  return row!
}

const deps = (source: ContentSource, invalidateCache = vi.fn()) => ({
  db: testDb.db,
  source,
  invalidateCache,
  retryDelayMs: 0,
})

describe('receivePublication', () => {
  it('archives a published legal version at once and records who published which revision', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined)
    const invalidateCache = vi.fn()
    const before = await currentGeneration(testDb.db, 'content')
    const result = await receivePublication(deps(sourceAnswering(doc('terms', 'ru', 2)), invalidateCache), delivery())

    expect(result.outcome).toBe('archived')
    const archived = await getArchivedVersion(testDb.db, 'terms', 'ru', 2)
    expect(archived?.id).toBe(result.archivedVersionId)
    expect(archived?.plainText).toContain('Version 2 text.')
    const row = await deliveryRow(result.deliveryId)
    expect(row).toMatchObject({
      documentId: 'legal.terms.ru.v2',
      documentType: 'legalDocument',
      revision: 'rev-abc',
      operation: 'create',
      publisherId: 'p-lawyer-1',
      kind: 'terms',
      locale: 'ru',
      version: 2,
      approval: { approvedBy: { id: 'p-lawyer-2' } },
      deliveryKey: 'key-1',
      outcome: 'archived',
      archivedVersionId: archived!.id,
      detail: null,
    })
    expect(invalidateCache).toHaveBeenCalled()
    expect(await currentGeneration(testDb.db, 'content')).toBe(before + 1)
  })

  it('records a repeated delivery as already archived, keeping the one archive row', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined)
    const source = () => sourceAnswering(doc('terms', 'en', 2))
    const first = await receivePublication(deps(source()), delivery({ locale: 'en', _id: 'legal.terms.en.v2' }))
    const again = await receivePublication(deps(source()), delivery({ locale: 'en', _id: 'legal.terms.en.v2' }))
    expect(first.outcome).toBe('archived')
    expect(again.outcome).toBe('already-archived')
    expect(again.archivedVersionId).toBe(first.archivedVersionId)
  })

  it('records a conflict when the archive holds other text under the number, and keeps the archived text', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    vi.spyOn(logger, 'info').mockImplementation(() => undefined)
    await archiveVersion(testDb.db, doc('terms', 'ru', 3, 'The text people read first.'))
    const result = await receivePublication(
      deps(sourceAnswering(doc('terms', 'ru', 3, 'A silently rewritten text.'))),
      delivery({ version: 3, _id: 'legal.terms.ru.v3' }),
    )
    expect(result.outcome).toBe('conflict')
    expect((await getArchivedVersion(testDb.db, 'terms', 'ru', 3))?.plainText).toContain('The text people read first.')
    expect((await deliveryRow(result.deliveryId)).detail).toMatch(/different text/)
  })

  it('asks the source once more when the version is not there yet', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined)
    const source = sourceAnswering(null, doc('cookies', 'ru', 1))
    const result = await receivePublication(
      deps(source),
      delivery({ kind: 'cookies', version: 1, _id: 'legal.cookies.ru.v1' }),
    )
    expect(source.calls).toBe(2)
    expect(result.outcome).toBe('archived')
  })

  it('records not-found when the source still has no valid version, archiving nothing', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const result = await receivePublication(
      deps(sourceAnswering(null)),
      delivery({ kind: 'cookies', locale: 'en', version: 7 }),
    )
    expect(result).toMatchObject({ outcome: 'not-found', archivedVersionId: null })
    expect(await getArchivedVersion(testDb.db, 'cookies', 'en', 7)).toBeNull()
  })

  it('records the failure and throws when the source does not answer, so Sanity delivers again', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const before = await recentDeliveries(testDb.db, 1000)
    await expect(
      receivePublication(
        deps(sourceAnswering(new Error('getaddrinfo ENOTFOUND x.api.sanity.io'))),
        delivery({ kind: 'consent', version: 1 }),
      ),
    ).rejects.toThrow('ENOTFOUND')
    const after = await recentDeliveries(testDb.db, 1000)
    expect(after.length).toBe(before.length + 1)
    expect(after[0]).toMatchObject({ outcome: 'failed', kind: 'consent', version: 1 })
    expect(after[0]!.detail).toBeTruthy()
    expect(await getArchivedVersion(testDb.db, 'consent', 'ru', 1)).toBeNull()
  })

  it('records a deletion and other documents without archiving', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined)
    const source = sourceAnswering(doc('privacy', 'ru', 9))
    const deleted = await receivePublication(
      deps(source),
      delivery({ kind: 'privacy', version: 9, operation: 'delete' }),
    )
    const settings = await receivePublication(
      deps(source),
      delivery({ _id: 'siteSettings', _type: 'siteSettings', kind: null, locale: null, version: null }),
    )
    expect(deleted.outcome).toBe('deleted')
    expect(settings.outcome).toBe('cache-invalidated')
    expect(source.calls).toBe(0)
    expect(await getArchivedVersion(testDb.db, 'privacy', 'ru', 9)).toBeNull()
  })

  it('records whether the approval covers the published text', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined)
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const raw = { kind: 'consent', locale: 'en', version: 4, title: 'Consent', body: [], material: true }
    const source = { ...sourceAnswering(doc('consent', 'en', 4)), approvedContent: async () => raw }
    const covered = await receivePublication(
      deps(source),
      delivery({ kind: 'consent', locale: 'en', version: 4, approval: { contentHash: approvedContentHash(raw) } }),
    )
    expect((await deliveryRow(covered.deliveryId)).approvalMatches).toBe(true)

    const other = await receivePublication(
      deps(source),
      delivery({ kind: 'consent', locale: 'en', version: 4, approval: { contentHash: 'f'.repeat(64) } }),
    )
    expect((await deliveryRow(other.deliveryId)).approvalMatches).toBe(false)
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'legal.approval.mismatch' }),
      expect.any(String),
    )

    const none = await receivePublication(
      deps(source),
      delivery({ kind: 'consent', locale: 'en', version: 4, approval: null }),
    )
    expect((await deliveryRow(none.deliveryId)).approvalMatches).toBeNull()
  })

  it('keeps the delivery log append-only', async () => {
    const error = await captureDatabaseError(testDb.db.execute(sql`update sanity_deliveries set outcome = 'archived'`))
    expect(error.message).toMatch(/append-only/)
    const deleting = await captureDatabaseError(testDb.db.execute(sql`delete from sanity_deliveries`))
    expect(deleting.message).toMatch(/append-only/)
  })
})

describe('followContentChanges', () => {
  it('makes another instance read published content again after a delivery reached the first one', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined)
    // The other instance: its own cache over its own view of Sanity.
    let published = [doc('terms', 'ru', 1)]
    const upstream = {
      ...sourceAnswering(null),
      listVersions: async () => published.map(({ body: _body, ...summary }) => summary),
    }
    const otherCache = createCachedContentSource(upstream, { ttlSeconds: 3600 })
    const otherWatch = followContentChanges(testDb.db, () => otherCache.invalidate(), 60 * 60 * 1000)
    await otherWatch.check()
    expect((await otherCache.listVersions('terms', 'ru')).map((v) => v.version)).toEqual([1])

    published = [doc('terms', 'ru', 5), doc('terms', 'ru', 1)]
    // Cached for an hour: without the signal the other instance would not ask again.
    expect((await otherCache.listVersions('terms', 'ru')).map((v) => v.version)).toEqual([1])
    await receivePublication(
      deps(sourceAnswering(doc('terms', 'ru', 5))),
      delivery({ version: 5, _id: 'legal.terms.ru.v5' }),
    )
    await otherWatch.check()
    expect((await otherCache.listVersions('terms', 'ru')).map((v) => v.version)).toEqual([5, 1])
    otherWatch.stop()
  })
})

describe('parseDelivery', () => {
  it('reads the documented projection and the idempotency key', () => {
    expect(
      parseDelivery(
        {
          _id: 'abc',
          _type: 'legalDocument',
          _rev: 'r1',
          kind: 'terms',
          locale: 'en',
          version: 4,
          operation: 'update',
          publishedBy: 'p123',
          approval: { contentHash: 'h' },
        },
        'idem',
      ),
    ).toEqual({
      _id: 'abc',
      _type: 'legalDocument',
      _rev: 'r1',
      kind: 'terms',
      locale: 'en',
      version: 4,
      operation: 'update',
      publishedBy: 'p123',
      approval: { contentHash: 'h' },
      deliveryKey: 'idem',
    })
  })

  it('accepts the old projection and drops fields of the wrong shape instead of refusing the delivery', () => {
    expect(parseDelivery({ _id: 'siteSettings', _type: 'siteSettings' })).toMatchObject({ _id: 'siteSettings' })
    expect(parseDelivery({ _id: 'x', kind: 'novel', locale: 'de', version: -1, operation: 'rename' })).toMatchObject({
      _id: 'x',
      kind: null,
      locale: null,
      version: null,
      operation: null,
    })
  })

  it('refuses a payload without a document id', () => {
    expect(parseDelivery({ _type: 'legalDocument' })).toBeNull()
    expect(parseDelivery(null)).toBeNull()
    expect(parseDelivery([])).toBeNull()
  })
})
