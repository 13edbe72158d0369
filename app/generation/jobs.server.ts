import { randomInt, randomUUID } from 'node:crypto'
import { and, asc, count, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import { getSessionUser, type SessionContext, getGuest } from '~/identity/index.server'
import { balanceOf, chargeJob, NotEnoughCreditsError } from '~/credits/index.server'
import type { Database } from '~/platform/db/client.server'
import { generationImages, generationJobs, moderationRefusals, type GenerationJobRow } from './schema'
import { type CreditOwner } from '~/credits'
import { isUuid } from '~/platform/uuid'
import { logger } from '~/platform/log.server'
import { retentionCutoff, retentionDays } from '~/platform/processing-register'
import type { ObjectStorage } from '~/platform/storage/types'
import type { ImageEngine } from './engines/types'
import { priceInCredits, type AspectRatio, type Style } from './options'
import { cancelQueuedJob } from './queue.server'
import type { PreparedPhoto } from './upload.server'
import type { JobView } from './view'
import { notifyJobQueued } from './wakeup.server'

/** Who is generating: a signed-in user, or a guest whose session is not linked to an account. */
export type Generator = {
  owner: CreditOwner
  userId: string | null
  guestId: string | null
  session: SessionContext | null
}

export async function currentGenerator(request: Request, db: Database): Promise<Generator | null> {
  const session = await getSessionUser(request, db)
  if (session) return { owner: `user:${session.user.id}`, userId: session.user.id, guestId: null, session }
  const guest = await getGuest(db, request)
  if (guest && !guest.linkedUserId)
    return { owner: `guest:${guest.id}`, userId: null, guestId: guest.id, session: null }
  return null
}

export type NewJob = {
  prompt: string
  style: Style
  aspectRatio: AspectRatio
  count: number
  /** Given for "again with the same settings"; random otherwise. */
  seed?: number
  photo: PreparedPhoto | null
}

export type CreateJobResult =
  | { ok: true; job: GenerationJobRow; balance: number }
  | { ok: false; reason: 'not-enough-credits'; balance: number; needed: number }

export function sourceImageKey(jobId: string) {
  return `uploads/${jobId}/source.webp`
}

export function resultImageKey(jobId: string, attempt: number, index: number) {
  return `generations/${jobId}/a${attempt}/${index}.webp`
}

/**
 * Accepts a job: the photo is stored first, then the charge and the job row
 * are written in one transaction (so a job never exists unpaid and credits
 * are never taken without a job). When the balance is short nothing is
 * written and the stored photo is removed again.
 */
export async function createJob(
  db: Database,
  storage: ObjectStorage,
  engine: ImageEngine,
  generator: Generator,
  input: NewJob,
  opts: { maxAttempts: number },
): Promise<CreateJobResult> {
  const id = randomUUID()
  const cost = priceInCredits(input.count)
  const photoKey = input.photo ? sourceImageKey(id) : null
  if (input.photo && photoKey) await storage.put(photoKey, input.photo.bytes, input.photo.mimeType)
  try {
    const result = await db.transaction(async (tx) => {
      const charge = await chargeJob(tx, generator.owner, id, cost)
      const [job] = await tx
        .insert(generationJobs)
        .values({
          id,
          owner: generator.owner,
          userId: generator.userId,
          guestId: generator.guestId,
          prompt: input.prompt,
          style: input.style,
          aspectRatio: input.aspectRatio,
          count: input.count,
          seed: input.seed ?? randomInt(0, 2 ** 31 - 1),
          cost,
          engine: engine.id,
          engineKind: engine.kind,
          sourceImageKey: photoKey,
          maxAttempts: opts.maxAttempts,
        })
        .returning()
      return { job: job!, balance: charge.balance }
    })
    notifyJobQueued()
    logger.info({ event: 'generation.queued', jobId: id, owner: generator.owner, cost }, 'generation queued')
    return { ok: true, ...result }
  } catch (error) {
    if (photoKey) await storage.delete([photoKey]).catch(() => {})
    if (error instanceof NotEnoughCreditsError) {
      return { ok: false, reason: 'not-enough-credits', balance: error.balance, needed: error.needed }
    }
    throw error
  }
}

export async function findJob(db: Database, id: string, owner: CreditOwner): Promise<GenerationJobRow | null> {
  if (!isUuid(id)) return null
  const [job] = await db
    .select()
    .from(generationJobs)
    .where(and(eq(generationJobs.id, id), eq(generationJobs.owner, owner)))
    .limit(1)
  return job ?? null
}

async function imagesOf(db: Database, jobIds: string[]) {
  if (jobIds.length === 0) return new Map<string, Array<typeof generationImages.$inferSelect>>()
  const rows = await db
    .select()
    .from(generationImages)
    .where(inArray(generationImages.jobId, jobIds))
    .orderBy(asc(generationImages.index))
  const byJob = new Map<string, typeof rows>()
  for (const row of rows) byJob.set(row.jobId, [...(byJob.get(row.jobId) ?? []), row])
  return byJob
}

async function queuePosition(db: Database, job: GenerationJobRow): Promise<number | null> {
  if (job.status !== 'queued') return null
  const [row] = await db
    .select({ ahead: count() })
    .from(generationJobs)
    .where(and(eq(generationJobs.status, 'queued'), lt(generationJobs.createdAt, job.createdAt)))
  return row?.ahead ?? 0
}

export function toJobView(
  job: GenerationJobRow,
  images: Array<typeof generationImages.$inferSelect>,
  position: number | null = null,
): JobView {
  return {
    id: job.id,
    status: job.status,
    prompt: job.prompt,
    style: job.style as Style,
    aspectRatio: job.aspectRatio as AspectRatio,
    count: job.count,
    seed: job.seed,
    cost: job.cost,
    refundedCredits: job.refundedCredits,
    engine: { id: job.engine, kind: job.engineKind },
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    queuePosition: position,
    images: images.map((image) => ({
      index: image.index,
      url: `/media/generations/${job.id}/${image.index}`,
      downloadUrl: `/media/generations/${job.id}/${image.index}?download=1`,
      width: image.width,
      height: image.height,
    })),
    sourceImageUrl: job.sourceImageKey ? `/media/uploads/${job.id}` : null,
    failureCode: job.status === 'failed' ? (job.failureCode ?? 'unknown') : null,
  }
}

/** One job as the browser sees it, with the owner's balance. */
export async function jobStatus(db: Database, id: string, owner: CreditOwner) {
  const job = await findJob(db, id, owner)
  if (!job) return null
  const [images, position, balance] = await Promise.all([
    imagesOf(db, [job.id]),
    queuePosition(db, job),
    balanceOf(db, owner),
  ])
  return { job: toJobView(job, images.get(job.id) ?? [], position), balance }
}

export const HISTORY_PAGE_SIZE = 12

/** The owner's generations, newest first, one page at a time. */
export async function listJobs(db: Database, owner: CreditOwner, page: number) {
  const [total] = await db.select({ n: count() }).from(generationJobs).where(eq(generationJobs.owner, owner))
  const pageCount = Math.max(1, Math.ceil((total?.n ?? 0) / HISTORY_PAGE_SIZE))
  const current = Math.min(Math.max(1, page), pageCount)
  const jobs = await db
    .select()
    .from(generationJobs)
    .where(eq(generationJobs.owner, owner))
    .orderBy(desc(generationJobs.createdAt), desc(generationJobs.id))
    .limit(HISTORY_PAGE_SIZE)
    .offset((current - 1) * HISTORY_PAGE_SIZE)
  const images = await imagesOf(
    db,
    jobs.map((j) => j.id),
  )
  return {
    page: current,
    pageCount,
    total: total?.n ?? 0,
    jobs: jobs.map((job) => toJobView(job, images.get(job.id) ?? [])),
  }
}

export type DeleteOutcome = 'deleted' | 'not-found' | 'running'

/**
 * Deletes a finished (or still queued) generation of the owner with its
 * files at once. A queued job is canceled and refunded first; a running one
 * cannot be deleted until it ends.
 */
export async function deleteJob(db: Database, storage: ObjectStorage, id: string, owner: CreditOwner) {
  const job = await findJob(db, id, owner)
  if (!job) return 'not-found' as const
  if (job.status === 'running') return 'running' as const
  if (job.status === 'queued') {
    const canceled = await cancelQueuedJob(db, id, owner)
    if (!canceled) return 'running' as const
  }
  const deleted = await db
    .delete(generationJobs)
    .where(and(eq(generationJobs.id, id), eq(generationJobs.owner, owner), sql`${generationJobs.status} <> 'running'`))
    .returning({ id: generationJobs.id })
  if (deleted.length === 0) return 'running' as const
  await removeJobFiles(storage, id)
  logger.info({ event: 'generation.deleted', jobId: id }, 'generation deleted with its files')
  return 'deleted' as const
}

export async function removeJobFiles(storage: ObjectStorage, jobId: string) {
  await storage.deletePrefix(`generations/${jobId}/`)
  await storage.deletePrefix(`uploads/${jobId}/`)
}

/**
 * Removes the photos and images of generations whose rows are already gone
 * (missing files are fine). A file that cannot be removed is logged with its
 * job for removal by hand: nothing links to it any more, so no later run
 * would find it. Returns those job ids.
 */
export async function removeFilesOfDeletedJobs(storage: ObjectStorage, jobIds: readonly string[]): Promise<string[]> {
  const failed: string[] = []
  for (const id of jobIds) await removeJobFiles(storage, id).catch(() => failed.push(id))
  if (failed.length > 0) {
    logger.error({ event: 'generation.files-orphaned', jobIds: failed }, 'files of deleted generations left behind')
  }
  return failed
}

/**
 * Everything generated by an account that is being deleted: rows and files.
 * Running jobs are removed too; their worker finds its lease gone and drops
 * what it wrote.
 */
export async function deleteAllJobsOf(db: Database, storage: ObjectStorage, owner: CreditOwner): Promise<number> {
  const jobs = await db
    .delete(generationJobs)
    .where(eq(generationJobs.owner, owner))
    .returning({ id: generationJobs.id })
  for (const job of jobs) await removeJobFiles(storage, job.id)
  return jobs.length
}

/**
 * Deletes the generations (their images with them) and refused prompts of
 * guests being deleted, in the caller's transaction. Returns the ids of the
 * deleted jobs: the caller removes their files once the transaction has
 * committed (removeJobFiles), so no row ever points at a missing file.
 * Running jobs go too; their worker finds its lease gone and drops what it wrote.
 */
export async function deleteGuestGenerations(tx: Database, guestIds: readonly string[]): Promise<string[]> {
  if (guestIds.length === 0) return []
  await tx.delete(moderationRefusals).where(inArray(moderationRefusals.guestId, [...guestIds]))
  const removed = await tx
    .delete(generationJobs)
    .where(inArray(generationJobs.guestId, [...guestIds]))
    .returning({ id: generationJobs.id })
  return removed.map((r) => r.id)
}

/** The register of processing (and so the privacy policy): uploaded photos are kept 30 days from upload. */
export const PHOTO_RETENTION_DAYS = retentionDays('uploadedPhotos')

/**
 * Removes uploaded photos older than the retention period (files first, then
 * the reference), leaving the generation and its results. Jobs still waiting
 * or running keep theirs until they end. Returns how many were removed.
 */
export async function sweepOldPhotos(db: Database, storage: ObjectStorage, now = new Date()): Promise<number> {
  const cutoff = retentionCutoff('uploadedPhotos', now)
  const due = await db
    .select({ id: generationJobs.id, key: generationJobs.sourceImageKey })
    .from(generationJobs)
    .where(
      and(
        sql`${generationJobs.sourceImageKey} is not null`,
        lt(generationJobs.createdAt, cutoff),
        inArray(generationJobs.status, ['done', 'failed', 'canceled']),
      ),
    )
    .limit(500)
  let removed = 0
  for (const job of due) {
    if (!job.key) continue
    await storage.delete([job.key])
    await db.update(generationJobs).set({ sourceImageKey: null }).where(eq(generationJobs.id, job.id))
    removed++
  }
  return removed
}
