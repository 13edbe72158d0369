import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import type * as Archive from './archive.server'
import { createLocalContentSource } from '~/content/local.server'
import { getPolicyPage } from './documents.server'

// The database going away while a policy page is being served
// (docs/decisions/017): the archive list this process read earlier still holds.

const outage = vi.hoisted(() => ({ on: false }))
vi.mock('./archive.server', async (importOriginal) => {
  const original = await importOriginal<typeof Archive>()
  return {
    ...original,
    listArchivedVersions: (...args: Parameters<typeof original.listArchivedVersions>) => {
      if (!outage.on) return original.listArchivedVersions(...args)
      // What node-postgres throws after pg_terminate_backend, wrapped by drizzle.
      const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      })
      return Promise.reject(new Error('Failed query: select …', { cause: terminated }))
    },
  }
})

const NOW = new Date('2026-06-01T12:00:00Z')
let database: TestDatabase
let dir: string
let source: ReturnType<typeof createLocalContentSource>

beforeAll(async () => {
  database = await createTestDatabase()
  dir = mkdtempSync(path.join(tmpdir(), 'palitra-outage-'))
  const file = path.join(dir, 'dataset.ndjson')
  const doc = {
    _id: 'legal.privacy.en.v1',
    _type: 'legalDocument',
    kind: 'privacy',
    locale: 'en',
    version: 1,
    effectiveFrom: '2026-01-01T00:00:00Z',
    title: 'Policy',
    material: false,
    changeSummary: null,
    body: [
      {
        _type: 'block',
        _key: 'p',
        style: 'normal',
        markDefs: [],
        children: [{ _type: 'span', text: 'We keep logs.', marks: [] }],
      },
    ],
  }
  writeFileSync(file, JSON.stringify(doc) + '\n')
  source = createLocalContentSource(file, { watch: false })
})

afterAll(async () => {
  vi.useRealTimers()
  source.close()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a policy page while the database is away', () => {
  it('is served from what this process read before, however long ago; unread pages still fail', async () => {
    const deps = { db: database.db, source }
    // The first serve archives the version (and forgets the list); the second reads the list again.
    expect((await getPolicyPage('privacy', 'en', NOW, deps)).state).toBe('ok')
    expect((await getPolicyPage('privacy', 'en', NOW, deps)).state).toBe('ok')

    outage.on = true
    // Long after the list was read: it would be read again now.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 10 * 60_000)
    const later = await getPolicyPage('privacy', 'en', NOW, deps)
    expect(later.state === 'ok' && later.document.plainText).toContain('We keep logs.')

    // Nothing read before: the database's error stands (the route answers 503 for it).
    await expect(getPolicyPage('terms', 'en', NOW, deps)).rejects.toThrow(/Failed query/)
    outage.on = false
  })
})
