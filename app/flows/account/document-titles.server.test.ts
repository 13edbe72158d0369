import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { TIMELINE, createTestContentSource } from '~/acceptances/__fixtures__/legal-dataset'
import { currentVersionsForAcceptance } from '~/acceptances/current-versions.server'
import { titleInLanguage } from './document-titles.server'

// The fixture's titles name their language: "consent ru v1", "consent en v1".
let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>

beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource()
  const deps = { db: database.db, source: content.source }
  // Serving the versions in force archives them: consent v1 in both languages, terms v4 in Russian only.
  for (const locale of ['ru', 'en'] as const) {
    await currentVersionsForAcceptance(['consent', 'terms'], locale, { now: TIMELINE.jun, deps })
  }
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

describe('titleInLanguage', () => {
  it('gives the title of the same version in the page’s language', async () => {
    const accepted = { kind: 'consent' as const, version: 1, locale: 'ru' as const, title: 'consent ru v1' }
    expect(await titleInLanguage(database.db, accepted, 'en')).toBe('consent en v1')
    expect(await titleInLanguage(database.db, accepted, 'ru')).toBe('consent ru v1')
  })

  it('keeps the title it was accepted under when that version has no text in the page’s language', async () => {
    const accepted = { kind: 'terms' as const, version: 4, locale: 'ru' as const, title: 'terms ru v4' }
    expect(await titleInLanguage(database.db, accepted, 'en')).toBe('terms ru v4')
  })
})
