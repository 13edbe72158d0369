import { getDb } from '~/db/client.server'
import { getStorage } from '~/storage/index.server'
import { currentGenerator, deleteJob } from './jobs.server'
import { cancelQueuedJob } from './queue.server'

export type JobActionOutcome =
  { ok: true; intent: 'cancel' | 'delete' } | { ok: false; status: 400 | 404 | 409; error: string }

/**
 * The no-JavaScript forms of the results and history pages: `intent=cancel`
 * (a queued job, refunded) and `intent=delete` (a finished or queued job,
 * files removed at once). Owner only: anyone else gets 404.
 */
export async function jobPageAction(request: Request, form: FormData, jobId: string): Promise<JobActionOutcome> {
  const intent = form.get('intent')
  if (intent !== 'cancel' && intent !== 'delete') return { ok: false, status: 400, error: 'errors.bad-intent' }
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  if (!generator) return { ok: false, status: 404, error: 'errors.job-not-found' }
  if (intent === 'cancel') {
    const canceled = await cancelQueuedJob(db, jobId, generator.owner)
    return canceled ? { ok: true, intent } : { ok: false, status: 409, error: 'errors.not-cancelable' }
  }
  const outcome = await deleteJob(db, getStorage(), jobId, generator.owner)
  if (outcome === 'deleted') return { ok: true, intent }
  if (outcome === 'running') return { ok: false, status: 409, error: 'errors.delete-running' }
  return { ok: false, status: 404, error: 'errors.job-not-found' }
}
