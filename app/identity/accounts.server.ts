import { randomBytes, randomUUID } from 'node:crypto'
import { and, eq, isNull, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { emailVerificationTokens, oauthAccounts, passwordResetTokens, users, type UserRow } from './schema'
import type { Locale } from '~/platform/i18n/locales'
import {
  hashPassword,
  normalizeEmail,
  validateNewPassword,
  verifyPassword,
  type PasswordProblem,
} from './password.server'
import { signOutEverywhere, type SessionUser } from './session.server'

/** The address already belongs to an account (in any letter case). */
export class EmailTakenError extends Error {
  constructor() {
    super('an account with this e-mail address already exists')
    this.name = 'EmailTakenError'
  }
}

/** Input a route should have rejected with a message before calling in. */
export class AccountInputError extends Error {
  constructor(readonly problem: 'invalid-email' | PasswordProblem) {
    super(`account input refused: ${problem}`)
    this.name = 'AccountInputError'
  }
}

const UNIQUE_VIOLATION = '23505'
const EMAIL_UNIQUE = 'users_email_normalized_key'

/** Both drivers report SQLSTATE and constraint on the error drizzle wraps (its `cause`). */
function isEmailUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, constraint } = e as { code?: unknown; constraint?: unknown }
    if (code === UNIQUE_VIOLATION) return constraint === undefined || constraint === EMAIL_UNIQUE
    e = (e as { cause?: unknown }).cause
  }
  return false
}

function toSessionUser(
  row: Pick<UserRow, 'id' | 'email' | 'emailVerifiedAt' | 'displayName' | 'locale' | 'roles'>,
): SessionUser {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    displayName: row.displayName,
    locale: row.locale,
    roles: row.roles,
  }
}

/**
 * Creates an account with e-mail and password; returns its id. Takes the
 * caller's transaction so the account and its acceptance records commit
 * together. Throws EmailTakenError when the address is in use (whatever its
 * case, and also when a concurrent registration wins the race), and
 * AccountInputError for an address or password the rules refuse.
 */
export async function createAccount(
  tx: Database,
  input: { email: string; password: string; locale: Locale; displayName?: string | null },
): Promise<string> {
  // Kept as typed for display and mail, minus stray spaces and compatibility characters.
  const email = input.email.trim().normalize('NFKC')
  const emailNormalized = normalizeEmail(email)
  if (!emailNormalized) throw new AccountInputError('invalid-email')
  const problem = validateNewPassword(input.password, emailNormalized)
  if (problem) throw new AccountInputError(problem)

  const id = randomUUID()
  const passwordHash = await hashPassword(input.password)
  try {
    await tx.insert(users).values({
      id,
      email,
      emailNormalized,
      passwordHash,
      displayName: input.displayName?.trim() || null,
      locale: input.locale,
    })
  } catch (error) {
    if (isEmailUniqueViolation(error)) throw new EmailTakenError()
    throw error
  }
  return id
}

// Verifying against a hash made with the same parameters makes a sign-in for
// an unknown address take as long as one for a known address.
let dummyHash: Promise<string> | undefined
function timingDummyHash() {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'))
  return dummyHash
}

/**
 * An account created through a sign-in provider: no password; the e-mail is
 * the provider's (Telegram gives none), verified when the provider says it
 * verified it. A provider address that already
 * belongs to an account throws EmailTakenError: the person signs in to that
 * account instead of getting a second one.
 */
export async function createProviderAccount(
  tx: Database,
  input: { email: string | null; emailVerified?: boolean; locale: Locale; displayName?: string | null },
): Promise<string> {
  const email = input.email?.trim().normalize('NFKC') || null
  const emailNormalized = email ? normalizeEmail(email) : null
  if (email && !emailNormalized) throw new AccountInputError('invalid-email')
  const id = randomUUID()
  try {
    await tx.insert(users).values({
      id,
      email: emailNormalized ? email : null,
      emailNormalized,
      // The provider's own flag: it confirmed that the person receives mail at this address.
      emailVerifiedAt: emailNormalized && input.emailVerified ? new Date() : null,
      passwordHash: null,
      displayName: input.displayName?.trim() || null,
      locale: input.locale,
    })
  } catch (error) {
    if (isEmailUniqueViolation(error)) throw new EmailTakenError()
    throw error
  }
  return id
}

/** The account for this e-mail and password, or null (unknown, deleted, no password, or wrong password). */
export async function authenticate(db: Database, email: string, password: string): Promise<SessionUser | null> {
  const normalized = normalizeEmail(email)
  const [row] = normalized
    ? await db
        .select()
        .from(users)
        .where(and(eq(users.emailNormalized, normalized), isNull(users.deletedAt)))
    : []
  if (!row?.passwordHash) {
    await verifyPassword(await timingDummyHash(), password)
    return null
  }
  return (await verifyPassword(row.passwordHash, password)) ? toSessionUser(row) : null
}

/** Re-authentication before a sensitive action (deletion, e-mail change): true when the password is the account's. */
export async function verifyPasswordForUser(db: Database, userId: string, password: string): Promise<boolean> {
  const [row] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
  if (!row?.passwordHash) {
    await verifyPassword(await timingDummyHash(), password)
    return false
  }
  return verifyPassword(row.passwordHash, password)
}

/** The id of the live account holding this address (in any letter case), or null. */
export async function findAccountIdByEmail(db: Database, email: string): Promise<string | null> {
  const emailNormalized = normalizeEmail(email)
  if (!emailNormalized) return null
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.emailNormalized, emailNormalized), isNull(users.deletedAt)))
  return row?.id ?? null
}

/** A live (not deleted) account by id. */
export async function findUser(db: Database, userId: string): Promise<SessionUser | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
  return row ? toSessionUser(row) : null
}

/**
 * Sets a new password (account page, reset) and ends every session of the
 * account. Throws AccountInputError when the password breaks a rule; false
 * when there is no such live account.
 */
export async function setPassword(tx: Database, userId: string, newPassword: string): Promise<boolean> {
  const [row] = await tx
    .select({ email: users.emailNormalized })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
  if (!row) return false
  const problem = validateNewPassword(newPassword, row.email)
  if (problem) throw new AccountInputError(problem)
  await tx
    .update(users)
    .set({ passwordHash: await hashPassword(newPassword) })
    .where(eq(users.id, userId))
  await signOutEverywhere(tx, userId)
  return true
}

/**
 * Erases what identifies the person in their account: e-mail (and when it was
 * verified), password, name and roles go, deletedAt is set, and sessions,
 * provider links, reset and verification tokens are deleted. The row itself
 * stays so acceptance records and orders keep a subject, which is now only a
 * pseudonymous id. Runs in the caller's transaction; closing an account
 * (flows/account/erase) does the other parts' share in the same one.
 */
export async function deidentifyAccount(tx: Database, userId: string): Promise<void> {
  await tx
    .update(users)
    .set({
      email: null,
      emailNormalized: null,
      emailVerifiedAt: null,
      passwordHash: null,
      displayName: null,
      roles: [],
      deletedAt: sql`coalesce(${users.deletedAt}, now())`,
    })
    .where(eq(users.id, userId))
  await signOutEverywhere(tx, userId)
  await tx.delete(oauthAccounts).where(eq(oauthAccounts.userId, userId))
  await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId))
  await tx.delete(emailVerificationTokens).where(eq(emailVerificationTokens.userId, userId))
}
