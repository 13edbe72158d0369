import { and, eq, isNull } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { users } from './schema'

export type ReauthenticationFactors = { hasPassword: boolean; emailNormalized: string | null }

/**
 * What a signed-in person can prove they own the account with before it is
 * closed: whether it has a password, and its normalized address (which also
 * keys the sign-in rate limits). Null when the account is deleted or unknown.
 * Never the hash itself: verifyPasswordForUser checks a password.
 */
export async function reauthenticationFactors(db: Database, userId: string): Promise<ReauthenticationFactors | null> {
  const [row] = await db
    .select({ passwordHash: users.passwordHash, emailNormalized: users.emailNormalized })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
  if (!row) return null
  return { hasPassword: Boolean(row.passwordHash), emailNormalized: row.emailNormalized }
}
