import { asc, desc, eq, inArray } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { generationImages, generationJobs } from './schema'

/**
 * An account's generations for its data export, newest first, with their
 * settings and the addresses of their files (which work for the signed-in
 * owner only, the same check as on the site). Two queries: the jobs, then
 * the images of all of them.
 */
export async function listGenerationsForExport(db: Database, userId: string) {
  const owner = `user:${userId}` as const
  const jobs = await db
    .select()
    .from(generationJobs)
    .where(eq(generationJobs.owner, owner))
    .orderBy(desc(generationJobs.createdAt))
  const images = jobs.length
    ? await db
        .select()
        .from(generationImages)
        .where(
          inArray(
            generationImages.jobId,
            jobs.map((j) => j.id),
          ),
        )
        .orderBy(asc(generationImages.index))
    : []
  return jobs.map((job) => ({
    id: job.id,
    prompt: job.prompt,
    style: job.style,
    aspectRatio: job.aspectRatio,
    imageCount: job.count,
    seed: job.seed,
    engine: job.engine,
    engineKind: job.engineKind,
    status: job.status,
    costCredits: job.cost,
    refundedCredits: job.refundedCredits,
    failureCode: job.failureCode,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    photoPath: job.sourceImageKey ? `/media/uploads/${job.id}` : null,
    images: images
      .filter((image) => image.jobId === job.id)
      .map((image) => ({
        index: image.index,
        path: `/media/generations/${job.id}/${image.index}`,
        mimeType: image.mimeType,
        width: image.width,
        height: image.height,
        bytes: image.bytes,
      })),
  }))
}
