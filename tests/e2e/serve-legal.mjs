#!/usr/bin/env node
// The "legal" end-to-end server: the production build on PostgreSQL instead of
// the embedded database, because legal-admin.spec.ts runs `npm run grant-role`
// against the server's database while the server keeps running (the embedded
// database allows one process only). The database named by --database-url is
// created here and dropped again when Playwright stops the server.
//   node tests/e2e/serve-legal.mjs --port 4705 --dataset FILE --database-url postgresql://…/palitra_e2e_legal_x
import { parseArgs } from 'node:util'
import pg from 'pg'
import { startProductionServer } from './support/production-server.mjs'

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    dataset: { type: 'string' },
    'database-url': { type: 'string' },
  },
})
const port = Number(values.port)
const url = values['database-url'] ? new URL(values['database-url']) : null
const name = url?.pathname.slice(1) ?? ''
if (!Number.isInteger(port) || port <= 0 || !url || !/^palitra_e2e_[a-z0-9_]+$/.test(name)) {
  console.error(
    'usage: node tests/e2e/serve-legal.mjs --port N [--dataset file.ndjson] --database-url postgresql://host/palitra_e2e_…',
  )
  process.exit(2)
}

// Statements about the database run on the server's maintenance database.
const maintenance = new URL(url)
maintenance.pathname = '/postgres'

async function onServer(statement) {
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

const dropDatabase = () => onServer(`drop database if exists "${name}" with (force)`)

try {
  await onServer(`create database "${name}"`)
} catch (error) {
  console.error(`serve-legal: cannot create the database ${name} on ${maintenance.host}: ${error.message}`)
  console.error('serve-legal: the "legal" project needs PostgreSQL (TEST_PG_URL, default 127.0.0.1:5432).')
  process.exit(1)
}

let server
try {
  server = await startProductionServer({
    port,
    dataset: values.dataset,
    env: {
      DATABASE_URL: url.toString(),
      // One instance with local media: its folder is trivially shared (the start still checks it).
      MEDIA_DIR_SHARED: 'true',
    },
  })
} catch (error) {
  await dropDatabase().catch(() => {})
  throw error
}
console.log(`palitra e2e server ready at ${server.url} on PostgreSQL database ${name}`)

let stopping = false
const stop = async (code) => {
  if (stopping) return
  stopping = true
  await server.stop()
  await dropDatabase().catch((error) => console.error(`serve-legal: could not drop ${name}: ${error.message}`))
  process.exit(code)
}
process.on('SIGTERM', () => void stop(0))
process.on('SIGINT', () => void stop(0))
server.child.once('exit', (code) => {
  if (stopping) return
  console.error(`the Palitra server exited unexpectedly (${code})`)
  void stop(1)
})
