/**
 * Refused webhook calls, which only a forger sends: a notification with a bad token, a
 * publish call with a bad signature, a body that is not a notification at
 * all. Each is counted against the `refused-webhook` limits of its address
 * and of everybody together; within them a bounded summary is kept for
 * investigating (when, which webhook, why, the body's length and SHA-256:
 * never the body, never the address, so the table holds no personal data);
 * past them nothing is written and the caller answers 429. Genuine calls
 * are verified first and never reach this module, so they are never limited.
 */
import { createHash } from 'node:crypto'
import { desc, eq, lt, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { refusedWebhooks } from './schema'
import { logger } from '~/platform/log.server'
import { checkClientThenOverall, type RateLimitResult } from './rate-limit.server'

/** At most this many summaries are kept; past it new ones are not stored until the sweep trims the oldest. */
export const REFUSED_WEBHOOK_CAP = 10_000
/** Summaries older than this are deleted by the housekeeping job. */
export const REFUSED_WEBHOOK_KEEP_DAYS = 30

export type RefusedWebhookName = 'tbank' | 'sanity'
export type RefusedWebhookReason = 'bad-token' | 'malformed' | 'missing' | 'bad-signature' | 'expired'

export async function refuseWebhook(
  db: Database,
  input: { webhook: RefusedWebhookName; reason: RefusedWebhookReason; body: Uint8Array; ip: string | null },
): Promise<RateLimitResult> {
  const limit = await checkClientThenOverall(db, 'refused-webhook', input.ip)
  if (!limit.ok) {
    logger.warn(
      { event: 'webhook.refused.limited', webhook: input.webhook, reason: input.reason },
      'refused webhook calls over their limit: not recorded',
    )
    return limit
  }
  const sha256 = createHash('sha256').update(input.body).digest('hex')
  // One statement, so the cap holds without a lock; concurrent refusals may pass it by a few rows,
  // which the sweep trims.
  await db.execute(sql`
    insert into ${refusedWebhooks} (webhook, reason, byte_length, body_sha256)
    select ${input.webhook}::text, ${input.reason}::text, ${input.body.byteLength}::int, ${sha256}::text
    where (select count(*) from ${refusedWebhooks}) < ${REFUSED_WEBHOOK_CAP}
  `)
  logger.warn(
    { event: 'webhook.refused', webhook: input.webhook, reason: input.reason, bytes: input.body.byteLength, sha256 },
    'webhook call refused',
  )
  return { ok: true }
}

/**
 * Deletes summaries older than `keepDays`, then all but the newest `cap`.
 * Run by the six-hourly housekeeping schedule.
 */
export async function sweepRefusedWebhooks(
  db: Database,
  {
    now = new Date(),
    keepDays = REFUSED_WEBHOOK_KEEP_DAYS,
    cap = REFUSED_WEBHOOK_CAP,
  }: { now?: Date; keepDays?: number; cap?: number } = {},
): Promise<number> {
  const old = await db
    .delete(refusedWebhooks)
    .where(lt(refusedWebhooks.receivedAt, new Date(now.getTime() - keepDays * 86_400_000)))
    .returning({ id: refusedWebhooks.id })
  const over = await db.execute(sql`
    delete from ${refusedWebhooks} where id in (
      select id from ${refusedWebhooks} order by received_at desc, id offset ${cap}
    ) returning id
  `)
  return old.length + (over as unknown as { rows: unknown[] }).rows.length
}

/** The newest summaries of refused calls to one webhook (the legal view shows Sanity's). */
export async function recentRefusedWebhooks(db: Database, webhook: RefusedWebhookName, limit = 20) {
  return db
    .select({
      receivedAt: refusedWebhooks.receivedAt,
      reason: refusedWebhooks.reason,
      byteLength: refusedWebhooks.byteLength,
    })
    .from(refusedWebhooks)
    .where(eq(refusedWebhooks.webhook, webhook))
    .orderBy(desc(refusedWebhooks.receivedAt))
    .limit(limit)
}
