/**
 * The forgot-password and reset-password forms: input, rate limits and the
 * link's address around the token logic of ~/auth/password-reset.server.
 */
import {
  checkResetToken,
  requestPasswordReset,
  resetPassword,
  type ResetTokenProblem,
  normalizeEmail,
  type PasswordProblem,
} from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import { getEnv } from '~/platform/env.server'
import type { Locale } from '~/platform/i18n/locales'
import { formFailure, type FormFailure, rateLimited, type ActionOutcome } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import { logger } from '~/platform/log.server'
import { mailLinkBase } from '~/platform/mail/links.server'
import { mailPreviewEnabled } from '~/platform/mail/mailer.server'
import { checkLimits } from '~/platform/security/rate-limit.server'
import { z } from 'zod'
import { PASSWORD_ERRORS } from './register.server'

const TOKEN_MESSAGES: Record<ResetTokenProblem, string> = {
  invalid: 'auth:errors.resetInvalid',
  expired: 'auth:errors.resetExpired',
  used: 'auth:errors.resetUsed',
}

// A link that never worked is a bad request; one that worked once is gone for good.
const TOKEN_STATUS: Record<ResetTokenProblem, 400 | 410> = { invalid: 400, expired: 410, used: 410 }

/** A reset link that cannot be used: its status, and the form's message saying why. */
export type ResetLinkRefusal = { ok: false; status: 400 | 410; failure: FormFailure }

function isTokenProblem(reason: ResetTokenProblem | PasswordProblem): reason is ResetTokenProblem {
  return Object.hasOwn(TOKEN_MESSAGES, reason)
}

function refusal(reason: ResetTokenProblem): ResetLinkRefusal {
  return { ok: false, status: TOKEN_STATUS[reason], failure: formFailure({}, {}, TOKEN_MESSAGES[reason]) }
}

const FORGOT_FORM = z.object({
  email: formText({ max: 320 }).refine((email) => normalizeEmail(email) !== null, 'errors.emailInvalid'),
})

const RESET_FORM = z.object({ token: formText({ max: 200 }), password: formText({ max: 1000, trim: false }) })

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
  const parsed = parseForm(form, FORGOT_FORM)
  if (!parsed.ok) return { ok: false, status: 400, failure: parsed.failure }
  const { values } = parsed
  const normalized = normalizeEmail(parsed.data.email)!

  const db = await getDb()
  const limit = await checkLimits(db, [
    { policy: 'reset-ip', subject: evidence.ip ?? 'unknown' },
    { policy: 'reset-account', subject: normalized },
  ])
  if (!limit.ok) {
    logger.info({ event: 'auth.reset.limited' }, 'password reset request refused by rate limit')
    return rateLimited(values, limit.retryAfterSeconds)
  }
  await requestPasswordReset(db, normalized, { locale, baseUrl: mailLinkBase(request) })
  return { ok: true, headers: new Headers() }
}

/** Whether a reset link can still be used, with the e-mail of its account (for the page and password managers). */
export async function inspectResetLink(token: string): Promise<{ ok: true; email: string | null } | ResetLinkRefusal> {
  const check = await checkResetToken(await getDb(), token)
  return check.ok ? check : refusal(check.reason)
}

export type ResetOutcome = { ok: true } | { ok: false; status: number; failure: FormFailure; linkRefused: boolean }

/**
 * Sets the new password from the reset form. The token comes from the form
 * (a hidden field), else from the page's address. A password that breaks a
 * rule keeps the link usable; a link that went bad while the form was open
 * comes back as a refusal the page shows instead of the form.
 */
export async function completeReset(form: FormData, url: URL): Promise<ResetOutcome> {
  // The schema refuses nothing: the token's and the password's rules are the reset's own.
  const parsed = parseForm(form, RESET_FORM, { secrets: ['token', 'password'] })
  const fields = parsed.ok ? parsed.data : { token: '', password: '' }
  const token = fields.token || url.searchParams.get('token') || ''
  const result = await resetPassword(await getDb(), token, fields.password)
  if (result.ok) return { ok: true }
  if (isTokenProblem(result.reason)) return { ...refusal(result.reason), linkRefused: true }
  return {
    ok: false,
    status: 400,
    failure: formFailure({ password: PASSWORD_ERRORS[result.reason] }, {}),
    linkRefused: false,
  }
}
