import { eq, inArray } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { cookieConsents } from './schema'

/**
 * The anonymous cookie-consent ids the ledger records cookie choices under,
 * and their link to the account or guest that made a choice with them.
 * cookie-consent decides which id a choice goes under; these keep the rows.
 */

export type ConsentIdLink = { userId: string | null; guestId: string | null }

/**
 * The consent id's link, its row locked FOR UPDATE until the caller's
 * transaction ends (two choices from one browser take turns); null when
 * there is no such id.
 */
export async function lockConsentId(tx: Database, id: string): Promise<(ConsentIdLink & { id: string }) | null> {
  const [row] = await tx
    .select({ id: cookieConsents.id, userId: cookieConsents.userId, guestId: cookieConsents.guestId })
    .from(cookieConsents)
    .where(eq(cookieConsents.id, id))
    .for('update')
    .limit(1)
  return row ?? null
}

/** Writes a new consent id, linked to the account or guest of its first choice (or to nobody). */
export async function insertConsentId(tx: Database, id: string, link: ConsentIdLink, at: Date): Promise<void> {
  await tx.insert(cookieConsents).values({ id, ...link, createdAt: at, lastChoiceAt: at })
}

/** A consent id used again: its link as the caller decided, and the time of its latest choice. */
export async function updateConsentId(tx: Database, id: string, link: ConsentIdLink, at: Date): Promise<void> {
  await tx
    .update(cookieConsents)
    .set({ ...link, lastChoiceAt: at })
    .where(eq(cookieConsents.id, id))
}

/**
 * Unlinks the consent ids of guests being deleted, in the caller's
 * transaction. The ids and their ledger rows stay: they are the evidence of
 * each cookie choice, and the browser's palitra_consent cookie still names
 * them; only the link to the guest goes with the guest.
 */
export async function unlinkGuestConsents(tx: Database, guestIds: readonly string[]): Promise<number> {
  if (guestIds.length === 0) return 0
  const unlinked = await tx
    .update(cookieConsents)
    .set({ guestId: null })
    .where(inArray(cookieConsents.guestId, [...guestIds]))
    .returning({ id: cookieConsents.id })
  return unlinked.length
}
