// Start-up checks of a deployment on one PostgreSQL database with local
// media (DATA_DIR/media): the production build (build/server-entry.js) and
// the worker (build/worker-entry.js) refuse to start unless the folder is
// declared shared, and refuse a declared folder they cannot see the other
// instances in. Run with `npm run test:scale` (after `npm run build`).
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { freePort } from '../e2e/support/production-server.mjs'
import { createThrowawayDatabase, startWebProcess, startWorkerProcess } from './support.mjs'

let db
const running = []
const dataDirs = []

before(async () => {
  db = await createThrowawayDatabase()
})
after(async () => {
  for (const process of running) await process.stop().catch(() => {})
  await db?.drop()
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
})

function dataDir(name) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `palitra-start-${name}-`))
  dataDirs.push(dir)
  return dir
}

const secret = randomBytes(32).toString('hex')

async function web(dir, env = {}) {
  const port = await freePort()
  const started = await startWebProcess({
    port,
    dataDir: dir,
    env: {
      DATABASE_URL: db.url,
      SESSION_SECRET: secret,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      S3_BUCKET: '',
      SANITY_PROJECT_ID: '',
      TBANK_TERMINAL_KEY: '',
      TBANK_PASSWORD: '',
      IMAGE_ENGINE: 'local',
      ...env,
    },
  })
  running.push(started)
  return started
}

function worker(dir, env = {}) {
  const started = startWorkerProcess({
    DATA_DIR: dir,
    DATABASE_URL: db.url,
    SESSION_SECRET: secret,
    PUBLIC_URL: 'http://127.0.0.1:9',
    S3_BUCKET: '',
    TBANK_TERMINAL_KEY: '',
    TBANK_PASSWORD: '',
    IMAGE_ENGINE: 'local',
    ...env,
  })
  running.push(started)
  return started
}

test('a web instance on PostgreSQL with local media and no declaration refuses to start, naming S3_BUCKET and MEDIA_DIR_SHARED', async () => {
  const instance = await web(dataDir('undeclared'), { MEDIA_DIR_SHARED: '' })
  assert.equal(instance.started, false, 'it must not serve')
  const { code } = await instance.exited
  assert.equal(code, 1)
  assert.match(instance.output(), /Refusing to start/)
  assert.match(instance.output(), /S3_BUCKET/)
  assert.match(instance.output(), /MEDIA_DIR_SHARED=true/)
})

test('a web instance in production on PostgreSQL without SESSION_SECRET refuses to start, naming it', async () => {
  const instance = await web(dataDir('no-secret'), { MEDIA_DIR_SHARED: 'true', SESSION_SECRET: '' })
  assert.equal(instance.started, false, 'it must not serve')
  const { code } = await instance.exited
  assert.equal(code, 1)
  assert.match(instance.output(), /Refusing to start: SESSION_SECRET is required in production with DATABASE_URL/)
})

test('npm run worker on PostgreSQL with local media and no declaration refuses to start the same way', async () => {
  const process = worker(dataDir('undeclared-worker'), { MEDIA_DIR_SHARED: '' })
  await assert.rejects(process.started, /exited \(1\)/)
  assert.match(process.output(), /Refusing to start.*S3_BUCKET.*MEDIA_DIR_SHARED=true/s)
})

test('with MEDIA_DIR_SHARED=true, instances and workers on one folder start, and one on another folder is refused', async () => {
  const volume = dataDir('volume')
  const first = await web(volume, { MEDIA_DIR_SHARED: 'true' })
  assert.equal(first.started, true, first.output())
  const sameFolderWorker = worker(volume, { MEDIA_DIR_SHARED: 'true' })
  await sameFolderWorker.started
  const second = await web(volume, { MEDIA_DIR_SHARED: 'true' })
  assert.equal(second.started, true, second.output())
  const probes = await db.query(`select instance_id from media_dir_probes`)
  assert.equal(probes.length, 3)

  // Another machine whose DATA_DIR/media is a folder of its own.
  const elsewhere = await web(dataDir('other-machine'), { MEDIA_DIR_SHARED: 'true' })
  assert.equal(elsewhere.started, false, 'it must not serve')
  assert.equal((await elsewhere.exited).code, 1)
  assert.match(elsewhere.output(), /Refusing to start: MEDIA_DIR_SHARED=true/)
  for (const { instance_id: id } of probes) assert.ok(elsewhere.output().includes(id), `names ${id}`)
  const elsewhereWorker = worker(dataDir('other-worker'), { MEDIA_DIR_SHARED: 'true' })
  await assert.rejects(elsewhereWorker.started, /exited \(1\)/)
  assert.match(elsewhereWorker.output(), /Refusing to start: MEDIA_DIR_SHARED=true/)
  // The refused ones left no record behind.
  assert.equal((await db.query(`select instance_id from media_dir_probes`)).length, 3)

  // A clean stop removes the instance's record.
  await second.stop()
  await sameFolderWorker.stop()
  assert.equal((await db.query(`select instance_id from media_dir_probes`)).length, 1)
})
