#!/usr/bin/env node
// Runs the vitest suite against a real PostgreSQL server instead of PGlite:
//   node scripts/test-pg.mjs [vitest args…]      e.g. node scripts/test-pg.mjs app/legal app/platform/db
// The server comes from TEST_PG_URL (default: the local trust-auth server).
// The run gets its own throwaway database, handed to the tests as
// DATABASE_URL, so nothing lands in the server's existing databases even if a
// test uses the process-wide database; tests/db.ts creates one more throwaway
// database per test file on the same server, named after the run
// (TEST_DB_PREFIX). All of them are dropped at the end, even after a crash.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'

const serverUrl = process.env.TEST_PG_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/postgres'
const runDatabase = `palitra_run_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`

async function admin(statement) {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

try {
  await admin(`create database "${runDatabase}"`)
} catch (error) {
  console.error(`test-pg: cannot create a database on ${redact(serverUrl)}: ${error.message}`)
  console.error('test-pg: start PostgreSQL or point TEST_PG_URL at a server where this user may CREATE DATABASE.')
  process.exit(1)
}

const url = new URL(serverUrl)
url.pathname = `/${runDatabase}`
console.log(`test-pg: running vitest against PostgreSQL at ${redact(url.toString())}`)

const child = spawn('npx', ['vitest', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: url.toString(), TEST_DB_PREFIX: runDatabase },
})
// Let Ctrl-C reach vitest and still drop the database afterwards.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))

const code = await new Promise((resolve) => {
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)))
  child.on('error', (error) => {
    console.error(`test-pg: could not start vitest: ${error.message}`)
    resolve(1)
  })
})

const leftovers = await databasesOfThisRun().catch(() => [])
if (leftovers.length > 0) {
  console.warn(`test-pg: dropping databases a test file did not close: ${leftovers.join(', ')}`)
}
for (const name of [...leftovers, runDatabase]) {
  try {
    await admin(`drop database if exists "${name}" with (force)`)
  } catch (error) {
    console.error(`test-pg: could not drop ${name}: ${error.message}`)
  }
}
process.exit(code)

async function databasesOfThisRun() {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    const { rows } = await client.query(
      `select datname from pg_database where starts_with(datname, $1) order by datname`,
      [`${runDatabase}_`],
    )
    return rows.map((row) => row.datname)
  } finally {
    await client.end()
  }
}

function redact(value) {
  const parsed = new URL(value)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}
