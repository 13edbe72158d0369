import { unlinkGuestConsents } from '~/acceptances/index.server'
import { eraseGuestCredits } from '~/credits/index.server'
import type { Database } from '~/platform/db/client.server'
import { deleteGuests, lockGuestsAwaySince } from '~/identity/index.server'
import { deleteGuestGenerations, removeFilesOfDeletedJobs } from '~/generation/index.server'
import { guestsWithPendingRequests, unlinkGuestRequests } from '~/privacy-requests/index.server'
import { retentionCutoff } from '~/platform/processing-register'
import type { ObjectStorage } from '~/platform/storage/types'

/**
 * Guests are deleted once the period the register of processing names
 * (`guests`: 30 days from the last visit, which visitGuest marks) has passed,
 * unless they registered: a guest linked to an account lives on in it.
 *
 * Deleted, in one transaction per batch: the guest's generations and their
 * images, its refused prompts, its credit movements and balance, its links
 * from cookie-consent ids and from completed data-subject requests, and the
 * guest row. Then, once that has committed, the files in storage.
 *
 * Kept: the acceptance ledger rows recorded under the guest (append-only
 * evidence; they keep the guest's id as plain text, see docs/decisions/012,
 * and are deleted 3 years after the guest, whose deletion time
 * guest_deletions records: decision 014),
 * the anonymous cookie-consent ids with their ledger rows, and the requests
 * themselves. A guest a request is still being answered about waits until
 * the request is completed.
 *
 * Safe on several instances at once: each batch locks its guests with
 * FOR UPDATE SKIP LOCKED, so two runs never take the same guest, and a guest
 * deleted by one run is simply not there for the next.
 */

export type GuestRetentionResult = { guests: number; generations: number; creditMovements: number }

const DEFAULT_BATCH = 100

export async function deleteInactiveGuests(
  db: Database,
  storage: ObjectStorage,
  opts: { now?: Date; batchSize?: number } = {},
): Promise<GuestRetentionResult> {
  const cutoff = retentionCutoff('guests', opts.now ?? new Date())
  const batchSize = opts.batchSize ?? DEFAULT_BATCH
  const result: GuestRetentionResult = { guests: 0, generations: 0, creditMovements: 0 }
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const ids = await lockGuestsAwaySince(tx, cutoff, {
        limit: batchSize,
        spare: await guestsWithPendingRequests(tx),
      })
      if (ids.length === 0) return { ids, jobIds: [] as string[], movements: 0 }
      // Children first: every table that points at the guest, then the guest.
      const jobIds = await deleteGuestGenerations(tx, ids)
      const movements = await eraseGuestCredits(tx, ids)
      await unlinkGuestConsents(tx, ids)
      await unlinkGuestRequests(tx, ids)
      // The guest rows last, with the time of their deletion: the ledger rows
      // they leave behind are kept 3 years from it.
      await deleteGuests(tx, ids)
      return { ids, jobIds, movements }
    })
    if (batch.ids.length === 0) break
    // After the commit: a file may outlive its row for a moment, never the other way round.
    await removeFilesOfDeletedJobs(storage, batch.jobIds)
    result.guests += batch.ids.length
    result.generations += batch.jobIds.length
    result.creditMovements += batch.movements
    if (batch.ids.length < batchSize) break
  }
  return result
}
