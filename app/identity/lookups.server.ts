import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { users } from './schema'

/**
 * What other parts look up about accounts: the addresses behind account ids
 * (guests: guest-rows.server.ts).
 */

/**
 * The account's address in its normalized form (what records filed by
 * address are matched on), or null when it has none or is deleted.
 */
export async function normalizedEmailOf(db: Database, userId: string): Promise<string | null> {
  const [row] = await db.select({ email: users.emailNormalized }).from(users).where(eq(users.id, userId))
  return row?.email ?? null
}

/**
 * The address of each of these accounts, as typed, for showing who did
 * something; null for an account deleted since. One query however many ids;
 * ids with no account are left out.
 */
export async function emailsByAccount(db: Database, userIds: readonly string[]): Promise<Map<string, string | null>> {
  const ids = [...new Set(userIds)]
  if (ids.length === 0) return new Map()
  const rows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, ids))
  return new Map(rows.map((row) => [row.id, row.email]))
}

export type MailAddress = { email: string | null; verified: boolean }

/**
 * A live account's address and whether the person has confirmed it, or null
 * when there is no such account. With `lock` (in a transaction) the row is
 * held FOR SHARE until the transaction ends, so the address cannot change
 * under whatever the caller writes on the strength of it.
 */
export async function mailAddressOf(
  db: Database,
  userId: string,
  { lock = false }: { lock?: boolean } = {},
): Promise<MailAddress | null> {
  const query = db
    .select({ email: users.email, verifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
  const [row] = lock ? await query.for('share') : await query
  return row ? { email: row.email, verified: row.verifiedAt !== null } : null
}
