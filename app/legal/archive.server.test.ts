import { count, sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { legalDocumentVersions } from './schema'
import { logger } from '~/platform/log.server'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../tests/db'
import { archiveVersion, getArchivedVersion, latestArchivedInForce, listArchivedVersions } from './archive.server'
import { renderPlainText, sha256Hex } from './plain-text'
import { resolveRegisterTables } from './register-tables.server'
import type { DocumentKind, LegalDocument } from '~/content/legal-document'
import type { Locale } from '~/platform/i18n/locales'

// One database for the whole file. Archive rows can be neither deleted nor
// truncated, so each test works on its own (kind, locale) or version numbers.

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

function doc(
  kind: DocumentKind,
  locale: Locale,
  version: number,
  overrides: Partial<LegalDocument> = {},
): LegalDocument {
  const text =
    locale === 'ru'
      ? `Редакция ${version}: оператор «Палитра» хранит данные.`
      : `Version ${version}: Palitra keeps data.`
  return {
    id: `${kind}-${locale}-${version}`,
    kind,
    locale,
    version,
    effectiveFrom: '2025-09-01T00:00:00+03:00',
    title: locale === 'ru' ? 'Политика конфиденциальности' : 'Privacy policy',
    changeSummary: null,
    material: false,
    body: [
      {
        _type: 'block',
        _key: 'h',
        style: 'h2',
        markDefs: [],
        children: [{ _type: 'span', text: '1. General', marks: [] }],
      },
      { _type: 'block', _key: 'p', style: 'normal', markDefs: [], children: [{ _type: 'span', text, marks: [] }] },
    ],
    ...overrides,
  }
}

async function rowsFor(kind: DocumentKind, locale: Locale) {
  const [result] = await testDb.db
    .select({ n: count() })
    .from(legalDocumentVersions)
    .where(sql`${legalDocumentVersions.kind} = ${kind} and ${legalDocumentVersions.locale} = ${locale}`)
  return result!.n
}

describe('archiveVersion', () => {
  it('archives a version once with its plain text and hash', async () => {
    const input = doc('privacy', 'ru', 1, { changeSummary: 'Первая редакция', material: true })
    const first = await archiveVersion(testDb.db, input)

    const plainText = renderPlainText(resolveRegisterTables(input))
    expect(first).toMatchObject({
      kind: 'privacy',
      locale: 'ru',
      version: 1,
      effectiveFrom: '2025-08-31T21:00:00.000Z',
      title: 'Политика конфиденциальности',
      changeSummary: 'Первая редакция',
      material: true,
      plainText,
      sha256: sha256Hex(plainText),
      sourceDocumentId: 'privacy-ru-1',
      conflict: false,
    })
    expect(first.body).toEqual(input.body)
    expect(new Date(first.firstSeenAt).toISOString()).toBe(first.firstSeenAt)

    expect(first.created).toBe(true)
    const second = await archiveVersion(testDb.db, structuredClone(input))
    expect(second).toEqual({ ...first, created: false })
    expect(await rowsFor('privacy', 'ru')).toBe(1)
  })

  it('archives one row when the same version is archived concurrently', async () => {
    const input = doc('cookies', 'ru', 1)
    const results = await Promise.all(Array.from({ length: 5 }, () => archiveVersion(testDb.db, input)))
    expect(new Set(results.map((r) => r.id)).size).toBe(1)
    expect(results.every((r) => !r.conflict)).toBe(true)
    // Exactly one of the concurrent calls wrote the row.
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect(await rowsFor('cookies', 'ru')).toBe(1)
  })

  it('keeps the archived text when the source changes a version in place, and logs the conflict', async () => {
    const original = await archiveVersion(testDb.db, doc('privacy', 'en', 1))
    const errorSpy = vi.spyOn(logger, 'error')

    const edited = doc('privacy', 'en', 1, {
      title: 'Privacy policy (edited)',
      body: [
        {
          _type: 'block',
          _key: 'p',
          style: 'normal',
          markDefs: [],
          children: [{ _type: 'span', text: 'Silently rewritten.', marks: [] }],
        },
      ],
    })
    const result = await archiveVersion(testDb.db, edited)

    expect(result.conflict).toBe(true)
    expect(result.created).toBe(false)
    const { conflict: _conflict, created: _created, ...archived } = result
    const { conflict: _original, created: _originalCreated, ...originalRow } = original
    expect(archived).toEqual(originalRow)
    expect(result.title).toBe('Privacy policy')

    const offeredSha256 = sha256Hex(renderPlainText(resolveRegisterTables(edited)))
    expect(errorSpy).toHaveBeenCalledTimes(1)
    expect(errorSpy).toHaveBeenCalledWith(
      expect.objectContaining({
        event: 'legal.archive.conflict',
        kind: 'privacy',
        locale: 'en',
        version: 1,
        archivedSha256: original.sha256,
        offeredSha256,
      }),
      expect.any(String),
    )
    expect(offeredSha256).not.toBe(original.sha256)

    const stored = await getArchivedVersion(testDb.db, 'privacy', 'en', 1)
    expect(stored?.sha256).toBe(original.sha256)
    expect(await rowsFor('privacy', 'en')).toBe(1)
  })

  it('does not call metadata-only differences a conflict, but warns about them', async () => {
    const original = await archiveVersion(testDb.db, doc('consent', 'en', 1))
    const errorSpy = vi.spyOn(logger, 'error')
    const warnSpy = vi.spyOn(logger, 'warn')

    const sameSource = await archiveVersion(testDb.db, doc('consent', 'en', 1, { id: 'consent-en-1-copy' }))
    expect(sameSource.conflict).toBe(false)
    expect(sameSource.sourceDocumentId).toBe(original.sourceDocumentId)
    expect(warnSpy).not.toHaveBeenCalled()

    const moved = await archiveVersion(
      testDb.db,
      doc('consent', 'en', 1, { effectiveFrom: '2026-01-01T00:00:00Z', material: true }),
    )
    expect(moved.conflict).toBe(false)
    expect(moved.effectiveFrom).toBe(original.effectiveFrom)
    expect(moved.material).toBe(false)
    expect(warnSpy).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'legal.archive.metadata_drift', fields: ['effectiveFrom', 'material'] }),
      expect.any(String),
    )
    expect(errorSpy).not.toHaveBeenCalled()
  })
})

describe('the archive in the database', () => {
  it('refuses UPDATE and DELETE of archived versions', async () => {
    const archived = await archiveVersion(testDb.db, doc('terms', 'en', 90))
    const update = await captureDatabaseError(
      testDb.db.execute(sql`update legal_document_versions set plain_text = 'forged' where id = ${archived.id}`),
    )
    expect(update.message).toMatch(/append-only: UPDATE/)
    const del = await captureDatabaseError(
      testDb.db.execute(sql`delete from legal_document_versions where id = ${archived.id}`),
    )
    expect(del.message).toMatch(/append-only: DELETE/)
    expect(await getArchivedVersion(testDb.db, 'terms', 'en', 90)).toEqual(
      expect.objectContaining({ id: archived.id, plainText: archived.plainText }),
    )
  })

  it('refuses a second row for the same kind, locale and version', async () => {
    await archiveVersion(testDb.db, doc('terms', 'en', 91))
    const error = await captureDatabaseError(
      testDb.db.insert(legalDocumentVersions).values({
        kind: 'terms',
        locale: 'en',
        version: 91,
        effectiveFrom: new Date(),
        title: 'Duplicate',
        body: [],
        plainText: 'Duplicate',
        sha256: sha256Hex('Duplicate'),
        sourceDocumentId: 'terms-en-91-copy',
      }),
    )
    expect(error.code).toBe('23505')
  })
})

describe('reading the archive', () => {
  beforeAll(async () => {
    // terms/ru: v1 in force since January, v2 since March, v3 announced for
    // December; v4 was published later but backdated into February.
    const dates = {
      1: '2025-01-01T00:00:00Z',
      2: '2025-03-01T00:00:00Z',
      3: '2025-12-01T00:00:00Z',
      4: '2025-02-15T00:00:00Z',
    }
    for (const [version, effectiveFrom] of Object.entries(dates)) {
      await archiveVersion(testDb.db, doc('terms', 'ru', Number(version), { effectiveFrom }))
    }
  })

  it('gets one exact version, or null', async () => {
    const v2 = await getArchivedVersion(testDb.db, 'terms', 'ru', 2)
    expect(v2).toMatchObject({ version: 2, effectiveFrom: '2025-03-01T00:00:00.000Z' })
    expect(v2?.plainText).toContain('Редакция 2')
    expect(await getArchivedVersion(testDb.db, 'terms', 'ru', 99)).toBeNull()
    expect(await getArchivedVersion(testDb.db, 'terms', 'en', 2)).toBeNull()
  })

  it('lists versions newest first, without body and text', async () => {
    const list = await listArchivedVersions(testDb.db, 'terms', 'ru')
    expect(list.map((v) => v.version)).toEqual([4, 3, 2, 1])
    expect(list[0]).not.toHaveProperty('body')
    expect(list[0]).not.toHaveProperty('plainText')
    expect(list[0]).toMatchObject({ kind: 'terms', locale: 'ru', effectiveFrom: '2025-02-15T00:00:00.000Z' })
    expect(list[0]!.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(await listArchivedVersions(testDb.db, 'consent', 'ru')).toEqual([])
  })

  it('finds the version in force: the highest version whose date has come', async () => {
    const at = async (iso: string) =>
      (await latestArchivedInForce(testDb.db, 'terms', 'ru', new Date(iso)))?.version ?? null
    expect(await at('2024-12-31T23:59:59Z')).toBeNull()
    expect(await at('2025-01-01T00:00:00Z')).toBe(1)
    expect(await at('2025-02-14T00:00:00Z')).toBe(1)
    expect(await at('2025-02-15T00:00:00Z')).toBe(4)
    expect(await at('2025-06-01T00:00:00Z')).toBe(4)
    expect(await at('2026-01-01T00:00:00Z')).toBe(4)
    expect(await latestArchivedInForce(testDb.db, 'consent', 'ru')).toBeNull()
  })
})
