/**
 * The legal team's forms on one request (extend, complete): input and the
 * answer to each refusal, around the model in requests.server.ts.
 */
import type { Database } from '~/db/client.server'
import { z } from 'zod'
import { REQUEST_OUTCOMES } from '~/db/schema'
import { formFailure, type FormFailure } from '~/lib/form'
import { formText, parseForm } from '~/lib/form-schema.server'
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

// Longer notes are cut one character past the limit: enough to tell "too long".
const noteField = () =>
  formText({ max: NOTE_MAX_LENGTH + 1 }).refine((text) => text.length <= NOTE_MAX_LENGTH, `${E}.tooLong`)

const EXTEND_FORM = z.object({ reason: noteField() })

const COMPLETE_FORM = z.object({
  outcome: z.enum(REQUEST_OUTCOMES, { error: `${E}.outcome` }),
  note: noteField(),
})

/** The page shows the refused form again by the intent it was sent with. */
function withIntent(failure: FormFailure, intent: 'extend' | 'complete'): FormFailure {
  return { ...failure, values: { intent, ...failure.values } }
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
  const parsed = parseForm(form, EXTEND_FORM)
  if (!parsed.ok) return { ok: false, status: 400, failure: withIntent(parsed.failure, 'extend') }
  const { reason } = parsed.data
  const values = { intent: 'extend', ...parsed.values }
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
  const parsed = parseForm(form, COMPLETE_FORM)
  if (!parsed.ok) return { ok: false, status: 400, failure: withIntent(parsed.failure, 'complete') }
  const { outcome, note } = parsed.data
  const values = { intent: 'complete', ...parsed.values }
  const result = await completeRequest(db, number, { outcome, note, actorUserId })
  if (!result.ok) return refused(COMPLETE_REFUSALS[result.reason], values)
  return { ok: true, done: 'completed', mailed: result.mailed }
}
