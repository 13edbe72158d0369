import fs from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres'
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { getEnv } from '~/platform/env.server'
import { logger } from '~/platform/log.server'

/** A drizzle database over either driver; code that takes a `db` takes this. */
export type Database = PgDatabase<PgQueryResultHKT>

export type DatabaseHandle = {
  db: Database
  driver: 'pglite' | 'postgres'
  close(): Promise<void>
}

export type CreateDatabaseOptions = {
  /** postgres:// URL: node-postgres pool. Wins over the other options. */
  url?: string
  /** PGlite data directory (created when missing). */
  dataDir?: string
  /** In-memory PGlite, gone on close. */
  memory?: boolean
  /** An open PGlite to migrate and wrap (tests start one from a migrated template); closed on close. */
  pglite?: PGlite
  /** Defaults to `<cwd>/drizzle`. */
  migrationsFolder?: string
}

// Any fixed 64-bit number shared by every Palitra process: holders of this
// advisory lock are the only ones running migrations against the database.
const MIGRATION_LOCK_KEY = '7202509010152'

export function defaultMigrationsFolder() {
  return path.resolve(process.cwd(), 'drizzle')
}

/** Opens a database and applies pending migrations before handing it out. */
export async function createDatabase(options: CreateDatabaseOptions): Promise<DatabaseHandle> {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder()
  if (options.url) return openPostgres(options.url, migrationsFolder)
  if (options.pglite) return wrapPglite(options.pglite, migrationsFolder)
  if (options.memory || options.dataDir) {
    const dataDir = options.memory ? undefined : options.dataDir
    if (dataDir) await fs.mkdir(dataDir, { recursive: true })
    return wrapPglite(await PGlite.create(dataDir), migrationsFolder)
  }
  throw new Error('createDatabase needs a url, a dataDir, memory: true or a pglite instance')
}

async function openPostgres(url: string, migrationsFolder: string): Promise<DatabaseHandle> {
  // A bounded connect wait: /readyz must answer "not ready", not hang.
  const pool = new pg.Pool({ connectionString: url, application_name: 'palitra', connectionTimeoutMillis: 10_000 })
  // An idle client losing its connection emits 'error' on the pool; unhandled,
  // that would crash the process instead of failing the next query.
  pool.on('error', (error) => logger.error({ err: error, event: 'db.pool.error' }, 'idle database connection failed'))
  try {
    await migratePostgres(pool, migrationsFolder)
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }
  return {
    db: drizzleNodePg({ client: pool }),
    driver: 'postgres',
    close: () => pool.end(),
  }
}

// Several processes may start at once against one database. The migrator
// reads the last applied migration before its transaction, so it is guarded by
// a session-level advisory lock held on one dedicated connection.
async function migratePostgres(pool: pg.Pool, migrationsFolder: string) {
  const client = await pool.connect()
  let broken: Error | undefined
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    try {
      await migrateNodePg(drizzleNodePg({ client }), { migrationsFolder })
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
    }
  } catch (error) {
    broken = error instanceof Error ? error : new Error(String(error))
    throw error
  } finally {
    // A connection that failed may still hold the lock: destroy it, don't pool it.
    client.release(broken)
  }
}

async function wrapPglite(client: PGlite, migrationsFolder: string): Promise<DatabaseHandle> {
  try {
    const db = drizzlePglite({ client })
    // One PGlite instance is one connection, so there is nothing to race with.
    await migratePglite(db, { migrationsFolder })
    return { db, driver: 'pglite', close: () => client.close() }
  } catch (error) {
    await client.close().catch(() => {})
    throw error
  }
}

// The process-wide database lives on globalThis so Vite's dev reloads reuse
// it instead of opening a second PGlite on the same directory (which corrupts
// it) or leaking pools.
const GLOBAL_KEY = Symbol.for('palitra.db')
type Holder = { handle?: Promise<DatabaseHandle> }
const globalHolder = globalThis as unknown as Record<symbol, Holder | undefined>
const holder: Holder = globalHolder[GLOBAL_KEY] ?? (globalHolder[GLOBAL_KEY] = {})

function optionsFromEnv(): CreateDatabaseOptions {
  const env = getEnv()
  // PGlite is single-process: running several instances needs DATABASE_URL.
  return env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: path.join(env.dataDir, 'pglite') }
}

function getHandle(): Promise<DatabaseHandle> {
  if (holder.handle) return holder.handle
  // Concurrent first callers share this promise, hence one migration run.
  const handle = createDatabase(optionsFromEnv())
  holder.handle = handle
  handle.catch((error: unknown) => {
    // Let the next caller try again (e.g. the server was still starting).
    if (holder.handle === handle) holder.handle = undefined
    logger.error({ err: error, event: 'db.open.failed' }, 'could not open the database')
  })
  return handle
}

/** The process-wide database (PGlite under DATA_DIR, or PostgreSQL via DATABASE_URL), migrated. */
export async function getDb(): Promise<Database> {
  return (await getHandle()).db
}

/** Throws when the database cannot answer (for /readyz). */
export async function checkDb(): Promise<void> {
  const db = await getDb()
  await db.execute(sql`select 1`)
}

/** Closes the process-wide database; the next getDb() opens it again. */
export async function closeDb(): Promise<void> {
  const handle = holder.handle
  holder.handle = undefined
  if (!handle) return
  const opened = await handle.catch(() => undefined)
  await opened?.close()
}
