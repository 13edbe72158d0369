/**
 * Password reset by e-mail: a random single-use token that expires. Only its
 * SHA-256 is stored, so the table alone cannot be used to take over accounts.
 */
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNull, lt } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { passwordResetTokens, users } from './schema'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { sendMail, type MailMessage } from '~/platform/mail/mailer.server'
import { hashPassword, normalizeEmail, validateNewPassword, type PasswordProblem } from './password.server'
import { signOutEverywhere } from './session.server'

export const RESET_TOKEN_TTL_MINUTES = 60

// 32 random bytes in base64url.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

function tokenHash(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

export type RequestPasswordResetOptions = {
  locale: Locale
  /** The site's origin, e.g. PUBLIC_URL or the request's own origin; the link goes to <baseUrl>/<locale>/reset-password. */
  baseUrl: string
  now?: Date
  /** Defaults to sendMail; tests capture the message. */
  send?: (message: MailMessage) => Promise<unknown>
}

/**
 * Mails a reset link when a live account has this address. The outcome is
 * the same either way (nothing is returned, and the mail goes out in the
 * background so the response time does not tell either), so the form cannot
 * be used to find out who has an account. Rate limits are the caller's.
 */
export async function requestPasswordReset(
  db: Database,
  email: string,
  { locale, baseUrl, now = new Date(), send = sendMail }: RequestPasswordResetOptions,
): Promise<void> {
  const normalized = normalizeEmail(email)
  if (!normalized) return
  const [user] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.emailNormalized, normalized), isNull(users.deletedAt)))
  if (!user?.email) return

  const token = randomBytes(32).toString('base64url')
  await db.insert(passwordResetTokens).values({
    tokenHash: tokenHash(token),
    userId: user.id,
    expiresAt: new Date(now.getTime() + RESET_TOKEN_TTL_MINUTES * 60_000),
    createdAt: now,
  })

  const link = `${baseUrl.replace(/\/+$/, '')}/${locale}/reset-password?${new URLSearchParams({ token })}`
  const t = getFixedT(locale, 'auth')
  const message: MailMessage = {
    to: user.email,
    subject: t('mail.passwordReset.subject'),
    text: t('mail.passwordReset.text', { link, minutes: RESET_TOKEN_TTL_MINUTES }),
  }
  void send(message).then(
    () => logger.info({ event: 'auth.reset.mailed', userId: user.id }, 'password reset mail sent'),
    (error: unknown) =>
      logger.error({ err: error, event: 'auth.reset.mail-failed', userId: user.id }, 'reset mail failed'),
  )
}

export type ResetTokenProblem = 'invalid' | 'expired' | 'used'

export type ResetPasswordResult =
  { ok: true; userId: string } | { ok: false; reason: ResetTokenProblem | PasswordProblem }

/** Whether a token can still be used, for the reset page to show the form or say why not. */
export async function checkResetToken(
  db: Database,
  token: string,
  now: Date = new Date(),
): Promise<{ ok: true; email: string | null } | { ok: false; reason: ResetTokenProblem }> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'invalid' }
  const [row] = await db
    .select({
      usedAt: passwordResetTokens.usedAt,
      expiresAt: passwordResetTokens.expiresAt,
      email: users.emailNormalized,
      deletedAt: users.deletedAt,
    })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(eq(passwordResetTokens.tokenHash, tokenHash(token)))
  if (!row || row.deletedAt) return { ok: false, reason: 'invalid' }
  if (row.usedAt) return { ok: false, reason: 'used' }
  if (row.expiresAt <= now) return { ok: false, reason: 'expired' }
  return { ok: true, email: row.email }
}

/**
 * Sets a new password with a reset token. The token is spent by one
 * conditional UPDATE, so of two concurrent uses exactly one succeeds. Then,
 * in the same transaction, the password changes, every session of the
 * account ends and the account's other reset links stop working. A password
 * that breaks a rule leaves the token unspent, so the person can try again.
 */
export async function resetPassword(
  db: Database,
  token: string,
  newPassword: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<ResetPasswordResult> {
  const check = await checkResetToken(db, token, now)
  if (!check.ok) return check
  const problem = validateNewPassword(newPassword, check.email)
  if (problem) return { ok: false, reason: problem }
  // Hashing is slow: done before the transaction so no lock waits on it.
  const passwordHash = await hashPassword(newPassword)
  const hash = tokenHash(token)

  const outcome = await db.transaction(async (tx): Promise<ResetPasswordResult> => {
    const [spent] = await tx
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResetTokens.tokenHash, hash),
          isNull(passwordResetTokens.usedAt),
          gt(passwordResetTokens.expiresAt, now),
        ),
      )
      .returning({ userId: passwordResetTokens.userId })
    if (!spent) {
      // Someone else spent it first, or it expired in between.
      const again = await checkResetToken(tx, token, now)
      return { ok: false, reason: again.ok ? 'used' : again.reason }
    }
    const [updated] = await tx
      .update(users)
      .set({ passwordHash })
      .where(and(eq(users.id, spent.userId), isNull(users.deletedAt)))
      .returning({ id: users.id })
    if (!updated) return { ok: false, reason: 'invalid' }
    await signOutEverywhere(tx, spent.userId)
    await tx
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordResetTokens.userId, spent.userId), isNull(passwordResetTokens.usedAt)))
    return { ok: true, userId: spent.userId }
  })
  if (outcome.ok) logger.info({ event: 'auth.reset.done', userId: outcome.userId }, 'password reset')
  return outcome
}

/**
 * Deletes tokens expired for more than a day (a periodic job). Spent tokens
 * stay until then so a second click on the link says "already used".
 */
export async function sweepPasswordResetTokens(db: Database, now: Date = new Date()): Promise<number> {
  const removed = await db
    .delete(passwordResetTokens)
    .where(lt(passwordResetTokens.expiresAt, new Date(now.getTime() - 24 * 60 * 60_000)))
    .returning({ tokenHash: passwordResetTokens.tokenHash })
  return removed.length
}
