import { eq, type SQLWrapper } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { guests } from './schema'

/** What other parts ask about guest rows: whether one exists, which an account took over. */

/** Whether the guest still exists: a signed cookie can outlive its guest row. */
export async function guestExists(db: Database, guestId: string): Promise<boolean> {
  const [row] = await db.select({ id: guests.id }).from(guests).where(eq(guests.id, guestId)).limit(1)
  return row !== undefined
}

/**
 * Takes a key-share lock on the guest's row, when it exists, in the caller's
 * transaction. The row then cannot be deleted until that transaction ends,
 * as if the caller's new row held a foreign key to it; updates that leave the
 * id alone (a visit, a link to an account) still go through. False when there
 * is no such guest.
 */
export async function lockGuestIfExists(tx: Database, guestId: string): Promise<boolean> {
  const [row] = await tx.select({ id: guests.id }).from(guests).where(eq(guests.id, guestId)).for('key share')
  return row !== undefined
}

/**
 * The ids of the guests that registered or signed in as this account (their
 * records belong to it), as a subquery for `inArray(column, …)`: the caller's
 * query stays one statement, which matters where it runs on every page
 * (the acceptance status behind the ask-again gate).
 */
export function guestIdsLinkedTo(db: Database, userId: string): SQLWrapper {
  return db.select({ id: guests.id }).from(guests).where(eq(guests.linkedUserId, userId))
}
