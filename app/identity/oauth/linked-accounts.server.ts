import { and, eq, isNull } from 'drizzle-orm'
import { type Database } from '~/platform/db/client.server'
import { oauthAccounts, users } from '~/identity/schema'
import { type ProviderProfile, type SignInProvider } from './profile.server'

/** The provider identity already belongs to another account. */
export class ProviderAlreadyLinkedError extends Error {
  constructor(
    readonly provider: SignInProvider,
    readonly providerUserId: string,
  ) {
    super(`this ${provider} account is already linked to another Palitra account`)
    this.name = 'ProviderAlreadyLinkedError'
  }
}

function sameIdentity(provider: SignInProvider, providerUserId: string) {
  return and(eq(oauthAccounts.provider, provider), eq(oauthAccounts.providerUserId, providerUserId))
}

/** The account that signs in with this provider identity; deleted accounts do not count. */
export async function findUserIdByProvider(
  db: Database,
  provider: SignInProvider,
  providerUserId: string,
): Promise<string | null> {
  const [row] = await db
    .select({ userId: oauthAccounts.userId })
    .from(oauthAccounts)
    .innerJoin(users, eq(users.id, oauthAccounts.userId))
    .where(and(sameIdentity(provider, providerUserId), isNull(users.deletedAt)))
    .limit(1)
  return row?.userId ?? null
}

/**
 * Links a provider identity to an account, inside the caller's transaction
 * (the one that creates the account after the acceptance step). Linking the
 * same identity to the same account again is a no-op; an identity left on a
 * deleted account moves to the new one, so deleting an account does not lock
 * the person out of signing up again.
 */
export async function linkProvider(
  tx: Database,
  userId: string,
  profile: Pick<ProviderProfile, 'provider' | 'providerUserId'>,
): Promise<void> {
  const { provider, providerUserId } = profile
  // Two rounds: the conflicting row may disappear between the insert and the look-up.
  for (let round = 0; round < 2; round += 1) {
    // ON CONFLICT instead of catching the unique violation: on PostgreSQL a
    // failed statement aborts the caller's whole transaction.
    const inserted = await tx
      .insert(oauthAccounts)
      .values({ provider, providerUserId, userId })
      .onConflictDoNothing()
      .returning({ userId: oauthAccounts.userId })
    if (inserted.length > 0) return

    const [existing] = await tx
      .select({ userId: oauthAccounts.userId, deletedAt: users.deletedAt })
      .from(oauthAccounts)
      .innerJoin(users, eq(users.id, oauthAccounts.userId))
      .where(sameIdentity(provider, providerUserId))
      .for('update', { of: oauthAccounts })
    if (!existing) continue
    if (existing.userId === userId) return
    if (existing.deletedAt) {
      await tx
        .update(oauthAccounts)
        .set({ userId, createdAt: new Date() })
        .where(sameIdentity(provider, providerUserId))
      return
    }
    throw new ProviderAlreadyLinkedError(provider, providerUserId)
  }
  throw new Error(`could not link the ${provider} account: it kept changing underneath`)
}
