// The start-up check that local media is shared by every process on one
// PostgreSQL database. Runs on PGlite (npm test) and PostgreSQL (npm run test:pg).
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { mediaDirProbes } from './schema'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import {
  mediaStorageRefusal,
  probeSharedFolder,
  startMediaProbe,
  StartRefused,
  type MediaEnv,
  type MediaProbe,
} from './shared-media.server'

let handle: TestDatabase
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'palitra-shared-media-'))
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
  await fs.rm(scratch, { recursive: true, force: true })
})
const started: MediaProbe[] = []
beforeEach(async () => {
  for (const probe of started.splice(0)) await probe.stop()
  await handle.db.delete(mediaDirProbes)
})

const postgres = 'postgresql://palitra@db.example/palitra'

describe('local media with a shared database', () => {
  const base: MediaEnv = { DATABASE_URL: postgres, S3_BUCKET: undefined, MEDIA_DIR_SHARED: false, dataDir: '/srv/a' }

  it('refuses DATABASE_URL with local media unless it is declared shared, naming S3_BUCKET and MEDIA_DIR_SHARED', () => {
    const refusal = mediaStorageRefusal(base)
    expect(refusal).toMatch(/^Refusing to start/)
    expect(refusal).toContain('S3_BUCKET')
    expect(refusal).toContain('MEDIA_DIR_SHARED=true')
    expect(refusal).toContain(path.join('/srv/a', 'media'))
  })

  it('allows S3 storage, the embedded database, and a declared shared folder', () => {
    expect(mediaStorageRefusal({ ...base, S3_BUCKET: 'palitra-media' })).toBeNull()
    expect(mediaStorageRefusal({ ...base, DATABASE_URL: undefined })).toBeNull()
    expect(mediaStorageRefusal({ ...base, MEDIA_DIR_SHARED: true })).toBeNull()
  })

  it('startMediaProbe refuses before touching the database or the folder, and probes only a declared shared folder', async () => {
    const dataDir = path.join(scratch, 'undeclared')
    await expect(startMediaProbe({ ...base, dataDir }, handle.db)).rejects.toBeInstanceOf(StartRefused)
    await expect(fs.stat(dataDir)).rejects.toThrow()
    expect(await handle.db.select().from(mediaDirProbes)).toEqual([])
    expect(await startMediaProbe({ ...base, dataDir, S3_BUCKET: 'palitra-media' }, handle.db)).toBeNull()

    const probe = await startMediaProbe({ ...base, dataDir, MEDIA_DIR_SHARED: true }, handle.db, { heartbeatMs: 0 })
    if (!probe) throw new Error('expected a probe')
    started.push(probe)
    expect(await fs.readdir(path.join(dataDir, 'media', '.instances'))).toEqual([probe.instanceId])
  })
})

describe('the shared media probe', () => {
  async function probe(folder: string, instanceId: string) {
    const started_ = await probeSharedFolder(handle.db, path.join(scratch, folder), { instanceId, heartbeatMs: 0 })
    started.push(started_)
    return started_
  }

  it('lets any number of processes start on one folder', async () => {
    const a = await probe('one-volume', 'web-a')
    const b = await probe('one-volume', 'web-b')
    const worker = await probe('one-volume', 'worker-1')
    expect(await a.unseen()).toEqual([])
    expect(await b.unseen()).toEqual([])
    expect(await worker.heartbeat()).toEqual([])
    const rows = await handle.db.select({ id: mediaDirProbes.instanceId }).from(mediaDirProbes)
    expect(rows.map((r) => r.id).sort()).toEqual(['web-a', 'web-b', 'worker-1'])
  })

  it('refuses a process on another folder, naming the instance it cannot see, and leaves nothing of it behind', async () => {
    await probe('machine-1', 'web-a')
    const refused = probeSharedFolder(handle.db, path.join(scratch, 'machine-2'), {
      instanceId: 'web-b',
      heartbeatMs: 0,
    })
    await expect(refused).rejects.toBeInstanceOf(StartRefused)
    await expect(refused).rejects.toThrow(/MEDIA_DIR_SHARED=true.*web-a.*S3_BUCKET/s)
    expect(await handle.db.select().from(mediaDirProbes).where(eq(mediaDirProbes.instanceId, 'web-b'))).toEqual([])
    expect(await fs.readdir(path.join(scratch, 'machine-2', '.instances'))).toEqual([])
  })

  it('refuses when the file is there but holds another token (a copied folder, not a shared one)', async () => {
    const a = await probe('original', 'web-a')
    await fs.cp(path.join(scratch, 'original'), path.join(scratch, 'copy'), { recursive: true })
    await probe('original', 'web-c') // a new process on the original volume: the copy lacks it
    await expect(
      probeSharedFolder(handle.db, path.join(scratch, 'copy'), { instanceId: 'web-b', heartbeatMs: 0 }),
    ).rejects.toThrow(/web-c/)
    // Same file name, different token: still not the same volume.
    await fs.writeFile(path.join(scratch, 'copy', '.instances', 'web-c'), 'another token')
    await expect(
      probeSharedFolder(handle.db, path.join(scratch, 'copy'), { instanceId: 'web-b', heartbeatMs: 0 }),
    ).rejects.toThrow(/web-c/)
    expect(await a.unseen()).toEqual([])
  })

  it('ignores processes that stopped renewing their row, and forgets them after a day', async () => {
    await probe('old-machine', 'gone-1')
    await handle.db
      .update(mediaDirProbes)
      .set({ seenAt: sql`now() - interval '10 minutes'` })
      .where(eq(mediaDirProbes.instanceId, 'gone-1'))
    const fresh = await probe('new-machine', 'web-a')
    expect(await fresh.unseen()).toEqual([])

    await handle.db
      .update(mediaDirProbes)
      .set({ seenAt: sql`now() - interval '2 days'` })
      .where(eq(mediaDirProbes.instanceId, 'gone-1'))
    await fresh.heartbeat()
    const rows = await handle.db.select({ id: mediaDirProbes.instanceId }).from(mediaDirProbes)
    expect(rows.map((r) => r.id)).toEqual(['web-a'])
  })

  it('an earlier process notices, on its heartbeat, a live process on another folder', async () => {
    const a = await probe('first', 'web-a')
    // A process that got its row in without the check (an older release, or a race at start).
    await handle.db.insert(mediaDirProbes).values({ instanceId: 'web-z', token: 'elsewhere' })
    expect(await a.heartbeat()).toEqual(['web-z'])
  })

  it('stop() removes its row and its file', async () => {
    const a = await probe('stopping', 'web-a')
    await a.stop()
    started.splice(started.indexOf(a), 1)
    expect(await handle.db.select().from(mediaDirProbes)).toEqual([])
    expect(await fs.readdir(path.join(scratch, 'stopping', '.instances'))).toEqual([])
  })
})
