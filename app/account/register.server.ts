import { EmailTakenError, createAccount } from '~/auth/accounts.server'
import { normalizeEmail, validateNewPassword } from '~/auth/password.server'
import { createUserSession } from '~/auth/session.server'
import { recordAcceptances } from '~/consent/ledger.server'
import { getDb } from '~/db/client.server'
import { clearGuestCookie, linkGuestToUser, readGuestId } from '~/guest/guest.server'
import { getFixedT } from '~/i18n/i18next.server'
import type { Locale } from '~/i18n/locales'
import { formFailure, textField, type FormFailure } from '~/lib/form'
import { logger } from '~/log.server'
import { mailLinkBase } from '~/mail/links.server'
import { enqueueMail } from '~/mail/outbox.server'
import { checkLimits } from '~/security/rate-limit.server'
import { acceptanceWording, checkSubmittedAcceptance } from './acceptance-form.server'
import { deliverAccountMailSoon } from './mails.server'

export const REGISTER_KINDS = ['terms', 'privacy', 'consent'] as const

/** Message keys (account namespace) for the password rules of password.server.ts. */
export const PASSWORD_ERRORS = {
  'too-short': 'errors.passwordTooShort',
  'too-long': 'errors.passwordTooLong',
  common: 'errors.passwordCommon',
  'contains-email': 'errors.passwordContainsEmail',
} as const

export type ActionOutcome =
  { ok: true; headers: Headers } | { ok: false; status: number; failure: FormFailure; headers?: Headers }

/** The 429 every limited form answers: a message saying when to come back, and Retry-After. */
export function rateLimited(values: Record<string, string>, retryAfterSeconds: number): ActionOutcome {
  return {
    ok: false,
    status: 429,
    failure: formFailure({}, values, 'auth:errors.rateLimited', {
      count: Math.max(1, Math.ceil(retryAfterSeconds / 60)),
    }),
    headers: new Headers({ 'Retry-After': String(retryAfterSeconds) }),
  }
}

/**
 * Registration: the account and its three acceptance rows are written in one
 * transaction (no user without acceptances, no acceptances without a user);
 * a guest session on this device is linked to the new account in the same
 * transaction, and so is the mail the account is owed (confirm the address;
 * the versions accepted). Then a fresh session is started and the mail sent.
 */
export async function registerAccount(
  request: Request,
  form: FormData,
  locale: Locale,
  evidence: { ip: string | null; userAgent: string | null },
): Promise<ActionOutcome> {
  const email = textField(form, 'email', 320).trim()
  const password = textField(form, 'password', 1000)
  const values = { email }
  const db = await getDb()

  const limit = await checkLimits(db, [{ policy: 'register-ip', subject: evidence.ip ?? 'unknown' }])
  if (!limit.ok) return rateLimited(values, limit.retryAfterSeconds)

  const fieldErrors: Record<string, string> = {}
  const normalized = normalizeEmail(email)
  if (!normalized) fieldErrors.email = 'errors.emailInvalid'
  const passwordError = validateNewPassword(password, normalized ?? email)
  if (passwordError) fieldErrors.password = PASSWORD_ERRORS[passwordError]

  const acceptance = await checkSubmittedAcceptance(form, [...REGISTER_KINDS], locale, { fieldErrors, values })
  if (!acceptance.ok) return { ok: false, status: acceptance.status, failure: acceptance.failure }

  const t = getFixedT(locale, ['account'])
  const guestId = readGuestId(request)
  const baseUrl = mailLinkBase(request)
  let created: { userId: string; mailId: string | null }
  try {
    created = await db.transaction(async (tx) => {
      const id = await createAccount(tx, { email, password, locale })
      await recordAcceptances(tx, {
        subject: { userId: id },
        event: 'register',
        documents: acceptance.documents,
        wordings: Object.fromEntries(acceptance.documents.map((d) => [d.kind, acceptanceWording(t, d)])),
        ip: evidence.ip,
        userAgent: evidence.userAgent,
        action: { type: 'account', id },
      })
      if (guestId) await linkGuestToUser(tx, guestId, id)
      // Owed with the account: the confirmation link and the receipt of what was just accepted.
      const owed = await enqueueMail(tx, {
        kind: 'registration',
        dedupeKey: `registration:${id}`,
        userId: id,
        locale,
        baseUrl,
      })
      return { userId: id, mailId: owed }
    })
  } catch (error) {
    if (error instanceof EmailTakenError) {
      return { ok: false, status: 400, failure: formFailure({ email: 'errors.emailTaken' }, values) }
    }
    throw error
  }
  const { userId, mailId } = created
  logger.info({ event: 'account.registered', userId, linkedGuest: Boolean(guestId) }, 'account registered')
  deliverAccountMailSoon([mailId])
  const session = await createUserSession(db, userId, evidence)
  const headers = new Headers()
  headers.append('Set-Cookie', session.cookie)
  if (guestId) headers.append('Set-Cookie', clearGuestCookie())
  return { ok: true, headers }
}
