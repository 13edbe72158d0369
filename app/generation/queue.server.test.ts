import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { balanceOf, creditHistory } from '~/credits/movements.server'
import { generationImages, generationJobs } from './schema'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { fakeImages, guestWithCredits, memoryStorage, scriptedEngine, testWorker } from '../../tests/support/generation'
import { EngineError } from './engines/types'
import { createJob, deleteJob, jobStatus, sweepOldPhotos, type NewJob } from './jobs.server'
import { cancelQueuedJob, claimNextJob, completeJob, reapAbandonedJobs, recordFailure } from './queue.server'

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})
// Jobs from one test must not be claimed by the next one's worker.
beforeEach(async () => {
  await handle.db.execute(sql`update generation_jobs set status = 'canceled' where status in ('queued', 'running')`)
})

const request: NewJob = { prompt: 'a lighthouse at dusk', style: 'none', aspectRatio: '1:1', count: 2, photo: null }
const engine = scriptedEngine(() => fakeImages(2))

async function expireLease(jobId: string) {
  await handle.db
    .update(generationJobs)
    .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
    .where(eq(generationJobs.id, jobId))
}

describe('accepting a job', () => {
  it('charges the credits in the same transaction as the job row', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const generator = await guestWithCredits(db, 5)
    const result = await createJob(db, storage, engine, generator, request, { maxAttempts: 3 })
    if (!result.ok) throw new Error('expected a job')
    expect(result.balance).toBe(3)
    expect(result.job).toMatchObject({ status: 'queued', cost: 2, owner: generator.owner, engine: 'scripted' })
    const [charge] = await creditHistory(db, generator.owner)
    expect(charge).toMatchObject({ reason: 'generation', referenceType: 'job', referenceId: result.job.id, delta: -2 })
  })

  it('writes nothing and removes the stored photo when the balance is short', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const generator = await guestWithCredits(db, 1)
    const photo = { bytes: Buffer.from('photo'), mimeType: 'image/webp' as const, width: 64, height: 64 }
    const result = await createJob(db, storage, engine, generator, { ...request, photo }, { maxAttempts: 3 })
    expect(result).toEqual({ ok: false, reason: 'not-enough-credits', balance: 1, needed: 2 })
    expect(storage.objects.size).toBe(0)
    const jobs = await db.select().from(generationJobs).where(eq(generationJobs.owner, generator.owner))
    expect(jobs).toHaveLength(0)
    expect(await balanceOf(db, generator.owner)).toBe(1)
  })
})

describe('leases', () => {
  it('lets only the current lease holder finish a job, after an expired lease is taken over', async () => {
    const { db } = handle
    const generator = await guestWithCredits(db, 2)
    const created = await createJob(db, memoryStorage(), engine, generator, request, { maxAttempts: 3 })
    if (!created.ok) throw new Error('expected a job')
    const first = await claimNextJob(db, 'worker-a', 30)
    expect(first?.id).toBe(created.job.id)
    expect(await claimNextJob(db, 'worker-b', 30)).toBeNull()
    await expireLease(created.job.id)
    const second = await claimNextJob(db, 'worker-b', 30)
    expect(second).toMatchObject({ id: created.job.id, attempts: 2, leaseOwner: 'worker-b' })
    const image = { index: 0, storageKey: 'k', mimeType: 'image/webp', width: 8, height: 8, bytes: 1 }
    expect(await completeJob(db, created.job.id, 'worker-a', [image])).toBe(false)
    expect(await db.select().from(generationImages).where(eq(generationImages.jobId, created.job.id))).toHaveLength(0)
    expect(await completeJob(db, created.job.id, 'worker-b', [image])).toBe(true)
    expect(await completeJob(db, created.job.id, 'worker-b', [image])).toBe(false)
    const [job] = await db.select().from(generationJobs).where(eq(generationJobs.id, created.job.id))
    expect(job?.status).toBe('done')
  })

  it('retries a job whose worker vanished, then fails it as worker-lost and refunds once', async () => {
    const { db } = handle
    const generator = await guestWithCredits(db, 2)
    const created = await createJob(db, memoryStorage(), engine, generator, request, { maxAttempts: 2 })
    if (!created.ok) throw new Error('expected a job')
    expect((await claimNextJob(db, 'crashy-1', 30))?.id).toBe(created.job.id)
    await expireLease(created.job.id)
    expect((await claimNextJob(db, 'crashy-2', 30))?.attempts).toBe(2)
    await expireLease(created.job.id)
    // No attempts left: nobody claims it again; the reaper fails and refunds it.
    expect(await claimNextJob(db, 'crashy-3', 30)).toBeNull()
    expect(await reapAbandonedJobs(db)).toBe(1)
    expect(await reapAbandonedJobs(db)).toBe(0)
    const status = await jobStatus(db, created.job.id, generator.owner)
    expect(status?.job).toMatchObject({ status: 'failed', failureCode: 'worker-lost', refundedCredits: 2 })
    expect(await balanceOf(db, generator.owner)).toBe(2)
    const refunds = (await creditHistory(db, generator.owner)).filter((m) => m.reason === 'refund')
    expect(refunds).toHaveLength(1)
  })

  it('puts a retryable failure back in the queue with a back-off, and fails for good after the last attempt', async () => {
    const { db } = handle
    const generator = await guestWithCredits(db, 2)
    const created = await createJob(db, memoryStorage(), engine, generator, request, { maxAttempts: 2 })
    if (!created.ok) throw new Error('expected a job')
    await claimNextJob(db, 'w', 30)
    expect(await recordFailure(db, created.job.id, 'w', { code: 'timeout', retryable: true })).toBe('retry')
    expect(await claimNextJob(db, 'w', 30)).toBeNull() // backing off
    await db
      .update(generationJobs)
      .set({ runAfter: sql`now()` })
      .where(eq(generationJobs.id, created.job.id))
    await claimNextJob(db, 'w', 30)
    expect(await recordFailure(db, created.job.id, 'w', { code: 'timeout', retryable: true })).toBe('failed')
    expect(await recordFailure(db, created.job.id, 'w', { code: 'timeout', retryable: true })).toBe('lost')
    expect(await balanceOf(db, generator.owner)).toBe(2)
  })
})

describe('cancel and delete', () => {
  it('cancels a queued job with a refund, once; a claimed job can no longer be canceled', async () => {
    const { db } = handle
    const generator = await guestWithCredits(db, 4)
    const a = await createJob(db, memoryStorage(), engine, generator, request, { maxAttempts: 3 })
    if (!a.ok) throw new Error('expected a job')
    expect((await cancelQueuedJob(db, a.job.id, generator.owner))?.status).toBe('canceled')
    expect(await cancelQueuedJob(db, a.job.id, generator.owner)).toBeNull()
    expect(await balanceOf(db, generator.owner)).toBe(4)
    const b = await createJob(db, memoryStorage(), engine, generator, request, { maxAttempts: 3 })
    if (!b.ok) throw new Error('expected a job')
    await claimNextJob(db, 'w', 30)
    expect(await cancelQueuedJob(db, b.job.id, generator.owner)).toBeNull()
    expect(await balanceOf(db, generator.owner)).toBe(2)
  })

  it("does not let anyone else cancel, see or delete someone's job", async () => {
    const { db } = handle
    const storage = memoryStorage()
    const owner = await guestWithCredits(db, 2)
    const stranger = await guestWithCredits(db, 2)
    const job = await createJob(db, storage, engine, owner, request, { maxAttempts: 3 })
    if (!job.ok) throw new Error('expected a job')
    expect(await cancelQueuedJob(db, job.job.id, stranger.owner)).toBeNull()
    expect(await jobStatus(db, job.job.id, stranger.owner)).toBeNull()
    expect(await deleteJob(db, storage, job.job.id, stranger.owner)).toBe('not-found')
    expect(await jobStatus(db, job.job.id, owner.owner)).not.toBeNull()
  })
})

describe('the worker', () => {
  it('stores the images, then marks the job done with its rows; deleting removes the files at once', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const generator = await guestWithCredits(db, 2)
    const created = await createJob(db, storage, engine, generator, request, { maxAttempts: 3 })
    if (!created.ok) throw new Error('expected a job')
    const worker = testWorker({ db, storage, engine })
    expect(await worker.runOnce()).toBe(true)
    const status = await jobStatus(db, created.job.id, generator.owner)
    expect(status?.job.status).toBe('done')
    expect(status?.job.images.map((i) => i.url)).toEqual([
      `/media/generations/${created.job.id}/0`,
      `/media/generations/${created.job.id}/1`,
    ])
    const keys = [...storage.objects.keys()]
    expect(keys).toEqual([`generations/${created.job.id}/a1/0.webp`, `generations/${created.job.id}/a1/1.webp`])
    expect(await deleteJob(db, storage, created.job.id, generator.owner)).toBe('deleted')
    expect(storage.objects.size).toBe(0)
    expect(await jobStatus(db, created.job.id, generator.owner)).toBeNull()
  })

  it('refunds a job the engine cannot do, exactly once, and the person sees it', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const failing = scriptedEngine(() => {
      throw new EngineError('rejected', 'provider refused', false)
    })
    const generator = await guestWithCredits(db, 3)
    const created = await createJob(db, storage, failing, generator, request, { maxAttempts: 3 })
    if (!created.ok) throw new Error('expected a job')
    const worker = testWorker({ db, storage, engine: failing })
    await worker.runOnce()
    const status = await jobStatus(db, created.job.id, generator.owner)
    expect(status).toMatchObject({
      job: { status: 'failed', failureCode: 'rejected-by-provider', refundedCredits: 2 },
      balance: 3,
    })
    expect(failing.calls).toHaveLength(1)
    expect(storage.objects.size).toBe(0)
  })

  it('aborts an engine that overruns the time limit and retries it', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const slow = scriptedEngine((input, call) => (call === 1 ? new Promise(() => {}) : fakeImages(input.count)))
    const generator = await guestWithCredits(db, 2)
    const created = await createJob(db, storage, slow, generator, request, { maxAttempts: 3 })
    if (!created.ok) throw new Error('expected a job')
    const worker = testWorker({ db, storage, engine: slow, timeoutMs: 200 })
    await worker.runOnce()
    let status = await jobStatus(db, created.job.id, generator.owner)
    expect(status?.job.status).toBe('queued')
    await db
      .update(generationJobs)
      .set({ runAfter: sql`now()` })
      .where(eq(generationJobs.id, created.job.id))
    await worker.runOnce()
    status = await jobStatus(db, created.job.id, generator.owner)
    expect(status?.job).toMatchObject({ status: 'done', refundedCredits: 0 })
    expect(status?.balance).toBe(0)
  })

  it('runs queued jobs on its own once started and stops cleanly', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const generator = await guestWithCredits(db, 4)
    const worker = testWorker({ db, storage, engine, concurrency: 2, pollMs: 50 })
    worker.start()
    try {
      const jobs = await Promise.all(
        [1, 2].map(() => createJob(db, storage, engine, generator, request, { maxAttempts: 3 })),
      )
      const ids = jobs.map((j) => (j.ok ? j.job.id : ''))
      await expect
        .poll(async () => Promise.all(ids.map(async (id) => (await jobStatus(db, id, generator.owner))?.job.status)), {
          timeout: 10_000,
        })
        .toEqual(['done', 'done'])
    } finally {
      await worker.stop()
    }
  })
})

describe('photo retention', () => {
  it('removes uploaded photos 30 days after upload and keeps the generation', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const generator = await guestWithCredits(db, 2)
    const photo = { bytes: Buffer.from('photo'), mimeType: 'image/webp' as const, width: 64, height: 64 }
    const created = await createJob(db, storage, engine, generator, { ...request, photo }, { maxAttempts: 3 })
    if (!created.ok) throw new Error('expected a job')
    const worker = testWorker({ db, storage, engine })
    await worker.runOnce()
    const day = 24 * 60 * 60 * 1000
    expect(await sweepOldPhotos(db, storage, new Date(Date.now() + 29 * day))).toBe(0)
    expect(storage.objects.has(`uploads/${created.job.id}/source.webp`)).toBe(true)
    expect(await sweepOldPhotos(db, storage, new Date(Date.now() + 31 * day))).toBeGreaterThanOrEqual(1)
    expect(storage.objects.has(`uploads/${created.job.id}/source.webp`)).toBe(false)
    const status = await jobStatus(db, created.job.id, generator.owner)
    expect(status?.job).toMatchObject({ status: 'done', sourceImageUrl: null })
    expect(status?.job.images).toHaveLength(2)
  })
})

describe('waking workers', () => {
  it('wakes every idle slot of a worker when jobs are queued in its process, without waiting for a poll', async () => {
    const { db } = handle
    const storage = memoryStorage()
    const generator = await guestWithCredits(db, 2)
    const started: number[] = []
    const slow = scriptedEngine(async (input) => {
      started.push(Date.now())
      await new Promise((resolve) => setTimeout(resolve, 1000))
      return fakeImages(input.count)
    })
    // A poll far longer than the test: only a wake-up can start these jobs in time.
    const worker = testWorker({ db, storage, engine: slow, concurrency: 2, pollMs: 600_000 })
    worker.start()
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)) // both slots asleep
      const one = { ...request, count: 1 }
      const jobs = await Promise.all([1, 2].map(() => createJob(db, storage, slow, generator, one, { maxAttempts: 3 })))
      const ids = jobs.map((j) => (j.ok ? j.job.id : ''))
      await expect
        .poll(async () => Promise.all(ids.map(async (id) => (await jobStatus(db, id, generator.owner))?.job.status)), {
          timeout: 5_000,
        })
        .toEqual(['done', 'done'])
      // Both ran side by side: the second started while the first was still drawing.
      expect(started).toHaveLength(2)
      expect(Math.abs(started[1]! - started[0]!)).toBeLessThan(1000)
    } finally {
      await worker.stop()
    }
  })
})
