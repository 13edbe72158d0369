/**
 * The forgot-password and reset-password forms: input, rate limits and the
 * link's address around the token logic of ~/auth/password-reset.server.
 */
import {
  checkResetToken,
  requestPasswordReset,
  resetPassword,
  type ResetTokenProblem,
} from '~/auth/password-reset.server'
import { normalizeEmail, type PasswordProblem } from '~/auth/password.server'
import { getDb } from '~/db/client.server'
import { getEnv } from '~/env.server'
import type { Locale } from '~/i18n/locales'
import { formFailure, textField, type FormFailure, rateLimited, type ActionOutcome } from '~/lib/form'
import { logger } from '~/log.server'
import { mailLinkBase } from '~/mail/links.server'
import { mailPreviewEnabled } from '~/mail/mailer.server'
import { checkLimits } from '~/security/rate-limit.server'
import { PASSWORD_ERRORS } from './register.server'

const TOKEN_MESSAGES: Record<ResetTokenProblem, string> = {
  invalid: 'auth:errors.resetInvalid',
  expired: 'auth:errors.resetExpired',
  used: 'auth:errors.resetUsed',
}

// A link that never worked is a bad request; one that worked once is gone for good.
const TOKEN_STATUS: Record<ResetTokenProblem, 400 | 410> = { invalid: 400, expired: 410, used: 410 }

export type ResetLinkRefusal = { reason: ResetTokenProblem; message: string; status: 400 | 410 }

function isTokenProblem(reason: ResetTokenProblem | PasswordProblem): reason is ResetTokenProblem {
  return Object.hasOwn(TOKEN_MESSAGES, reason)
}

function refusal(reason: ResetTokenProblem): ResetLinkRefusal {
  return { reason, message: TOKEN_MESSAGES[reason], status: TOKEN_STATUS[reason] }
}

/**
 * Where reset links point: PUBLIC_URL, else (outside production only) the
 * origin the request came to. In production the Host header, which a client
 * chooses, never decides where a link in a letter goes (~/mail/links.server).
 */
export function resetLinkBase(request: Request): string {
  return mailLinkBase(request)
}

/** Whether the confirmation should point to the development mail page (no SMTP, not production). */
export function storedMailPreviewed(): boolean {
  return !getEnv().SMTP_URL && mailPreviewEnabled()
}

/**
 * "Forgot your password": mails a link when an account has this address. The
 * outcome is the same whether or not it does, so the form cannot be used to
 * find accounts; both limits count every request, known address or not.
 */
export async function requestResetLink(
  request: Request,
  form: FormData,
  locale: Locale,
  evidence: { ip: string | null },
): Promise<ActionOutcome> {
  const email = textField(form, 'email', 320).trim()
  const values = { email }
  const normalized = normalizeEmail(email)
  if (!normalized) return { ok: false, status: 400, failure: formFailure({ email: 'errors.emailInvalid' }, values) }

  const db = await getDb()
  const limit = await checkLimits(db, [
    { policy: 'reset-ip', subject: evidence.ip ?? 'unknown' },
    { policy: 'reset-account', subject: normalized },
  ])
  if (!limit.ok) {
    logger.info({ event: 'auth.reset.limited' }, 'password reset request refused by rate limit')
    return rateLimited(values, limit.retryAfterSeconds)
  }
  await requestPasswordReset(db, normalized, { locale, baseUrl: resetLinkBase(request) })
  return { ok: true, headers: new Headers() }
}

/** Whether a reset link can still be used, with the e-mail of its account (for the page and password managers). */
export async function inspectResetLink(
  token: string,
): Promise<{ ok: true; email: string | null } | ({ ok: false } & ResetLinkRefusal)> {
  const check = await checkResetToken(await getDb(), token)
  return check.ok ? check : { ok: false, ...refusal(check.reason) }
}

export type ResetOutcome =
  { ok: true } | { ok: false; status: number; failure: FormFailure; refusal?: ResetLinkRefusal }

/**
 * Sets the new password from the reset form. The token comes from the form
 * (a hidden field), else from the page's address. A password that breaks a
 * rule keeps the link usable; a link that went bad while the form was open
 * comes back as a refusal the page shows instead of the form.
 */
export async function completeReset(form: FormData, url: URL): Promise<ResetOutcome> {
  const token = textField(form, 'token', 200) || url.searchParams.get('token') || ''
  const password = textField(form, 'password', 1000)
  const result = await resetPassword(await getDb(), token, password)
  if (result.ok) return { ok: true }
  if (isTokenProblem(result.reason)) {
    const refused = refusal(result.reason)
    return { ok: false, status: refused.status, failure: formFailure({}, {}, refused.message), refusal: refused }
  }
  return { ok: false, status: 400, failure: formFailure({ password: PASSWORD_ERRORS[result.reason] }, {}) }
}
