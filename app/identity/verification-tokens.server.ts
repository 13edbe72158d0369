/**
 * E-mail address verification: a random single-use token mailed as a link.
 * Only its SHA-256 is stored (like password reset tokens), so the table alone
 * cannot be used to verify anything. A new link replaces the account's
 * earlier ones; a link works once and for VERIFY_TOKEN_TTL_HOURS.
 *
 * Looking at a link (inspectVerificationToken) never spends it: mail
 * scanners open links before the person does. Only the page's button, a
 * POST, calls verifyEmailWithToken.
 */
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { emailVerificationTokens, users } from './schema'
import { retentionCutoff } from '~/platform/processing-register'
import { normalizeEmail } from './password.server'

export const VERIFY_TOKEN_TTL_HOURS = 48

// 32 random bytes in base64url.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

function tokenHash(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

/** The verification time to set: the one already there, else `now` (the first proof counts). */
function keepFirst(now: Date) {
  return sql`coalesce(${users.emailVerifiedAt}, ${now.toISOString()}::timestamptz)`
}

export type VerificationState = {
  /** The address as the account shows it; null when the account has none (then nothing can be verified). */
  email: string | null
  verifiedAt: Date | null
}

/** Whether the account's current address is verified, and when. Null for a missing or deleted account. */
export async function verificationState(db: Database, userId: string): Promise<VerificationState | null> {
  const [row] = await db
    .select({ email: users.email, verifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
  return row ?? null
}

/**
 * A new verification token for the account's current address, replacing any
 * earlier ones that are still open (so an older mail's link stops working).
 * Null when there is nothing to verify: no such live account, no address,
 * or the address is verified already. Takes the caller's transaction or
 * opens one.
 */
export async function createVerificationToken(
  db: Database,
  userId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<{ token: string; email: string; expiresAt: Date } | null> {
  return db.transaction(async (tx) => {
    // Locks the account row: two links asked for at once are created one after the other.
    const [user] = await tx
      .select({ email: users.email, verifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .for('update')
    if (!user?.email || user.verifiedAt) return null
    await tx
      .update(emailVerificationTokens)
      .set({ replacedAt: now })
      .where(
        and(
          eq(emailVerificationTokens.userId, userId),
          isNull(emailVerificationTokens.usedAt),
          isNull(emailVerificationTokens.replacedAt),
        ),
      )
    const token = randomBytes(32).toString('base64url')
    const expiresAt = new Date(now.getTime() + VERIFY_TOKEN_TTL_HOURS * 60 * 60_000)
    await tx.insert(emailVerificationTokens).values({ tokenHash: tokenHash(token), userId, expiresAt, createdAt: now })
    return { token, email: user.email, expiresAt }
  })
}

export type VerifyTokenProblem = 'invalid' | 'expired' | 'used' | 'replaced'

export type VerifyTokenCheck =
  { ok: true; userId: string; email: string } | { ok: false; reason: VerifyTokenProblem; userId?: string }

/** What a link is, for the page to show the button or say why not. Spends nothing. */
export async function inspectVerificationToken(
  db: Database,
  token: string,
  now: Date = new Date(),
): Promise<VerifyTokenCheck> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'invalid' }
  const [row] = await db
    .select({
      userId: emailVerificationTokens.userId,
      usedAt: emailVerificationTokens.usedAt,
      replacedAt: emailVerificationTokens.replacedAt,
      expiresAt: emailVerificationTokens.expiresAt,
      email: users.email,
      deletedAt: users.deletedAt,
    })
    .from(emailVerificationTokens)
    .innerJoin(users, eq(users.id, emailVerificationTokens.userId))
    .where(eq(emailVerificationTokens.tokenHash, tokenHash(token)))
  if (!row || row.deletedAt || !row.email) return { ok: false, reason: 'invalid' }
  if (row.usedAt) return { ok: false, reason: 'used', userId: row.userId }
  if (row.replacedAt) return { ok: false, reason: 'replaced', userId: row.userId }
  if (row.expiresAt <= now) return { ok: false, reason: 'expired', userId: row.userId }
  return { ok: true, userId: row.userId, email: row.email }
}

export type VerifyResult =
  { ok: true; userId: string; email: string; verifiedAt: Date } | { ok: false; reason: VerifyTokenProblem }

/**
 * Spends a token and marks the account's address verified, in one
 * transaction. The token is spent by one conditional UPDATE, so of two
 * concurrent uses exactly one succeeds. The account's other open links stop
 * working too. The address cannot have changed since the link was made: a
 * change deletes the account's tokens (migration 0011).
 */
export async function verifyEmailWithToken(
  db: Database,
  token: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<VerifyResult> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'invalid' }
  const hash = tokenHash(token)
  return db.transaction(async (tx): Promise<VerifyResult> => {
    const [spent] = await tx
      .update(emailVerificationTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(emailVerificationTokens.tokenHash, hash),
          isNull(emailVerificationTokens.usedAt),
          isNull(emailVerificationTokens.replacedAt),
          gt(emailVerificationTokens.expiresAt, now),
        ),
      )
      .returning({ userId: emailVerificationTokens.userId })
    if (!spent) {
      const again = await inspectVerificationToken(tx, token, now)
      return { ok: false, reason: again.ok ? 'used' : again.reason }
    }
    // An address verified before keeps its first time (a second link from an old mail changes nothing).
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: keepFirst(now) })
      .where(and(eq(users.id, spent.userId), isNull(users.deletedAt), isNotNull(users.emailNormalized)))
      .returning({ email: users.email, verifiedAt: users.emailVerifiedAt })
    if (!user?.email || !user.verifiedAt) return { ok: false, reason: 'invalid' }
    await tx
      .update(emailVerificationTokens)
      .set({ replacedAt: now })
      .where(
        and(
          eq(emailVerificationTokens.userId, spent.userId),
          ne(emailVerificationTokens.tokenHash, hash),
          isNull(emailVerificationTokens.usedAt),
          isNull(emailVerificationTokens.replacedAt),
        ),
      )
    return { ok: true, userId: spent.userId, email: user.email, verifiedAt: user.verifiedAt }
  })
}

/**
 * Marks the account's address verified because a sign-in provider vouched
 * for exactly this address (the provider's own e-mail-verified flag). Only
 * when the account's current address is that one and is not verified yet
 * (an earlier time is kept, and a sign-in writes nothing then). True when
 * this call verified it.
 */
export async function markVerifiedByProvider(
  db: Database,
  userId: string,
  providerEmail: string,
  now: Date = new Date(),
): Promise<boolean> {
  const normalized = normalizeEmail(providerEmail)
  if (!normalized) return false
  const [row] = await db
    .update(users)
    .set({ emailVerifiedAt: now })
    .where(
      and(
        eq(users.id, userId),
        eq(users.emailNormalized, normalized),
        isNull(users.deletedAt),
        isNull(users.emailVerifiedAt),
      ),
    )
    .returning({ verifiedAt: users.emailVerifiedAt })
  return Boolean(row?.verifiedAt)
}

/**
 * Deletes tokens expired for more than a day (a periodic job). Spent and
 * replaced tokens stay until then, so a second click on a link can say why
 * it no longer works.
 */
export async function sweepVerificationTokens(db: Database, now: Date = new Date()): Promise<number> {
  const removed = await db
    .delete(emailVerificationTokens)
    .where(lt(emailVerificationTokens.expiresAt, retentionCutoff('emailVerificationLinks', now)))
    .returning({ tokenHash: emailVerificationTokens.tokenHash })
  return removed.length
}
