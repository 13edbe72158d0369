import { and, lt, not, type AnyColumn, type SQL } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { guestDeletions } from './schema'

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
