import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { afterAll, beforeAll, expect } from 'vitest'
import {
  createDatabase,
  defaultMigrationsFolder,
  type Database,
  type DatabaseHandle,
} from '~/platform/db/client.server'

export type TestDatabase = { db: Database; driver: 'pglite' | 'postgres'; close(): Promise<void> }

/**
 * A fresh, migrated database for one test file. With DATABASE_URL set (see
 * scripts/test-pg.mjs) it is a throwaway database on that server, dropped on
 * close; otherwise an in-memory PGlite. Create one per file (beforeAll), not
 * per test: opening and migrating takes a while.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!process.env.DATABASE_URL?.trim()) {
    const handle = await createPgliteTestDatabase()
    return { db: handle.db, driver: handle.driver, close: () => handle.close() }
  }

  const server = await createThrowawayPostgresDatabase()
  try {
    const handle = await createDatabase({ url: server.url })
    return {
      db: handle.db,
      driver: handle.driver,
      close: async () => {
        await handle.close()
        await server.drop()
      },
    }
  } catch (error) {
    await server.drop()
    throw error
  }
}

// initdb dominates a fresh PGlite's start (seconds, more on a busy machine).
// The first test file that needs a database dumps a migrated one to
// node_modules/.cache; later files and runs load that image instead
// (about half a second). The cache key covers the PGlite build and every
// migration, so a new migration or PGlite release builds a new image.
const TEMPLATE_DIR = path.resolve('node_modules/.cache/palitra-test-db')

async function createPgliteTestDatabase(): Promise<DatabaseHandle> {
  const file = path.join(TEMPLATE_DIR, `pglite-${await templateKey()}.tar.gz`)
  const image = await fs.readFile(file).catch(() => undefined)
  if (image) {
    try {
      return await createDatabase({ pglite: await PGlite.create({ loadDataDir: new Blob([image]) }) })
    } catch {
      // An unreadable or unusable image: build a fresh one below.
    }
  }
  const client = await PGlite.create()
  const handle = await createDatabase({ pglite: client })
  await saveTemplate(file, await client.dumpDataDir('gzip'))
  return handle
}

async function saveTemplate(file: string, image: Blob) {
  try {
    await fs.mkdir(TEMPLATE_DIR, { recursive: true })
    // Write then rename: files running in parallel never read half an image.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    await fs.writeFile(partial, Buffer.from(await image.arrayBuffer()))
    await fs.rename(partial, file)
    // Drop images of older migrations or PGlite builds.
    for (const name of await fs.readdir(TEMPLATE_DIR)) {
      const other = path.join(TEMPLATE_DIR, name)
      if (other !== file && name.startsWith('pglite-') && name.endsWith('.tar.gz')) await fs.rm(other, { force: true })
    }
  } catch {
    // Only a cache: the next file builds its own database.
  }
}

async function templateKey(): Promise<string> {
  const hash = createHash('sha256')
  const pgliteEntry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  const pgliteRoot = pgliteEntry.slice(0, pgliteEntry.lastIndexOf(`${path.sep}dist${path.sep}`))
  hash.update(await fs.readFile(path.join(pgliteRoot, 'package.json')))
  const folder = defaultMigrationsFolder()
  for (const name of (await fs.readdir(folder, { recursive: true })).sort()) {
    const stat = await fs.stat(path.join(folder, name))
    if (stat.isFile()) hash.update(name).update(await fs.readFile(path.join(folder, name)))
  }
  return hash.digest('hex').slice(0, 16)
}

/**
 * An empty database (no migrations) on the DATABASE_URL server, for tests of
 * the migration itself. Its name starts with TEST_DB_PREFIX so the runner can
 * sweep up after a crashed test file.
 */
/**
 * The database of a *.pg.test.ts file: a throwaway PostgreSQL database opened
 * before the file's tests (refusing PGlite: these tests are about what a real
 * server does with several connections) and dropped after them. Read `db` in
 * the tests, not at the file's top level.
 */
export function postgresDatabaseForFile(): { readonly db: Database } {
  let handle: TestDatabase | undefined
  beforeAll(async () => {
    handle = await createTestDatabase()
    expect(handle.driver).toBe('postgres')
  })
  afterAll(async () => {
    await handle?.close()
  })
  return {
    get db() {
      if (!handle) throw new Error('postgresDatabaseForFile: the database opens in beforeAll')
      return handle.db
    },
  }
}

export async function createThrowawayPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL?.trim()
  if (!serverUrl) throw new Error('createThrowawayPostgresDatabase needs DATABASE_URL')
  const prefix = process.env.TEST_DB_PREFIX ?? 'palitra_test'
  const name = `${prefix}_${randomBytes(5).toString('hex')}`
  await onServer(serverUrl, `create database "${name}"`)

  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    // FORCE (PostgreSQL 13+) ends connections a failed test may have left open.
    drop: () => onServer(serverUrl, `drop database if exists "${name}" with (force)`),
  }
}

async function onServer(serverUrl: string, statement: string) {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

export type DatabaseErrorInfo = { code?: string; constraint?: string; message: string }

/**
 * Awaits a query that must fail and returns the database's own error (drizzle
 * wraps it in a DrizzleQueryError whose cause is the driver error). Both
 * drivers report the SQLSTATE `code` and, for constraint errors, `constraint`.
 */
export async function captureDatabaseError(query: PromiseLike<unknown>): Promise<DatabaseErrorInfo> {
  try {
    await query
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
    const info = cause as Partial<DatabaseErrorInfo> & { message?: unknown }
    return { code: info.code, constraint: info.constraint, message: String(info.message ?? cause) }
  }
  throw new Error('expected the query to fail, but it succeeded')
}

/** How many migrations the database has recorded as applied. */
export async function migrationCount(db: Database) {
  const result = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
  return (result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n
}

/** How many migrations the drizzle/ folder holds. */
export async function journalLength() {
  const journal = JSON.parse(await fs.readFile(path.join(defaultMigrationsFolder(), 'meta/_journal.json'), 'utf8'))
  return (journal.entries as unknown[]).length
}

/**
 * Under `npm run test:pg`, points the process-wide database (getDb) of this
 * test file at a fresh database of its own, so files with different content
 * datasets never share a legal archive. Call it in beforeAll before getDb();
 * returns the cleanup for afterAll (a no-op on PGlite, where every file
 * already has its own DATA_DIR).
 */
export async function isolateProcessDatabase(): Promise<() => Promise<void>> {
  if (!process.env.DATABASE_URL?.trim()) return async () => {}
  const own = await createThrowawayPostgresDatabase()
  process.env.DATABASE_URL = own.url
  const { resetEnvForTests } = await import('~/platform/env.server')
  resetEnvForTests()
  return own.drop
}
