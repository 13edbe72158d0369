import { desc, eq, lt } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { moderationRefusals } from './schema'
import { retentionCutoff } from '~/platform/processing-register'

/**
 * Prompts the moderation rules refused (moderation_refusals). They are kept
 * for two things: a person who thinks a refusal was wrong can ask for it to be
 * reviewed (terms 8.3), and staff can see whether someone keeps trying to
 * produce prohibited content. Both need recent refusals only, so they are
 * deleted after the register's `refusedPrompts` period, for accounts and
 * guests alike (before that, with the account). See
 * docs/decisions/015-card-details-undisclosed-data-and-export.md.
 */

/** Deletes refusals older than the period; returns how many. Safe to run on several instances at once. */
export async function deleteOldRefusals(db: Database, now: Date = new Date()): Promise<number> {
  const removed = await db
    .delete(moderationRefusals)
    .where(lt(moderationRefusals.createdAt, retentionCutoff('refusedPrompts', now)))
    .returning({ id: moderationRefusals.id })
  return removed.length
}

/** An account's refused prompts for its data export, newest first (a guest's moved over when it registered). */
export async function listRefusalsForExport(db: Database, userId: string) {
  const rows = await db
    .select()
    .from(moderationRefusals)
    .where(eq(moderationRefusals.userId, userId))
    .orderBy(desc(moderationRefusals.createdAt), desc(moderationRefusals.id))
  return rows.map((r) => ({
    id: r.id,
    prompt: r.prompt,
    category: r.category,
    ruleId: r.ruleId,
    matched: r.matched,
    refusedAt: r.createdAt.toISOString(),
  }))
}
