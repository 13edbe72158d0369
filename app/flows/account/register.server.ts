import {
  EmailTakenError,
  createAccount,
  findAccountIdByEmail,
  normalizeEmail,
  validateNewPassword,
  clearGuestCookie,
  readGuestId,
} from '~/identity/index.server'
import { checkSubmittedAcceptance } from '~/acceptances/index.server'
import { getDb } from '~/platform/db/client.server'
import type { Locale } from '~/platform/i18n/locales'
import { rateLimited, type ActionOutcome } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import { logger } from '~/platform/log.server'
import { mailLinkBase } from '~/platform/mail/links.server'
import { enqueueMail } from '~/outbox/index.server'
import { checkLimits } from '~/platform/security/rate-limit.server'
import { z } from 'zod'
import { deliverAccountMailSoon } from './mails.server'
import { openAccount } from './open-account.server'

export const REGISTER_KINDS = ['terms', 'privacy', 'consent'] as const

/** Message keys (account namespace) for the password rules of password.server.ts. */
export const PASSWORD_ERRORS = {
  'too-short': 'errors.passwordTooShort',
  'too-long': 'errors.passwordTooLong',
  common: 'errors.passwordCommon',
  'contains-email': 'errors.passwordContainsEmail',
} as const

const REGISTER_FORM = z
  .object({
    email: formText({ max: 320 }).refine((email) => normalizeEmail(email) !== null, 'errors.emailInvalid'),
    password: formText({ max: 1000, trim: false }),
  })
  .superRefine(({ email, password }, context) => {
    const problem = validateNewPassword(password, normalizeEmail(email) ?? email)
    if (problem) context.addIssue({ code: 'custom', path: ['password'], message: PASSWORD_ERRORS[problem] })
  })

/** At most one "someone tried to register with your address" letter per account in this many ms. */
const ATTEMPT_MAIL_WINDOW_MS = 60 * 60 * 1000

/**
 * Registration. The answer never tells whether the address already has an
 * account: either way it is "check your inbox" (ok), with no session, and
 * the guest cookie of this device (if any) is removed either way.
 *
 *  - A new address: the account is opened (openAccount: the account, its
 *    three acceptance rows, the guest of this device and the mail it is
 *    owed, in one transaction). The person then signs in.
 *  - An address that has an account: nothing is recorded (no account, no
 *    session, no acceptance); the account holder is owed a letter saying
 *    someone tried, with links to sign in and to reset the password (at most
 *    one an hour). The password is hashed in both cases, so the time taken
 *    does not tell them apart either.
 */
export async function registerAccount(
  request: Request,
  form: FormData,
  locale: Locale,
  evidence: { ip: string | null; userAgent: string | null },
): Promise<ActionOutcome> {
  const parsed = parseForm(form, REGISTER_FORM, { secrets: ['password'] })
  const { values } = parsed.ok ? parsed : parsed.failure
  const db = await getDb()

  const limit = await checkLimits(db, [{ policy: 'register-ip', subject: evidence.ip ?? 'unknown' }])
  if (!limit.ok) return rateLimited(values, limit.retryAfterSeconds)

  // The acceptance boxes are checked whatever the fields say, so one refusal names every problem.
  const fieldErrors = parsed.ok ? {} : parsed.failure.fieldErrors
  const acceptance = await checkSubmittedAcceptance(form, [...REGISTER_KINDS], locale, { fieldErrors, values })
  if (!acceptance.ok) return { ok: false, status: acceptance.status, failure: acceptance.failure }
  // No field error and no acceptance error: the fields parsed.
  if (!parsed.ok) throw new Error('registration fields refused without a field error')
  const { email, password } = parsed.data

  const guestId = await readGuestId(request)
  const baseUrl = mailLinkBase(request)
  let userId: string
  try {
    userId = await openAccount({
      create: (tx) => createAccount(tx, { email, password, locale }),
      documents: acceptance.documents,
      locale,
      evidence,
      guestId,
      mailable: true,
      baseUrl,
    })
  } catch (error) {
    if (error instanceof EmailTakenError) {
      await tellAccountHolder(email, locale, baseUrl)
      return { ok: true, headers: checkInboxHeaders(guestId) }
    }
    throw error
  }
  logger.info({ event: 'account.registered', userId, linkedGuest: Boolean(guestId) }, 'account registered')
  return { ok: true, headers: checkInboxHeaders(guestId) }
}

/** The same headers whether the address was new or not. */
function checkInboxHeaders(guestId: string | null): Headers {
  const headers = new Headers()
  if (guestId) headers.append('Set-Cookie', clearGuestCookie())
  return headers
}

/** Owes the holder of an existing account the "someone tried to register" letter (one an hour at most). */
async function tellAccountHolder(email: string, locale: Locale, baseUrl: string): Promise<void> {
  const db = await getDb()
  const userId = await findAccountIdByEmail(db, email)
  // Taken by an account that was deleted in the meantime: nobody to tell.
  if (!userId) return
  const window = Math.floor(Date.now() / ATTEMPT_MAIL_WINDOW_MS)
  const mailId = await enqueueMail(db, {
    kind: 'registration-attempt',
    dedupeKey: `registration-attempt:${userId}:${window}`,
    userId,
    locale,
    baseUrl,
  })
  logger.info({ event: 'account.register.address-taken', userId, mailed: mailId !== null }, 'registration refused')
  deliverAccountMailSoon([mailId])
}
