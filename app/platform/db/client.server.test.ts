import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resetEnvForTests } from '~/platform/env.server'
import { journalLength, migrationCount } from '../../../tests/db'
import { checkDb, closeDb, createDatabase, getDb } from './client.server'
import { legalDocumentVersions } from '~/legal/schema'

let tmp: string
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'palitra-db-'))
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

const onPostgres = Boolean(process.env.DATABASE_URL?.trim())

describe('createDatabase', () => {
  it('refuses to guess where the database is', async () => {
    await expect(createDatabase({})).rejects.toThrow(/needs a url/)
  })
})

describe('getDb', () => {
  const saved = { DATA_DIR: process.env.DATA_DIR }

  beforeAll(() => {
    // PGlite case: a private DATA_DIR. PostgreSQL case: DATABASE_URL is the
    // test run's throwaway database (scripts/test-pg.mjs).
    process.env.DATA_DIR = path.join(tmp, 'data')
    resetEnvForTests()
  })
  afterAll(async () => {
    await closeDb()
    if (saved.DATA_DIR === undefined) delete process.env.DATA_DIR
    else process.env.DATA_DIR = saved.DATA_DIR
    resetEnvForTests()
  })

  it('hands every caller the same migrated database', async () => {
    const [a, b] = await Promise.all([getDb(), getDb()])
    expect(a).toBe(b)
    await expect(checkDb()).resolves.toBeUndefined()
    if (!onPostgres) {
      await expect(fs.stat(path.join(tmp, 'data', 'pglite', 'PG_VERSION'))).resolves.toBeTruthy()
      await a.insert(legalDocumentVersions).values(sampleRow)
    }
  })

  it('opens the database again after closeDb(), without re-running migrations', async () => {
    const before = await getDb()
    await closeDb()
    const after = await getDb()
    expect(after).not.toBe(before)
    await expect(checkDb()).resolves.toBeUndefined()
    expect(await migrationCount(after)).toBe(await journalLength())
    if (!onPostgres) {
      // The PGlite directory under DATA_DIR kept what was written before.
      const rows = await after.select().from(legalDocumentVersions)
      expect(rows.map((r) => r.sourceDocumentId)).toEqual([sampleRow.sourceDocumentId])
    }
  })
})

const sampleRow = {
  kind: 'terms',
  locale: 'en',
  version: 1,
  effectiveFrom: new Date('2025-01-01T00:00:00Z'),
  title: 'Terms',
  body: [],
  plainText: 'Terms',
  sha256: 'c'.repeat(64),
  sourceDocumentId: 'client-test-terms-en-1',
} satisfies typeof legalDocumentVersions.$inferInsert
