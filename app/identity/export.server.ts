import { and, asc, eq, isNull } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { guests, oauthAccounts, users } from './schema'

/**
 * The account's own rows for the personal data export, in the export's shape
 * (docs/data-export.md). The caller passes its read-only snapshot.
 */

/** The profile with the sign-in providers linked to it; null when the account is deleted or unknown. */
export async function profileForExport(db: Database, userId: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
  if (!row) return null
  const providers = await db
    .select()
    .from(oauthAccounts)
    .where(eq(oauthAccounts.userId, userId))
    .orderBy(asc(oauthAccounts.createdAt))
  return {
    userId: row.id,
    email: row.email,
    emailVerifiedAt: row.emailVerifiedAt?.toISOString() ?? null,
    displayName: row.displayName,
    locale: row.locale,
    createdAt: row.createdAt.toISOString(),
    // Whether one is set, never the hash: the hash is a secret of the service, not data about the person.
    hasPassword: row.passwordHash !== null,
    signInProviders: providers.map((p) => ({
      provider: p.provider,
      providerUserId: p.providerUserId,
      linkedAt: p.createdAt.toISOString(),
    })),
  }
}

/** The guest sessions linked to the account, oldest first. */
export async function listGuestSessionsForExport(db: Database, userId: string) {
  const rows = await db.select().from(guests).where(eq(guests.linkedUserId, userId)).orderBy(asc(guests.createdAt))
  return rows.map((g) => ({
    guestId: g.id,
    startedAt: g.createdAt.toISOString(),
    lastSeenAt: g.lastSeenAt.toISOString(),
    linkedAt: g.linkedAt?.toISOString() ?? null,
  }))
}
