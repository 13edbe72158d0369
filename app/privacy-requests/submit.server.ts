/**
 * The public request form and the confirmation link: input, identity, rate
 * limits and the pages' addresses around the model in intake.server.ts.
 */
import { mailLinkBase } from '~/platform/mail/links.server'
import { normalizeEmail, type SessionUser, readGuestId } from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import { REQUEST_KINDS, REQUEST_REGIMES, type RequestKind, type RequestRegime } from './schema'
import type { Locale } from '~/platform/i18n/locales'
import { formFailure, type FormFailure, rateLimited, type ActionOutcome } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import { z } from 'zod'
import { logger } from '~/platform/log.server'
import { checkLimits } from '~/platform/security/rate-limit.server'
import {
  confirmRequest,
  createRequest,
  DETAILS_MAX_LENGTH,
  inspectConfirmation,
  type ConfirmationProblem,
  type ConfirmationState,
} from './intake.server'

/** Kinds whose request cannot be handled without the person saying what they want changed. */
const DETAILS_REQUIRED: readonly RequestKind[] = ['correction']

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value)
}

const E = 'privacy-request:errors'

/**
 * The request form. Someone signed in with an address on the account types
 * none (the account's is used); anyone else must give one. Every problem is
 * named at once, so the checks never stop at the first field.
 */
function requestForm(identity: RequestFormIdentity) {
  return z
    .object({
      kind: formText({ max: 40, trim: false })
        .refine((kind) => isOneOf(REQUEST_KINDS, kind), `${E}.kind`)
        .transform((kind) => kind as RequestKind),
      regime: formText({ max: 40, trim: false })
        .refine((regime) => isOneOf(REQUEST_REGIMES, regime), `${E}.regime`)
        .transform((regime) => regime as RequestRegime),
      // One character over the limit is enough to tell it was too long.
      details: formText({ max: DETAILS_MAX_LENGTH + 1 }).refine(
        (details) => details.length <= DETAILS_MAX_LENGTH,
        `${E}.detailsTooLong`,
      ),
      email: formText({ max: 320 })
        .transform((typed) => (identity.kind === 'account' ? identity.email : normalizeEmail(typed)))
        .refine((email) => email !== null, `${E}.emailInvalid`),
    })
    .superRefine(({ kind, details }, context) => {
      if (!details && DETAILS_REQUIRED.includes(kind)) {
        context.addIssue({ code: 'custom', path: ['details'], message: `${E}.detailsRequired` })
      }
    })
}

export type RequestFormIdentity =
  /** Signed in with an address on the account: nothing to type or confirm. */
  | { kind: 'account'; email: string }
  /** Signed in, but the account has no address: one must be given and confirmed. */
  | { kind: 'account-without-email' }
  | { kind: 'anonymous' }

export function formIdentity(user: SessionUser | null | undefined): RequestFormIdentity {
  if (!user) return { kind: 'anonymous' }
  return user.email ? { kind: 'account', email: user.email } : { kind: 'account-without-email' }
}

export type SubmitOutcome = { ok: true; redirectTo: string } | Extract<ActionOutcome, { ok: false }>

/**
 * Files a request from the form. Bad input comes back as field errors (400)
 * before anything is counted or written; then the per-IP and per-address
 * limits apply (429 with Retry-After).
 */
export async function submitRequestForm(
  request: Request,
  form: FormData,
  locale: Locale,
  user: SessionUser | null,
  evidence: { ip: string | null; userAgent: string | null },
): Promise<SubmitOutcome> {
  const identity = formIdentity(user)
  const parsed = parseForm(form, requestForm(identity))
  if (!parsed.ok) return { ok: false, status: 400, failure: parsed.failure }
  const { kind, regime, details, email } = parsed.data
  const { values } = parsed

  const db = await getDb()
  const limit = await checkLimits(db, [
    { policy: 'privacy-request-ip', subject: evidence.ip ?? 'unknown' },
    { policy: 'privacy-request-email', subject: email },
  ])
  if (!limit.ok) {
    logger.info({ event: 'privacy-request.limited' }, 'data-subject request refused by rate limit')
    return rateLimited(values, limit.retryAfterSeconds) as Extract<ActionOutcome, { ok: false }>
  }

  const created = await createRequest(
    db,
    {
      kind,
      regime,
      details,
      locale,
      userId: user?.id ?? null,
      email: { address: email!, confirmed: identity.kind === 'account' },
      guestId: await readGuestId(request),
      ip: evidence.ip,
      userAgent: evidence.userAgent,
    },
    { baseUrl: mailLinkBase(request) },
  )
  const base = `/${locale}/privacy/request/sent`
  if (created.status === 'open') return { ok: true, redirectTo: `${base}?number=${created.number}` }
  return { ok: true, redirectTo: created.mailed ? `${base}?confirm=1` : `${base}?confirm=1&mail=failed` }
}

/** A confirmation link that cannot be used: its status, and the message saying why. */
export type ConfirmLinkRefusal = { ok: false; status: 400 | 410; failure: FormFailure }

const LINK_REFUSALS: Record<ConfirmationProblem, ConfirmLinkRefusal> = {
  invalid: { ok: false, status: 400, failure: formFailure({}, {}, `${E}.linkInvalid`) },
  expired: { ok: false, status: 410, failure: formFailure({}, {}, `${E}.linkExpired`) },
}

/** The refusal of a link that is malformed, unknown or expired. */
export function confirmLinkRefusal(problem: ConfirmationProblem): ConfirmLinkRefusal {
  return LINK_REFUSALS[problem]
}

export async function inspectConfirmationLink(token: string): Promise<ConfirmationState> {
  return inspectConfirmation(await getDb(), token)
}

const CONFIRM_FORM = z.object({ token: formText({ max: 200 }) })

/** Confirms from the button on the link's page; the page then shows the request as received. */
export async function confirmFromForm(
  form: FormData,
  url: URL,
): Promise<{ token: string; result: { ok: true } | ConfirmLinkRefusal }> {
  const parsed = parseForm(form, CONFIRM_FORM, { secrets: ['token'] })
  const token = (parsed.ok ? parsed.data.token : '') || url.searchParams.get('token') || ''
  const result = await confirmRequest(await getDb(), token)
  return { token, result: result.ok ? { ok: true } : confirmLinkRefusal(result.reason) }
}
