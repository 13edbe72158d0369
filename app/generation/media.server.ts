import { and, eq } from 'drizzle-orm'
import { getDb } from '~/platform/db/client.server'
import { generationImages } from './schema'
import { clientErrorResponse, refusalLocale } from '~/platform/i18n/client-errors.server'
import { getStorage } from '~/platform/storage/index.server'
import { currentGenerator, findJob } from './jobs.server'

/**
 * Photos and results are served only to their owner, through these
 * functions: the session (or guest cookie) is checked on every request, and
 * anyone else gets the same 404 as for a file that does not exist, so ids
 * reveal nothing. Responses are private to the browser, never to shared
 * caches.
 */

function notFound(request: Request) {
  return clientErrorResponse(refusalLocale(request), 404, { headers: { 'Cache-Control': 'no-store' } })
}

function fileResponse(request: Request, file: { bytes: Buffer; contentType: string }, name: string) {
  const download = new URL(request.url).searchParams.get('download') === '1'
  const headers = new Headers({
    'Content-Type': file.contentType,
    'Content-Length': String(file.bytes.length),
    // The same URL always names the same bytes; only this browser may keep them.
    'Cache-Control': 'private, max-age=3600',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': 'same-origin',
    Vary: 'Cookie',
  })
  if (download) headers.set('Content-Disposition', `attachment; filename="${name}"`)
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(file.bytes), { status: 200, headers })
}

const EXTENSION: Record<string, string> = { 'image/webp': 'webp', 'image/png': 'png', 'image/jpeg': 'jpg' }

export async function serveResultImage(request: Request, jobId: string, indexParam: string) {
  if (!/^[0-3]$/.test(indexParam)) return notFound(request)
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  if (!generator) return notFound(request)
  const job = await findJob(db, jobId, generator.owner)
  if (!job) return notFound(request)
  const [image] = await db
    .select()
    .from(generationImages)
    .where(and(eq(generationImages.jobId, job.id), eq(generationImages.index, Number(indexParam))))
  if (!image) return notFound(request)
  const file = await getStorage().get(image.storageKey)
  if (!file) return notFound(request)
  return fileResponse(
    request,
    file,
    `palitra-${job.id.slice(0, 8)}-${image.index + 1}.${EXTENSION[image.mimeType] ?? 'bin'}`,
  )
}

export async function serveSourcePhoto(request: Request, jobId: string) {
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  if (!generator) return notFound(request)
  const job = await findJob(db, jobId, generator.owner)
  if (!job?.sourceImageKey) return notFound(request)
  const file = await getStorage().get(job.sourceImageKey)
  if (!file) return notFound(request)
  return fileResponse(request, file, `palitra-${job.id.slice(0, 8)}-photo.webp`)
}
