import net from 'node:net'
import type { ServerBuild } from '@remix-run/node'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createDatabase, type DatabaseHandle } from '~/platform/db/client.server'
import { logger } from '~/platform/log.server'
import { createThrowawayPostgresDatabase } from '../../tests/db'
import { guardBuild, unavailableKind } from './unavailable.server'

// Real PostgreSQL: the errors node-postgres and drizzle really throw when the
// database goes away are the ones classified as "service unavailable".

let throwaway: { url: string; drop(): Promise<void> }
let handle: DatabaseHandle
let name: string

async function onServer(statement: string) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

async function failureOf(query: Promise<unknown>): Promise<unknown> {
  try {
    await query
  } catch (error) {
    return error
  }
  throw new Error('expected the query to fail')
}

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

beforeAll(async () => {
  throwaway = await createThrowawayPostgresDatabase()
  name = new URL(throwaway.url).pathname.slice(1)
  handle = await createDatabase({ url: throwaway.url })
})

afterAll(async () => {
  await onServer(`alter database "${name}" allow_connections true`).catch(() => {})
  await handle?.close()
  await throwaway?.drop()
})

describe('a PostgreSQL database that goes away', () => {
  it('terminated and refusing connections: the query errors are "database", and it recovers when allowed again', async () => {
    await handle.db.execute(sql`select 1`)
    await onServer(`alter database "${name}" allow_connections false`)
    await onServer(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`)

    // Until the pool notices, a query may meet the terminated connection; after it, new connections are refused.
    const first = await failureOf(handle.db.execute(sql`select 1`))
    expect(unavailableKind(first)).toBe('database')
    const second = await failureOf(handle.db.execute(sql`select 1`))
    expect(unavailableKind(second)).toBe('database')

    // Through a guarded loader: a 503, not the driver's error.
    vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const build = {
      routes: {
        page: {
          id: 'page',
          module: { default: () => null, loader: () => handle.db.execute(sql`select 1`) },
        },
      },
    } as unknown as ServerBuild
    const loader = guardBuild(build).routes.page!.module.loader!
    const thrown = await failureOf(
      Promise.resolve().then(() => loader({ request: new Request('http://x.example/ru'), params: {}, context: {} })),
    )
    expect((thrown as Response).status).toBe(503)
    expect((thrown as Response).headers.get('Retry-After')).toBeTruthy()
    vi.restoreAllMocks()

    await onServer(`alter database "${name}" allow_connections true`)
    await expect(handle.db.execute(sql`select 1`)).resolves.toBeDefined()
  })

  it('a server that is not listening at all: opening the database fails as "network"', async () => {
    const url = new URL(throwaway.url)
    url.port = String(await closedPort())
    const error = await failureOf(createDatabase({ url: url.toString() }))
    expect(unavailableKind(error)).toBe('network')
  })

  it('an error of the query itself stays an error (a 500 is still a bug to fix)', async () => {
    const error = await failureOf(handle.db.execute(sql`select * from no_such_table`))
    expect(unavailableKind(error)).toBeNull()
  })
})
