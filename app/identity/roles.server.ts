import { and, eq, isNull, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { users } from './schema'
import { normalizeEmail } from './password.server'

/**
 * Adding and removing a role on an account found by its address. Which
 * roles exist and what they open is the business of the parts that check
 * them; here a role is a name in users.roles. Both operations are single
 * UPDATE statements that leave the array as it is when there is nothing to
 * do, so running them twice is harmless and two runs at once cannot add a
 * role twice. The change applies on the account's next request: sessions
 * read the roles from the database every time.
 */

export type AccountRoleChange =
  /** The role was added or removed. */
  | { outcome: 'changed'; userId: string; roles: string[] }
  /** Nothing to do: the account already had (or already lacked) the role. */
  | { outcome: 'unchanged'; userId: string; roles: string[] }
  | { outcome: 'invalid-email' }
  /** No active account has this address (a deleted account keeps no address, so it is not found either). */
  | { outcome: 'no-account' }

export async function changeAccountRole(
  db: Database,
  input: { email: string; role: string; revoke?: boolean },
): Promise<AccountRoleChange> {
  // The same normalisation registration stores in users.email_normalized.
  const emailNormalized = normalizeEmail(input.email)
  if (!emailNormalized) return { outcome: 'invalid-email' }

  const active = and(eq(users.emailNormalized, emailNormalized), isNull(users.deletedAt))
  const hasRole = sql`${input.role} = any(${users.roles})`
  const [changed] = await db
    .update(users)
    .set({
      roles: input.revoke
        ? sql`array_remove(${users.roles}, ${input.role}::text)`
        : sql`array_append(${users.roles}, ${input.role}::text)`,
    })
    .where(and(active, input.revoke ? hasRole : sql`not (${hasRole})`))
    .returning({ id: users.id, roles: users.roles })
  if (changed) return { outcome: 'changed', userId: changed.id, roles: changed.roles }

  const [existing] = await db.select({ id: users.id, roles: users.roles }).from(users).where(active).limit(1)
  if (!existing) return { outcome: 'no-account' }
  return { outcome: 'unchanged', userId: existing.id, roles: existing.roles }
}
