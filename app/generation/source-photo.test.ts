// A job made from an uploaded photo never runs without it. Runs on PGlite
// (npm test) and on PostgreSQL (npm run test:pg), through tests/db.ts.
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { balanceOf, creditHistory } from '~/credits/movements.server'
import { generationImages, generationJobs } from './schema'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { fakeImages, guestWithCredits, memoryStorage, scriptedEngine, testWorker } from '../../tests/support/generation'
import { createJob, jobStatus, sourceImageKey, type NewJob } from './jobs.server'

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})
beforeEach(async () => {
  await handle.db.execute(sql`update generation_jobs set status = 'canceled' where status in ('queued', 'running')`)
})

const photo = { bytes: Buffer.from('the uploaded photo'), mimeType: 'image/webp' as const, width: 64, height: 64 }
const request: NewJob = { prompt: 'my cat as a knight', style: 'none', aspectRatio: '1:1', count: 2, photo }

function worker(storage: ReturnType<typeof memoryStorage>, engine: ReturnType<typeof scriptedEngine>) {
  return testWorker({ db: handle.db, storage, engine })
}

async function refundsOf(owner: `guest:${string}` | `user:${string}`) {
  return (await creditHistory(handle.db, owner)).filter((m) => m.reason === 'refund')
}

describe('a job whose uploaded photo cannot be read', () => {
  it('fails and is refunded once when the photo is missing from the storage the worker sees, and the engine is never called', async () => {
    const { db } = handle
    // The web instance stored the photo where this worker cannot see it (its own local folder).
    const webStorage = memoryStorage()
    const workerStorage = memoryStorage()
    const engine = scriptedEngine((input) => fakeImages(input.count))
    const generator = await guestWithCredits(db, 5)
    const created = await createJob(db, webStorage, engine, generator, request, { maxAttempts: 3 })
    if (!created.ok) throw new Error('expected a job')
    expect(webStorage.objects.has(sourceImageKey(created.job.id))).toBe(true)

    expect(await worker(workerStorage, engine).runOnce()).toBe(true)

    expect(engine.calls).toHaveLength(0)
    const status = await jobStatus(db, created.job.id, generator.owner)
    expect(status).toMatchObject({
      job: { status: 'failed', failureCode: 'photo-unavailable', refundedCredits: 2, images: [] },
      balance: 5,
    })
    expect(await db.select().from(generationImages).where(eq(generationImages.jobId, created.job.id))).toEqual([])
    expect(workerStorage.objects.size).toBe(0)
    // Nothing claims it again, and the refund is not repeated.
    expect(await worker(workerStorage, engine).runOnce()).toBe(false)
    expect(await refundsOf(generator.owner)).toHaveLength(1)
    expect(await balanceOf(db, generator.owner)).toBe(5)
  })

  it('retries a storage that fails to answer, then fails and refunds once after the last attempt', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const engine = scriptedEngine((input) => fakeImages(input.count))
    const generator = await guestWithCredits(db, 2)
    const created = await createJob(db, storage, engine, generator, request, { maxAttempts: 2 })
    if (!created.ok) throw new Error('expected a job')
    const broken = { ...storage, get: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9000')) }

    await worker(broken as typeof storage, engine).runOnce()
    let status = await jobStatus(db, created.job.id, generator.owner)
    expect(status?.job).toMatchObject({ status: 'queued', refundedCredits: 0 })
    expect(status?.balance).toBe(0)

    await db
      .update(generationJobs)
      .set({ runAfter: sql`now()` })
      .where(eq(generationJobs.id, created.job.id))
    await worker(broken as typeof storage, engine).runOnce()
    status = await jobStatus(db, created.job.id, generator.owner)
    expect(status).toMatchObject({
      job: { status: 'failed', failureCode: 'photo-unavailable', refundedCredits: 2 },
      balance: 2,
    })
    expect(engine.calls).toHaveLength(0)
    expect(await refundsOf(generator.owner)).toHaveLength(1)
  })

  it('still runs the job with its photo when the photo is there', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const engine = scriptedEngine((input) => fakeImages(input.count))
    const generator = await guestWithCredits(db, 2)
    const created = await createJob(db, storage, engine, generator, request, { maxAttempts: 3 })
    if (!created.ok) throw new Error('expected a job')
    await worker(storage, engine).runOnce()
    expect(engine.calls[0]?.sourceImage?.bytes.toString()).toBe('the uploaded photo')
    expect((await jobStatus(db, created.job.id, generator.owner))?.job.status).toBe('done')
  })
})
