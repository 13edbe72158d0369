/**
 * What the legal team does with a received request: extend it (152-FZ, the
 * kinds the law allows, once) or complete it, fulfilled or refused with
 * reasons. The model functions first, then the team's forms around them:
 * their input and the answer to each refusal.
 */
import { and, eq, gte, inArray, isNull } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { z } from 'zod'
import { dataSubjectRequests, REQUEST_OUTCOMES, type DataSubjectRequestRow, type RequestOutcome } from './schema'
import { formFailure, type FormFailure } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import { sendMail } from '~/platform/mail/mailer.server'
import { deadlineRule, extendableKinds } from './deadlines'
import {
  deliver,
  findByNumber,
  logStatus,
  NOTE_MAX_LENGTH,
  recordEvent,
  warnAboutGaps,
  type ActionOptions,
} from './records.server'
import { extendedDueOn, loadWorkingCalendar, moscowDay } from './working-days'

export type ExtendProblem =
  'not-found' | 'not-open' | 'not-ru' | 'kind-not-extendable' | 'already-extended' | 'too-late' | 'reason-required'

export type ActionResult<Problem> =
  { ok: true; row: DataSubjectRequestRow; mailed: boolean } | { ok: false; reason: Problem }

/** Why the request cannot be extended today, or null when it can; one request's page shows it too. */
export function extendProblem(row: DataSubjectRequestRow | undefined, today: string): ExtendProblem | null {
  if (!row) return 'not-found'
  if (row.status !== 'open') return 'not-open'
  if (row.regime !== 'ru') return 'not-ru'
  if (!deadlineRule(row.regime, row.kind).extension) return 'kind-not-extendable'
  if (row.extendedAt) return 'already-extended'
  if (row.originalDueOn! < today) return 'too-late'
  return null
}

/**
 * Extends a 152-FZ request of a kind the law lets us extend (deadlines.ts:
 * access, a copy, objection) once, by 5 working days after its original due
 * date, with the reason the notice to the requester gives. Only while the
 * original period runs: the law wants the notice before it expires.
 */
export async function extendRequest(
  db: Database,
  number: number,
  { reason, actorUserId, now = new Date(), send = sendMail }: ActionOptions & { reason: string; actorUserId: string },
): Promise<ActionResult<ExtendProblem>> {
  const trimmed = reason.trim()
  if (!trimmed) return { ok: false, reason: 'reason-required' }
  const today = moscowDay(now)
  const before = await findByNumber(db, number)
  const problem = extendProblem(before, today)
  if (problem) return { ok: false, reason: problem }

  const calendar = await loadWorkingCalendar(db)
  const newDue = extendedDueOn(before!.regime, before!.kind, before!.originalDueOn!, calendar)!
  warnAboutGaps(calendar, before!.originalDueOn!, newDue)
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(dataSubjectRequests)
      .set({ dueOn: newDue, extendedAt: now, extensionReason: trimmed.slice(0, NOTE_MAX_LENGTH) })
      .where(
        and(
          eq(dataSubjectRequests.id, before!.id),
          eq(dataSubjectRequests.status, 'open'),
          eq(dataSubjectRequests.regime, 'ru'),
          inArray(dataSubjectRequests.kind, extendableKinds('ru')),
          isNull(dataSubjectRequests.extendedAt),
          gte(dataSubjectRequests.originalDueOn, today),
        ),
      )
      .returning()
    if (updated) await recordEvent(tx, updated, 'extended', { actorUserId, note: updated.extensionReason })
    return updated
  })
  if (!row) {
    // Someone else extended or completed it in the meantime.
    return { ok: false, reason: extendProblem(await findByNumber(db, number), today) ?? 'already-extended' }
  }
  logStatus(row, 'extended', 'open', actorUserId)
  return { ok: true, row, mailed: await deliver(db, row, 'extension', send) }
}

export type CompleteProblem = 'not-found' | 'not-open' | 'already-completed' | 'note-required'

/**
 * Completes a request: fulfilled, or refused with the reasons in the note
 * (a refusal must be reasoned). Of two completions at once exactly one wins.
 */
export async function completeRequest(
  db: Database,
  number: number,
  {
    outcome,
    note,
    actorUserId,
    now = new Date(),
    send = sendMail,
  }: ActionOptions & { outcome: RequestOutcome; note: string; actorUserId: string },
): Promise<ActionResult<CompleteProblem>> {
  const trimmed = note.trim().slice(0, NOTE_MAX_LENGTH)
  if (outcome === 'refused' && !trimmed) return { ok: false, reason: 'note-required' }
  const before = await findByNumber(db, number)
  if (!before) return { ok: false, reason: 'not-found' }
  if (before.status === 'completed') return { ok: false, reason: 'already-completed' }
  if (before.status !== 'open') return { ok: false, reason: 'not-open' }

  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(dataSubjectRequests)
      .set({ status: 'completed', outcome, completedAt: now, completionNote: trimmed || null })
      .where(and(eq(dataSubjectRequests.id, before.id), eq(dataSubjectRequests.status, 'open')))
      .returning()
    if (updated) {
      await recordEvent(tx, updated, 'completed', {
        from: 'open',
        actorUserId,
        note: trimmed ? `${outcome}: ${trimmed}` : outcome,
      })
    }
    return updated
  })
  if (!row) return { ok: false, reason: 'already-completed' }
  logStatus(row, 'completed', 'open', actorUserId)
  return { ok: true, row, mailed: await deliver(db, row, 'completion', send) }
}

// ---------------------------------------------------------------------------
// The team's forms

export type LegalActionResult =
  | { ok: true; done: 'extended' | 'completed'; mailed: boolean }
  | { ok: false; status: 400 | 404 | 409; failure: FormFailure }

const E = 'legal-admin-requests:errors'

type Refusal = Extract<LegalActionResult, { ok: false }>

/** An input problem: the form's to fix, on its field. */
function fieldRefusal(field: string, message: string): Refusal {
  return { ok: false, status: 400, failure: formFailure({ [field]: message }, {}) }
}

/** The request changed or cannot take this step (409), or does not exist (404). */
function requestRefusal(status: 404 | 409, message: string): Refusal {
  return { ok: false, status, failure: formFailure({}, {}, message) }
}

const EXTEND_REFUSALS: Record<ExtendProblem, Refusal> = {
  'reason-required': fieldRefusal('reason', `${E}.reasonRequired`),
  'not-found': requestRefusal(404, `${E}.notFound`),
  'not-open': requestRefusal(409, `${E}.notOpen`),
  'not-ru': requestRefusal(409, `${E}.notRu`),
  'kind-not-extendable': requestRefusal(409, `${E}.kindNotExtendable`),
  'already-extended': requestRefusal(409, `${E}.alreadyExtended`),
  'too-late': requestRefusal(409, `${E}.tooLate`),
}

const COMPLETE_REFUSALS: Record<CompleteProblem, Refusal> = {
  'note-required': fieldRefusal('note', `${E}.noteRequired`),
  'not-found': requestRefusal(404, `${E}.notFound`),
  'not-open': requestRefusal(409, `${E}.notOpen`),
  'already-completed': requestRefusal(409, `${E}.alreadyCompleted`),
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

/** A refusal from the tables above, with what the form held to put back into its fields. */
function refused(refusal: Refusal, values: Record<string, string>): Refusal {
  return { ...refusal, failure: { ...refusal.failure, values } }
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
