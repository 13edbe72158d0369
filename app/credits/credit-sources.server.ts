import { and, asc, eq, gt, inArray, ne } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { creditBalances, creditMovements, type CreditOwner, type CreditReason } from './schema'

/** Movements that bring credits in from somewhere new. */
const SOURCE_REASONS: CreditReason[] = ['grant', 'purchase', 'adjustment']

/** A movement that brought credits in, and what caused it. */
export type CreditSource = { delta: number; referenceType: string; referenceId: string }

/**
 * The holder's balance and every movement that brought credits in, oldest
 * first: credits are spent oldest first, so the balance belongs to the
 * newest sources. Refunds of failed jobs are not sources (they return
 * credits to where they came from), and neither is any movement whose
 * reference type the caller names in `except`. Read in the caller's
 * transaction.
 */
export async function balanceAndSources(
  tx: Database,
  owner: CreditOwner,
  { except }: { except: string },
): Promise<{ balance: number; sources: CreditSource[] }> {
  const [balanceRow] = await tx
    .select({ balance: creditBalances.balance })
    .from(creditBalances)
    .where(eq(creditBalances.owner, owner))
  const sources = await tx
    .select({
      delta: creditMovements.delta,
      referenceType: creditMovements.referenceType,
      referenceId: creditMovements.referenceId,
    })
    .from(creditMovements)
    .where(
      and(
        eq(creditMovements.owner, owner),
        gt(creditMovements.delta, 0),
        inArray(creditMovements.reason, SOURCE_REASONS),
        ne(creditMovements.referenceType, except),
      ),
    )
    .orderBy(asc(creditMovements.createdAt), asc(creditMovements.id))
  return { balance: balanceRow?.balance ?? 0, sources }
}

/**
 * Locks the holder's balance row, when there is one, until the caller's
 * transaction ends: no movement of that holder can come in between what the
 * caller reads and what it then moves.
 */
export async function lockBalance(tx: Database, owner: CreditOwner): Promise<void> {
  await tx
    .select({ owner: creditBalances.owner })
    .from(creditBalances)
    .where(eq(creditBalances.owner, owner))
    .for('update')
}
