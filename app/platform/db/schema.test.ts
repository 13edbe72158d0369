import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../../tests/db'
import { legalDocumentVersions, type NewLegalDocumentVersionRow } from '~/legal/schema'

// The rules the database itself enforces on the legal archive, checked with
// raw SQL so no application code stands in between.

let testDb: TestDatabase
beforeAll(async () => {
  testDb = await createTestDatabase()
})
afterAll(async () => {
  await testDb?.close()
})

function row(overrides: Partial<NewLegalDocumentVersionRow> = {}): NewLegalDocumentVersionRow {
  return {
    kind: 'privacy',
    locale: 'ru',
    version: 1,
    effectiveFrom: new Date('2025-09-01T00:00:00Z'),
    title: 'Политика',
    body: [
      {
        _type: 'block',
        _key: 'a',
        style: 'normal',
        markDefs: [],
        children: [{ _type: 'span', text: 'Текст', marks: [] }],
      },
    ],
    plainText: 'Политика\n\nТекст',
    sha256: 'a'.repeat(64),
    sourceDocumentId: 'privacy-ru-1',
    ...overrides,
  }
}

describe('legal_document_versions', () => {
  const APPEND_ONLY = /append-only/

  beforeAll(async () => {
    await testDb.db.insert(legalDocumentVersions).values(row({ kind: 'consent', locale: 'en', version: 1 }))
  })

  it('fills id and first_seen_at', async () => {
    const [inserted] = await testDb.db
      .insert(legalDocumentVersions)
      .values(row({ kind: 'consent', locale: 'ru', version: 1 }))
      .returning()
    expect(inserted!.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Math.abs(inserted!.firstSeenAt.getTime() - Date.now())).toBeLessThan(60_000)
    expect(inserted!.material).toBe(false)
  })

  it('refuses UPDATE', async () => {
    const error = await captureDatabaseError(
      testDb.db.execute(sql`update legal_document_versions set title = 'rewritten' where kind = 'consent'`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
    expect(error.code).toBe('23001')
    const [kept] = await testDb.db
      .execute(sql`select title from legal_document_versions where kind = 'consent' and locale = 'en'`)
      .then(rowsOf)
    expect(kept).toEqual({ title: 'Политика' })
  })

  it('refuses UPDATE even when no row matches', async () => {
    const error = await captureDatabaseError(
      testDb.db.execute(sql`update legal_document_versions set title = 'x' where version = 999999`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('refuses DELETE', async () => {
    const error = await captureDatabaseError(testDb.db.execute(sql`delete from legal_document_versions`))
    expect(error.message).toMatch(APPEND_ONLY)
    const [count] = await testDb.db.execute(sql`select count(*)::int as n from legal_document_versions`).then(rowsOf)
    expect((count as { n: number }).n).toBeGreaterThanOrEqual(1)
  })

  it('refuses TRUNCATE', async () => {
    // Plain TRUNCATE already fails on the ledger's foreign key; CASCADE gets past
    // that check and reaches the triggers.
    const error = await captureDatabaseError(testDb.db.execute(sql`truncate legal_document_versions cascade`))
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('refuses ON CONFLICT DO UPDATE (an update in disguise)', async () => {
    const error = await captureDatabaseError(
      testDb.db
        .insert(legalDocumentVersions)
        .values(row({ kind: 'consent', locale: 'en', version: 1, title: 'rewritten' }))
        .onConflictDoUpdate({
          target: [legalDocumentVersions.kind, legalDocumentVersions.locale, legalDocumentVersions.version],
          set: { title: 'rewritten' },
        }),
    )
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('keeps (kind, locale, version) unique', async () => {
    const error = await captureDatabaseError(
      testDb.db.insert(legalDocumentVersions).values(row({ kind: 'consent', locale: 'en', version: 1 })),
    )
    expect(error.code).toBe('23505')
    expect(error.constraint).toBe('legal_document_versions_kind_locale_version_key')
  })

  it.each([
    ['kind', sql`'contract'`, 'legal_document_versions_kind_check'],
    ['locale', sql`'de'`, 'legal_document_versions_locale_check'],
    ['version', sql`0`, 'legal_document_versions_version_check'],
    ['sha256', sql`'NOT-A-HASH'`, 'legal_document_versions_sha256_check'],
  ])('checks %s', async (column, value, constraint) => {
    const values = {
      kind: sql`'terms'`,
      locale: sql`'ru'`,
      version: sql`77`,
      sha256: sql`${'b'.repeat(64)}`,
      [column]: value,
    }
    const error = await captureDatabaseError(
      testDb.db.execute(sql`
        insert into legal_document_versions
          (kind, locale, version, effective_from, title, body, plain_text, sha256, source_document_id)
        values
          (${values.kind}, ${values.locale}, ${values.version}, now(), 't', '[]'::jsonb, 't', ${values.sha256}, 'src')
      `),
    )
    expect(error.code).toBe('23514')
    expect(error.constraint).toBe(constraint)
  })
})

// db.execute() returns the driver's own result; both drivers put rows in `rows`.
function rowsOf(result: unknown): unknown[] {
  return (result as { rows: unknown[] }).rows
}
