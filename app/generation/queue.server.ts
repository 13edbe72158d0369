import { and, eq, lt, sql } from 'drizzle-orm'
import { refundJob } from '~/credits/index.server'
import type { Database } from '~/platform/db/client.server'
import { generationImages, generationJobs, type GenerationJobRow } from './schema'
import { logger } from '~/platform/log.server'

/**
 * The generation queue: rows of generation_jobs. A worker claims one job at
 * a time with FOR UPDATE SKIP LOCKED (so workers in any number of processes
 * never take the same row) and holds a lease it renews while working. A
 * worker that dies stops renewing; once the lease has expired another worker
 * takes the job again, up to max_attempts, after which the job fails and its
 * credits are refunded. Only the holder of the current lease can finish a
 * job, so a job is never completed twice.
 */

export type ClaimedJob = GenerationJobRow & { leaseOwner: string; attempts: number }

/** Takes the oldest runnable job (queued and due, or running with an expired lease and attempts left). */
export async function claimNextJob(db: Database, workerId: string, leaseSeconds: number): Promise<ClaimedJob | null> {
  const [job] = await db
    .update(generationJobs)
    .set({
      status: 'running',
      attempts: sql`${generationJobs.attempts} + 1`,
      leaseOwner: workerId,
      leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds})`,
      startedAt: sql`coalesce(${generationJobs.startedAt}, now())`,
    })
    .where(
      sql`${generationJobs.id} = (
        select id from generation_jobs
         where (status = 'queued' and run_after <= now())
            or (status = 'running' and lease_expires_at < now() and attempts < max_attempts)
         order by created_at
         limit 1
         for update skip locked)`,
    )
    .returning()
  return (job as ClaimedJob | undefined) ?? null
}

/** Extends the lease; false when this worker no longer holds the job (it expired and was taken, or was deleted). */
export async function renewLease(db: Database, jobId: string, workerId: string, leaseSeconds: number) {
  const rows = await db
    .update(generationJobs)
    .set({ leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where(
      and(eq(generationJobs.id, jobId), eq(generationJobs.leaseOwner, workerId), eq(generationJobs.status, 'running')),
    )
    .returning({ id: generationJobs.id })
  return rows.length === 1
}

export type StoredImage = {
  index: number
  storageKey: string
  mimeType: string
  width: number
  height: number
  bytes: number
}

/**
 * Marks the job done with its images in one transaction. The files must
 * already be stored. False (and nothing written) when this worker lost the
 * lease: the caller removes the files it wrote.
 */
export async function completeJob(db: Database, jobId: string, workerId: string, images: StoredImage[]) {
  return db.transaction(async (tx) => {
    const [done] = await tx
      .update(generationJobs)
      .set({ status: 'done', finishedAt: sql`now()`, leaseOwner: null, leaseExpiresAt: null, failureCode: null })
      .where(
        and(
          eq(generationJobs.id, jobId),
          eq(generationJobs.leaseOwner, workerId),
          eq(generationJobs.status, 'running'),
        ),
      )
      .returning({ id: generationJobs.id })
    if (!done) return false
    if (images.length > 0) await tx.insert(generationImages).values(images.map((image) => ({ jobId, ...image })))
    return true
  })
}

/** Fails the job for good and refunds its credits, in one transaction; the refund happens at most once. */
async function failAndRefund(tx: Database, job: GenerationJobRow, code: string) {
  const refund = job.cost > 0 ? await refundJob(tx, job.owner, job.id, job.cost, `job failed: ${code}`) : null
  const refunded = refund?.applied ? job.cost : 0
  await tx
    .update(generationJobs)
    .set({
      status: 'failed',
      failureCode: code,
      finishedAt: sql`now()`,
      leaseOwner: null,
      leaseExpiresAt: null,
      refundedCredits: sql`${generationJobs.refundedCredits} + ${refunded}`,
    })
    .where(eq(generationJobs.id, job.id))
  return refunded
}

export type FailureOutcome = 'retry' | 'failed' | 'lost'

/**
 * Records a failed attempt. A retryable failure with attempts left puts the
 * job back in the queue after a back-off; otherwise the job fails and its
 * credits come back. 'lost' when this worker no longer held the lease.
 */
export async function recordFailure(
  db: Database,
  jobId: string,
  workerId: string,
  failure: { code: string; retryable: boolean },
): Promise<FailureOutcome> {
  return db.transaction(async (tx) => {
    const [job] = await tx
      .select()
      .from(generationJobs)
      .where(
        and(
          eq(generationJobs.id, jobId),
          eq(generationJobs.leaseOwner, workerId),
          eq(generationJobs.status, 'running'),
        ),
      )
      .for('update')
    if (!job) return 'lost'
    if (failure.retryable && job.attempts < job.maxAttempts) {
      const backoffSeconds = Math.min(60, 2 ** job.attempts)
      await tx
        .update(generationJobs)
        .set({
          status: 'queued',
          failureCode: failure.code,
          leaseOwner: null,
          leaseExpiresAt: null,
          runAfter: sql`now() + make_interval(secs => ${backoffSeconds})`,
        })
        .where(eq(generationJobs.id, jobId))
      return 'retry'
    }
    await failAndRefund(tx, job, failure.code)
    return 'failed'
  })
}

/**
 * Jobs whose worker vanished on their last attempt: the lease expired and no
 * attempts are left. They fail as 'worker-lost' with a refund. Safe to run
 * from every worker at once (SKIP LOCKED).
 */
export async function reapAbandonedJobs(db: Database, limit = 20): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(generationJobs)
      .where(
        and(
          eq(generationJobs.status, 'running'),
          lt(generationJobs.leaseExpiresAt, sql`now()`),
          sql`${generationJobs.attempts} >= ${generationJobs.maxAttempts}`,
        ),
      )
      .limit(limit)
      .for('update', { skipLocked: true })
    for (const job of rows) {
      await failAndRefund(tx, job, 'worker-lost')
      logger.warn({ event: 'generation.worker-lost', jobId: job.id, attempts: job.attempts }, 'job abandoned, refunded')
    }
    return rows.length
  })
}

/**
 * Cancels a job that has not started yet and refunds it, in one
 * transaction. Null when there is no such queued job of this owner.
 */
export async function cancelQueuedJob(db: Database, jobId: string, owner: GenerationJobRow['owner']) {
  return db.transaction(async (tx) => {
    const [job] = await tx
      .select()
      .from(generationJobs)
      .where(and(eq(generationJobs.id, jobId), eq(generationJobs.owner, owner), eq(generationJobs.status, 'queued')))
      .for('update')
    if (!job) return null
    const refund = job.cost > 0 ? await refundJob(tx, owner, job.id, job.cost, 'canceled while queued') : null
    const refunded = refund?.applied ? job.cost : 0
    const [updated] = await tx
      .update(generationJobs)
      .set({
        status: 'canceled',
        finishedAt: sql`now()`,
        refundedCredits: sql`${generationJobs.refundedCredits} + ${refunded}`,
      })
      .where(eq(generationJobs.id, jobId))
      .returning()
    return updated ?? null
  })
}
