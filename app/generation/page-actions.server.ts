import { z } from 'zod'
import { getDb } from '~/platform/db/client.server'
import { formFailure, type FormFailure } from '~/platform/form'
import { parseForm } from '~/platform/form-schema.server'
import { getStorage } from '~/platform/storage/index.server'
import { currentGenerator, deleteJob } from './jobs.server'
import { cancelQueuedJob } from './queue.server'

export type JobActionOutcome =
  { ok: true; intent: 'cancel' | 'delete' } | { ok: false; status: 400 | 404 | 409; failure: FormFailure }

const JOB_FORM = z.object({ intent: z.enum(['cancel', 'delete'], { error: 'errors.bad-intent' }) })

function refused(status: 400 | 404 | 409, message: string): JobActionOutcome {
  return { ok: false, status, failure: formFailure({}, {}, message) }
}

/**
 * The no-JavaScript forms of the results and history pages: `intent=cancel`
 * (a queued job, refunded) and `intent=delete` (a finished or queued job,
 * files removed at once). Owner only: anyone else gets 404.
 */
export async function jobPageAction(request: Request, form: FormData, jobId: string): Promise<JobActionOutcome> {
  const parsed = parseForm(form, JOB_FORM)
  // The intent comes from the page's buttons: a wrong one is the form's problem, not a field's.
  if (!parsed.ok) return refused(400, 'errors.bad-intent')
  const { intent } = parsed.data
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  if (!generator) return refused(404, 'errors.job-not-found')
  if (intent === 'cancel') {
    const canceled = await cancelQueuedJob(db, jobId, generator.owner)
    return canceled ? { ok: true, intent } : refused(409, 'errors.not-cancelable')
  }
  const outcome = await deleteJob(db, getStorage(), jobId, generator.owner)
  if (outcome === 'deleted') return { ok: true, intent }
  if (outcome === 'running') return refused(409, 'errors.delete-running')
  return refused(404, 'errors.job-not-found')
}
