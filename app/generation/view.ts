import type { EngineKind } from './engines/types'
import type { AspectRatio, Style } from './options'

/**
 * The shape of a generation as the browser sees it: loader data of the
 * results and history pages and the JSON of `GET /api/generations/:id`
 * (`{ job: JobView, balance: number }`). No storage keys, no owner ids.
 */

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'canceled'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

export function isFinished(status: JobStatus): boolean {
  return status === 'done' || status === 'failed' || status === 'canceled'
}

export type JobImageView = {
  index: number
  /** Owner-only URL, e.g. /media/generations/<jobId>/0 */
  url: string
  /** The same with ?download=1 (Content-Disposition: attachment). */
  downloadUrl: string
  width: number
  height: number
}

export type JobView = {
  id: string
  status: JobStatus
  prompt: string
  style: Style
  aspectRatio: AspectRatio
  count: number
  seed: number
  /** Credits charged when the job was accepted. */
  cost: number
  /** Credits given back (failure or cancel); 0 otherwise. */
  refundedCredits: number
  engine: { id: string; kind: EngineKind }
  /** ISO 8601 UTC. */
  createdAt: string
  finishedAt: string | null
  /** Jobs ahead of this one in the queue while queued; null otherwise. */
  queuePosition: number | null
  images: JobImageView[]
  /** Owner-only URL of the uploaded photo, or null (none, or deleted after 30 days). */
  sourceImageUrl: string | null
  /** Why it failed, as a code with a localized message in locales/{ru,en}/generate.json `failures.<code>`. */
  failureCode: string | null
}

export type JobStatusResponse = { job: JobView; balance: number }
