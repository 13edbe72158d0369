/**
 * The confirmation page and the "send a new link" button: input, rate
 * limits and messages around the token logic of
 * ~/auth/email-verification.server.
 */
import { randomUUID } from 'node:crypto'
import {
  inspectVerificationToken,
  verificationState,
  verifyEmailWithToken,
  type VerifyTokenProblem,
  type SessionUser,
} from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import type { Locale } from '~/platform/i18n/locales'
import { formFailure, rateLimited, type ActionOutcome, type FormFailure } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import { logger } from '~/platform/log.server'
import { mailLinkBase } from '~/platform/mail/links.server'
import { enqueueMail } from '~/outbox/index.server'
import { checkLimits } from '~/platform/security/rate-limit.server'
import { z } from 'zod'
import { deliverAccountMailSoon } from './mails.server'

export const VERIFY_LINK_MESSAGES: Record<VerifyTokenProblem, string> = {
  invalid: 'email:verify.errors.invalid',
  expired: 'email:verify.errors.expired',
  used: 'email:verify.errors.used',
  replaced: 'email:verify.errors.replaced',
}

// A link that never worked is a bad request; one that worked once, or was replaced, is gone for good.
const VERIFY_LINK_STATUS: Record<VerifyTokenProblem, 400 | 410> = {
  invalid: 400,
  expired: 410,
  used: 410,
  replaced: 410,
}

/** A confirmation link that cannot be used: its status, and the form's message saying why. */
export type VerifyLinkRefusal = { ok: false; status: 400 | 410; failure: FormFailure }

function refusal(reason: VerifyTokenProblem): VerifyLinkRefusal {
  return { ok: false, status: VERIFY_LINK_STATUS[reason], failure: formFailure({}, {}, VERIFY_LINK_MESSAGES[reason]) }
}

const CONFIRM_FORM = z.object({ token: formText({ max: 200 }) })

/** What a link from a letter is, for the page (a GET: nothing is spent). */
export async function inspectVerifyLink(token: string): Promise<{ ok: true; email: string } | VerifyLinkRefusal> {
  const check = await inspectVerificationToken(await getDb(), token)
  return check.ok ? { ok: true, email: check.email } : refusal(check.reason)
}

export type ConfirmOutcome = { ok: true; email: string } | VerifyLinkRefusal

/**
 * The page's button: spends the token (from the form's hidden field, else
 * the address) and marks the address confirmed. No session is needed: the
 * link proves the person reads that mailbox, on whatever device they open it.
 */
export async function confirmFromForm(form: FormData, url: URL): Promise<ConfirmOutcome> {
  const parsed = parseForm(form, CONFIRM_FORM, { secrets: ['token'] })
  const token = (parsed.ok ? parsed.data.token : '') || url.searchParams.get('token') || ''
  const result = await verifyEmailWithToken(await getDb(), token)
  if (!result.ok) return refusal(result.reason)
  logger.info({ event: 'account.email-verified', userId: result.userId }, 'e-mail address confirmed')
  return { ok: true, email: result.email }
}

/**
 * "Send a new link": mails a new confirmation link to the account's address
 * (replacing earlier links), at most 3 an hour per account and 10 an hour
 * per client address. Nothing is sent for an address already confirmed, or
 * an account without one.
 */
export async function resendVerification(
  request: Request,
  user: SessionUser,
  locale: Locale,
  evidence: { ip: string | null },
): Promise<ActionOutcome & { state?: 'sent' | 'verified' | 'no-email' }> {
  const db = await getDb()
  const state = await verificationState(db, user.id)
  if (!state?.email) {
    return { ok: false, status: 400, failure: formFailure({}, {}, 'email:verify.noEmail'), state: 'no-email' }
  }
  if (state.verifiedAt) return { ok: true, headers: new Headers(), state: 'verified' }
  const limit = await checkLimits(db, [
    { policy: 'verify-resend-ip', subject: evidence.ip ?? 'unknown' },
    { policy: 'verify-resend-account', subject: user.id },
  ])
  if (!limit.ok) {
    logger.info(
      { event: 'account.verify-resend.limited', userId: user.id },
      'new confirmation link refused by rate limit',
    )
    return rateLimited({}, limit.retryAfterSeconds)
  }
  const mailId = await db.transaction((tx) =>
    enqueueMail(tx, {
      kind: 'verification',
      // Each request is its own mail; the rate limits keep their number down.
      dedupeKey: `verification:${randomUUID()}`,
      userId: user.id,
      locale,
      baseUrl: mailLinkBase(request),
    }),
  )
  deliverAccountMailSoon([mailId])
  return { ok: true, headers: new Headers(), state: 'sent' }
}
