import { and, asc, inArray, isNull, lt, not, notInArray, type AnyColumn, type SQL } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { guestDeletions, guests } from './schema'

/**
 * Taking away guests that stopped coming (the retention schedule's work,
 * flows/retention): which ones are due, and the removal of their rows once
 * every other part has let go of them.
 */

/**
 * Up to `limit` guests not linked to an account and last seen before
 * `cutoff`, the longest away first, except the ones in `spare`. Their rows
 * are locked FOR UPDATE SKIP LOCKED in the caller's transaction: two runs at
 * once never take the same guest, and neither waits for the other.
 */
export async function lockGuestsAwaySince(
  tx: Database,
  cutoff: Date,
  { limit, spare }: { limit: number; spare: readonly string[] },
): Promise<string[]> {
  const rows = await tx
    .select({ id: guests.id })
    .from(guests)
    .where(and(isNull(guests.linkedUserId), lt(guests.lastSeenAt, cutoff), notInArray(guests.id, [...spare])))
    .orderBy(asc(guests.lastSeenAt))
    .limit(limit)
    .for('update', { skipLocked: true })
  return rows.map((row) => row.id)
}

/**
 * Deletes the guests' rows in the caller's transaction, after everything
 * that points at them is gone. Each deletion time is written down first: the
 * ledger rows a guest leaves behind are kept 3 years from it (decision 014,
 * deleteExpiredAcceptances).
 */
export async function deleteGuests(tx: Database, guestIds: readonly string[]): Promise<void> {
  if (guestIds.length === 0) return
  await tx
    .insert(guestDeletions)
    .values(guestIds.map((guestId) => ({ guestId })))
    .onConflictDoNothing()
  await tx.delete(guests).where(inArray(guests.id, [...guestIds]))
}

/**
 * Forgets the deletion times of guests deleted before `deletedBefore` that
 * nothing counts a retention period from any more. What still does is the
 * caller's to say: `stillNeeded` builds its condition on a deletion's guest
 * id (e.g. "a ledger row names this guest"), and it is checked in the same
 * statement as the delete, so no time goes while something still needs it.
 */
export async function forgetGuestDeletions(
  db: Database,
  deletedBefore: Date,
  stillNeeded: (guestId: AnyColumn) => SQL,
): Promise<void> {
  await db
    .delete(guestDeletions)
    .where(and(lt(guestDeletions.deletedAt, deletedBefore), not(stillNeeded(guestDeletions.guestId))))
}
