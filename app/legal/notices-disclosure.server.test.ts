import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { createTestContentSource, legalDoc } from '~/acceptances/__fixtures__/legal-dataset'
import { noticesDisclosed } from './disclosure.server'
import { clearArchivedMemo } from './documents.server'

// Notices of material changes start in a language only once the privacy
// policy in force there holds the notices register table.

const withNoticesTable = {
  ...legalDoc('privacy', 'ru', 2, '2026-09-01T00:00:00Z', true),
  body: [
    ...legalDoc('privacy', 'ru', 2, '2026-09-01T00:00:00Z').body,
    { _type: 'registerTable', _key: 'n', table: 'notices' },
  ],
}

let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>
beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource([
    legalDoc('privacy', 'ru', 1, '2026-01-01T00:00:00Z'),
    withNoticesTable,
    legalDoc('privacy', 'en', 1, '2026-01-01T00:00:00Z'),
  ])
  clearArchivedMemo()
})
afterAll(async () => {
  clearArchivedMemo()
  content?.cleanup()
  await database?.close()
})

const deps = () => ({ db: database.db, source: content.source })

describe('noticesDisclosed', () => {
  it('is false while the policy in force has no notices table, even with one announced', async () => {
    expect(await noticesDisclosed('ru', new Date('2026-08-01T00:00:00Z'), deps())).toBe(false)
  })

  it('is true once the version with the table is in force', async () => {
    expect(await noticesDisclosed('ru', new Date('2026-09-02T00:00:00Z'), deps())).toBe(true)
  })

  it('is judged per language, and false where no policy is in force', async () => {
    expect(await noticesDisclosed('en', new Date('2026-09-02T00:00:00Z'), deps())).toBe(false)
    expect(await noticesDisclosed('en', new Date('2025-01-01T00:00:00Z'), deps())).toBe(false)
  })
})
