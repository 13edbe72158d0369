import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { createTestContentSource, legalDoc } from '~/acceptances/__fixtures__/legal-dataset'
import { archiveVersion } from '~/legal/archive.server'
import { ContentUnavailableError, type ContentSource } from '~/content/source'
import { renderPlainText, sha256Hex } from '~/legal/plain-text'
import { checkArchive, type ArchiveCheckEntry } from './archive-check.server'

// The archive is filled from one dataset; the check then runs against sources
// that have since changed, lost or failed to serve some of those versions.

const original = [
  legalDoc('terms', 'ru', 1, '2026-01-01T00:00:00Z'),
  legalDoc('terms', 'ru', 2, '2026-03-01T00:00:00Z', true),
  legalDoc('privacy', 'ru', 1, '2026-01-01T00:00:00Z'),
  legalDoc('privacy', 'en', 1, '2026-01-01T00:00:00Z'),
]

let database: TestDatabase
const cleanups: Array<() => void> = []

function sourceOf(documents: unknown[]) {
  const content = createTestContentSource(documents)
  cleanups.push(content.cleanup)
  return content.source
}

/** Wraps a source to count what the check asks it. */
function counting(source: ContentSource) {
  const calls = { health: 0, list: [] as string[], get: [] as string[] }
  const wrapped: ContentSource = {
    ...source,
    name: source.name,
    checkHealth: () => {
      calls.health += 1
      return source.checkHealth()
    },
    listVersions: (kind, locale) => {
      calls.list.push(`${kind}/${locale}`)
      return source.listVersions(kind, locale)
    },
    getDocument: (kind, locale, version) => {
      calls.get.push(`${kind}/${locale}/v${version}`)
      return source.getDocument(kind, locale, version)
    },
  }
  return { source: wrapped, calls }
}

const summary = (entries: ArchiveCheckEntry[]) =>
  Object.fromEntries(entries.map((e) => [`${e.kind}/${e.locale}/v${e.version}`, e.state]))

beforeAll(async () => {
  database = await createTestDatabase()
  const source = sourceOf(original)
  for (const d of original) {
    const doc = await source.getDocument(d.kind as 'terms', d.locale as 'ru', d.version)
    await archiveVersion(database.db, doc!)
  }
})

afterAll(async () => {
  for (const cleanup of cleanups) cleanup()
  await database?.close()
})

describe('checkArchive', () => {
  it('reports matches when the source still holds every archived text', async () => {
    const result = await checkArchive(database.db, sourceOf(original), new Date('2026-06-01T00:00:00Z'))
    expect(result).toMatchObject({ source: 'local', reachable: true, checkedAt: '2026-06-01T00:00:00.000Z' })
    expect(result.counts).toEqual({ matches: 4, differs: 0, missing: 0, unavailable: 0 })
    expect(result.entries.every((e) => e.sourceSha256 === null)).toBe(true)
  })

  it('tells a changed text and a vanished version apart, hashing the text the way the archive does', async () => {
    const changed = legalDoc('terms', 'ru', 2, '2026-03-01T00:00:00Z', true)
    changed.body[0]!.children[0]!.text = 'Text of terms ru version 2, quietly edited.'
    const now = [original[0], changed, original[3]] // privacy ru v1 is gone
    const { source, calls } = counting(sourceOf(now))

    const result = await checkArchive(database.db, source)
    expect(summary(result.entries)).toEqual({
      'privacy/en/v1': 'matches',
      'privacy/ru/v1': 'missing',
      'terms/ru/v2': 'differs',
      'terms/ru/v1': 'matches',
    })
    const differs = result.entries.find((e) => e.state === 'differs')!
    expect(differs.sourceSha256).toBe(sha256Hex(renderPlainText({ title: changed.title, body: changed.body as never })))
    expect(differs.sourceSha256).not.toBe(differs.archivedSha256)
    expect(result.counts).toEqual({ matches: 2, differs: 1, missing: 1, unavailable: 0 })

    // One listing per kind and language; a version the listing lacks is never fetched.
    expect(calls.health).toBe(1)
    expect(calls.list.sort()).toEqual(['privacy/en', 'privacy/ru', 'terms/ru'])
    expect(calls.get.sort()).toEqual(['privacy/en/v1', 'terms/ru/v1', 'terms/ru/v2'])
  })

  it('answers unavailable for everything, without asking for documents, when the source is down', async () => {
    const down = new ContentUnavailableError('connection refused')
    const { source, calls } = counting({
      ...sourceOf(original),
      name: 'sanity',
      checkHealth: () => Promise.reject(down),
    })
    const result = await checkArchive(database.db, source)
    expect(result.reachable).toBe(false)
    expect(result.source).toBe('sanity')
    expect(result.counts).toEqual({ matches: 0, differs: 0, missing: 0, unavailable: 4 })
    expect(calls.list).toEqual([])
    expect(calls.get).toEqual([])
  })

  it('marks only the versions it could not read as unavailable when the source fails part-way', async () => {
    const healthy = sourceOf(original)
    const source: ContentSource = {
      ...healthy,
      name: healthy.name,
      listVersions: (kind, locale) =>
        kind === 'privacy' && locale === 'en'
          ? Promise.reject(new Error('timeout'))
          : healthy.listVersions(kind, locale),
      getDocument: (kind, locale, version) =>
        kind === 'terms' && version === 2
          ? Promise.reject(new ContentUnavailableError('timeout'))
          : healthy.getDocument(kind, locale, version),
    }
    const result = await checkArchive(database.db, source)
    expect(summary(result.entries)).toEqual({
      'privacy/en/v1': 'unavailable',
      'privacy/ru/v1': 'matches',
      'terms/ru/v2': 'unavailable',
      'terms/ru/v1': 'matches',
    })
  })
})
