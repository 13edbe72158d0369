import { eq } from 'drizzle-orm'
import type { CreditOwner } from '~/credits'
import type { Database } from '~/platform/db/client.server'
import { generationJobs, moderationRefusals } from './schema'

/**
 * A guest who registers or signs in goes on with an account: their
 * generations and refused prompts move to it, in the caller's transaction.
 */
export async function reassignGuestWork(tx: Database, guestId: string, userId: string): Promise<void> {
  const owner: CreditOwner = `user:${userId}`
  await tx.update(generationJobs).set({ owner, userId }).where(eq(generationJobs.guestId, guestId))
  await tx.update(moderationRefusals).set({ owner, userId }).where(eq(moderationRefusals.guestId, guestId))
}

/**
 * Generations and refused prompts are the person's content: they go with the
 * account, in the caller's transaction. Returns the ids of the deleted jobs,
 * whose files the caller removes once the transaction has committed.
 */
export async function eraseAccountWork(tx: Database, userId: string): Promise<string[]> {
  await tx.delete(moderationRefusals).where(eq(moderationRefusals.userId, userId))
  const removed = await tx
    .delete(generationJobs)
    .where(eq(generationJobs.owner, `user:${userId}`))
    .returning({ id: generationJobs.id })
  return removed.map((r) => r.id)
}
