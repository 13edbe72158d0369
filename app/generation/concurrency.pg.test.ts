import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { balanceOf, creditHistory } from '~/credits/movements.server'
import { generationJobs } from './schema'
import { postgresDatabaseForFile } from '../../tests/db'
import { fakeImages, guestWithCredits, memoryStorage, scriptedEngine, testWorker } from '../../tests/support/generation'
import { createJob, type NewJob } from './jobs.server'
import { claimNextJob, reapAbandonedJobs, recordFailure } from './queue.server'

// Real PostgreSQL: every request and worker below runs on its own pooled
// connection, as separate requests and processes would.
const handle = postgresDatabaseForFile()

const oneImage: NewJob = { prompt: 'a red kite over a field', style: 'none', aspectRatio: '1:1', count: 1, photo: null }

describe('overspending (PostgreSQL)', () => {
  it('turns 25 simultaneous requests against a balance for 10 images into exactly 10 jobs', async () => {
    const { db } = handle
    const engine = scriptedEngine(() => fakeImages(1))
    const generator = await guestWithCredits(db, 10)
    const results = await Promise.all(
      Array.from({ length: 25 }, () => createJob(db, memoryStorage(), engine, generator, oneImage, { maxAttempts: 3 })),
    )
    const accepted = results.filter((r) => r.ok)
    const refused = results.filter((r) => !r.ok)
    expect(accepted).toHaveLength(10)
    expect(refused).toHaveLength(15)
    for (const r of refused) expect(r).toMatchObject({ ok: false, reason: 'not-enough-credits', balance: 0, needed: 1 })
    expect(await balanceOf(db, generator.owner)).toBe(0)
    const jobs = await db.select().from(generationJobs).where(eq(generationJobs.owner, generator.owner))
    expect(jobs).toHaveLength(10)
    const charges = (await creditHistory(db, generator.owner)).filter((m) => m.reason === 'generation')
    expect(charges).toHaveLength(10)
  })
})

describe('several workers at once (PostgreSQL)', () => {
  it('runs every job exactly once to completion with four workers racing for the queue', async () => {
    const { db } = handle
    await db.execute(sql`update generation_jobs set status = 'canceled' where status in ('queued', 'running')`)
    const engine = scriptedEngine(async (input) => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      return fakeImages(input.count)
    })
    const storage = memoryStorage()
    const generator = await guestWithCredits(db, 30)
    const created = await Promise.all(
      Array.from({ length: 30 }, () => createJob(db, storage, engine, generator, oneImage, { maxAttempts: 3 })),
    )
    const ids = new Set(created.map((r) => (r.ok ? r.job.id : '')))
    const workers = Array.from({ length: 4 }, (_, i) => testWorker({ db, storage, engine, name: `w${i}` }))
    await Promise.all(
      workers.map(async (worker) => {
        while (await worker.runOnce()) {
          // keep claiming until the queue is empty
        }
      }),
    )
    expect(engine.calls).toHaveLength(30)
    const jobs = await db.select().from(generationJobs).where(eq(generationJobs.owner, generator.owner))
    expect(jobs.filter((j) => ids.has(j.id)).every((j) => j.status === 'done' && j.attempts === 1)).toBe(true)
  })

  it('refunds once when several parties try to fail the same job at the same moment', async () => {
    const { db } = handle
    await db.execute(sql`update generation_jobs set status = 'canceled' where status in ('queued', 'running')`)
    const engine = scriptedEngine(() => fakeImages(1))
    const generator = await guestWithCredits(db, 1)
    const created = await createJob(db, memoryStorage(), engine, generator, oneImage, { maxAttempts: 1 })
    if (!created.ok) throw new Error('expected a job')
    await claimNextJob(db, 'w', 30)
    await db
      .update(generationJobs)
      .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(generationJobs.id, created.job.id))
    const outcomes = await Promise.all([
      recordFailure(db, created.job.id, 'w', { code: 'engine-error', retryable: false }),
      recordFailure(db, created.job.id, 'w', { code: 'engine-error', retryable: false }),
      reapAbandonedJobs(db),
      reapAbandonedJobs(db),
    ])
    expect(outcomes.filter((o) => o === 'failed' || o === 1)).toHaveLength(1)
    expect(await balanceOf(db, generator.owner)).toBe(1)
    expect((await creditHistory(db, generator.owner)).filter((m) => m.reason === 'refund')).toHaveLength(1)
  })
})
