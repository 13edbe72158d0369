/**
 * The legal team's forms on one request (extend, complete): input and the
 * answer to each refusal, around the model in requests.server.ts.
 */
import type { Database } from '~/db/client.server'
import { REQUEST_OUTCOMES, type RequestOutcome } from '~/db/schema'
import { formFailure, textField, type FormFailure } from '~/lib/form'
import {
  completeRequest,
  extendRequest,
  NOTE_MAX_LENGTH,
  type CompleteProblem,
  type ExtendProblem,
} from './requests.server'

export type LegalActionResult =
  | { ok: true; done: 'extended' | 'completed'; mailed: boolean }
  | { ok: false; status: 400 | 404 | 409; failure: FormFailure }

const E = 'legal-admin-requests:errors'

// Input problems are the form's to fix (400); the others mean the request
// changed or cannot take this step (409), or does not exist (404).
const EXTEND_REFUSALS: Record<ExtendProblem, { status: 400 | 404 | 409; field?: string; message: string }> = {
  'reason-required': { status: 400, field: 'reason', message: `${E}.reasonRequired` },
  'not-found': { status: 404, message: `${E}.notFound` },
  'not-open': { status: 409, message: `${E}.notOpen` },
  'not-ru': { status: 409, message: `${E}.notRu` },
  'kind-not-extendable': { status: 409, message: `${E}.kindNotExtendable` },
  'already-extended': { status: 409, message: `${E}.alreadyExtended` },
  'too-late': { status: 409, message: `${E}.tooLate` },
}

const COMPLETE_REFUSALS: Record<CompleteProblem, { status: 400 | 404 | 409; field?: string; message: string }> = {
  'note-required': { status: 400, field: 'note', message: `${E}.noteRequired` },
  'not-found': { status: 404, message: `${E}.notFound` },
  'not-open': { status: 409, message: `${E}.notOpen` },
  'already-completed': { status: 409, message: `${E}.alreadyCompleted` },
}

function refused(
  refusal: { status: 400 | 404 | 409; field?: string; message: string },
  values: Record<string, string>,
): LegalActionResult {
  const failure = refusal.field
    ? formFailure({ [refusal.field]: refusal.message }, values)
    : formFailure({}, values, refusal.message)
  return { ok: false, status: refusal.status, failure }
}

export async function extendFromForm(
  db: Database,
  number: number,
  form: FormData,
  actorUserId: string,
): Promise<LegalActionResult> {
  const reason = textField(form, 'reason', NOTE_MAX_LENGTH + 1).trim()
  const values = { intent: 'extend', reason }
  if (reason.length > NOTE_MAX_LENGTH) {
    return { ok: false, status: 400, failure: formFailure({ reason: `${E}.tooLong` }, values) }
  }
  const result = await extendRequest(db, number, { reason, actorUserId })
  if (!result.ok) return refused(EXTEND_REFUSALS[result.reason], values)
  return { ok: true, done: 'extended', mailed: result.mailed }
}

export async function completeFromForm(
  db: Database,
  number: number,
  form: FormData,
  actorUserId: string,
): Promise<LegalActionResult> {
  const outcome = textField(form, 'outcome', 20)
  const note = textField(form, 'note', NOTE_MAX_LENGTH + 1).trim()
  const values = { intent: 'complete', outcome, note }
  const fieldErrors: FormFailure['fieldErrors'] = {}
  if (!(REQUEST_OUTCOMES as readonly string[]).includes(outcome)) fieldErrors.outcome = `${E}.outcome`
  if (note.length > NOTE_MAX_LENGTH) fieldErrors.note = `${E}.tooLong`
  if (Object.keys(fieldErrors).length > 0) return { ok: false, status: 400, failure: formFailure(fieldErrors, values) }
  const result = await completeRequest(db, number, { outcome: outcome as RequestOutcome, note, actorUserId })
  if (!result.ok) return refused(COMPLETE_REFUSALS[result.reason], values)
  return { ok: true, done: 'completed', mailed: result.mailed }
}
