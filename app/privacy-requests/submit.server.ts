/**
 * The public request form and the confirmation link: input, identity, rate
 * limits and the pages' addresses around the model in intake.server.ts.
 */
import { mailLinkBase } from '~/platform/mail/links.server'
import { normalizeEmail, type SessionUser, readGuestId } from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import { REQUEST_KINDS, REQUEST_REGIMES, type RequestKind, type RequestRegime } from './schema'
import type { Locale } from '~/platform/i18n/locales'
import { formFailure, textField, type FormFailure, rateLimited, type ActionOutcome } from '~/platform/form'
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
  const kind = textField(form, 'kind', 40)
  const regime = textField(form, 'regime', 40)
  // One character over the limit is enough to tell it was too long.
  const details = textField(form, 'details', DETAILS_MAX_LENGTH + 1).trim()
  const typedEmail = textField(form, 'email', 320).trim()
  const identity = formIdentity(user)
  const values = { kind, regime, details, email: typedEmail }

  const fieldErrors: FormFailure['fieldErrors'] = {}
  if (!isOneOf(REQUEST_KINDS, kind)) fieldErrors.kind = 'privacy-request:errors.kind'
  if (!isOneOf(REQUEST_REGIMES, regime)) fieldErrors.regime = 'privacy-request:errors.regime'
  if (details.length > DETAILS_MAX_LENGTH) fieldErrors.details = 'privacy-request:errors.detailsTooLong'
  else if (!details && isOneOf(DETAILS_REQUIRED, kind)) fieldErrors.details = 'privacy-request:errors.detailsRequired'
  const email = identity.kind === 'account' ? identity.email : normalizeEmail(typedEmail)
  if (!email) fieldErrors.email = 'privacy-request:errors.emailInvalid'
  if (Object.keys(fieldErrors).length > 0) return { ok: false, status: 400, failure: formFailure(fieldErrors, values) }

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
      kind: kind as RequestKind,
      regime: regime as RequestRegime,
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

export const LINK_PROBLEMS: Record<ConfirmationProblem, { message: string; status: 400 | 410 }> = {
  invalid: { message: 'privacy-request:errors.linkInvalid', status: 400 },
  expired: { message: 'privacy-request:errors.linkExpired', status: 410 },
}

export async function inspectConfirmationLink(token: string): Promise<ConfirmationState> {
  return inspectConfirmation(await getDb(), token)
}

/** Confirms from the button on the link's page; the page then shows the request as received. */
export async function confirmFromForm(form: FormData, url: URL) {
  const token = textField(form, 'token', 200) || url.searchParams.get('token') || ''
  const result = await confirmRequest(await getDb(), token)
  return { token, result }
}
