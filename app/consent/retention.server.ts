import { sql } from 'drizzle-orm'
import { purgeOldPageViews } from '~/cookie-consent/analytics.server'
import type { Database } from '~/db/client.server'
import { logger } from '~/log.server'
import { retentionDays } from '~/register'

/**
 * The one change the ledger allows: once the retention period the privacy
 * policy names has passed, the IP address and user agent of a row are erased
 * (set to NULL); everything else stays. The database lets this through only
 * inside a transaction that declares the cut-off (migration 0003), and only
 * for a cut-off at least a year in the past.
 */

const DAY_MS = 24 * 60 * 60 * 1000
const MIN_RETENTION_DAYS = 365

/** Erases ip and user agent of rows recorded before `now - retentionDays`; returns how many rows changed. */
export async function eraseExpiredEvidence(
  db: Database,
  { now, retentionDays }: { now: Date; retentionDays: number },
): Promise<number> {
  if (!Number.isInteger(retentionDays) || retentionDays < MIN_RETENTION_DAYS) {
    throw new RangeError(`retentionDays must be an integer of at least ${MIN_RETENTION_DAYS}`)
  }
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS)
  return db.transaction(async (tx) => {
    // The guard compares against the database's own clock and calendar year:
    // 365 days is less than a year across a 29 February, and the app clock
    // may run ahead of the database's. Clamping to a year ago (by that clock)
    // erases at most a day late instead of failing the whole run.
    await tx.execute(sql`
      select set_config(
        'palitra.ledger_retention_cutoff',
        least(${cutoff.toISOString()}::timestamptz, now() - interval '1 year')::text,
        true
      )
    `)
    const result = await tx.execute(sql`
      with erased as (
        update acceptances
        set ip = null, user_agent = null
        where recorded_at < current_setting('palitra.ledger_retention_cutoff')::timestamptz
          and (ip is not null or user_agent is not null)
        returning 1
      )
      select count(*)::int as n from erased
    `)
    return (result as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0
  })
}

export type RetentionSchedule = { stop(): void }

/**
 * Runs the erasure now and then every 24 hours in this process, together
 * with the removal of page-view statistics older than 12 months (the privacy
 * policy's period for them). Every instance may run it: a second run finds
 * nothing left to do. The timer does not keep the process alive.
 */
export function startRetentionSchedule(db: Database, opts: { intervalMs?: number } = {}): RetentionSchedule {
  let running: Promise<void> | null = null
  const run = () => {
    if (running) return
    const now = new Date()
    const erasure = eraseExpiredEvidence(db, { now, retentionDays: retentionDays('acceptanceIpAndUserAgent') })
      .then((erased) => {
        logger.info({ event: 'ledger.retention.run', erased }, 'erased IP and user agent of expired acceptance records')
      })
      .catch((error: unknown) => {
        logger.error({ event: 'ledger.retention.failed', err: error }, 'ledger retention run failed')
      })
    // One after the other: PGlite has a single connection, and neither may hold the other up for long.
    running = erasure
      .then(() => purgeOldPageViews(db, now))
      .then((deleted) => {
        logger.info({ event: 'page-views.retention.run', deleted }, 'deleted page views older than 12 months')
      })
      .catch((error: unknown) => {
        logger.error({ event: 'page-views.retention.failed', err: error }, 'page-view retention run failed')
      })
      .finally(() => {
        running = null
      })
  }
  run()
  const timer = setInterval(run, opts.intervalMs ?? DAY_MS)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
