import { sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { retentionCutoff, retentionMonths } from '~/platform/processing-register'

/**
 * Data-subject requests are kept as evidence of how they were handled for the
 * register's `privacyRequests` period after the reply (a request never
 * confirmed: after its link expired), then deleted with their history. The
 * history is append-only; the database lets this job delete it only in a
 * transaction that declares its cut-off, and only for a cut-off at least 3
 * years old by the database's clock (migration 0016). See
 * docs/decisions/014-retention-of-evidence-and-payments.md.
 */

/** The floor migration 0016 enforces: the register may lengthen the period, never shorten it below this. */
const MIN_MONTHS = 36
const BATCH = 500

type Rows<T> = { rows: T[] }

export type RequestRetentionResult = { requests: number; events: number }

export async function deleteExpiredRequests(db: Database, now: Date = new Date()): Promise<RequestRetentionResult> {
  if (retentionMonths('privacyRequests') < MIN_MONTHS) {
    throw new RangeError(`privacyRequests must be kept at least ${MIN_MONTHS} months`)
  }
  const cutoff = retentionCutoff('privacyRequests', now).toISOString()
  const total: RequestRetentionResult = { requests: 0, events: 0 }
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      // As in the ledger's jobs: the database's clock decides "3 years ago",
      // and an app clock running ahead only makes the job wait a little.
      await tx.execute(sql`
        select set_config(
          'palitra.request_retention_cutoff',
          least(${cutoff}::timestamptz, now() - interval '3 years')::text,
          true
        )
      `)
      // Locked so that the legal view cannot append an event to a request
      // being deleted; SKIP LOCKED lets another instance take other rows.
      const due = (await tx.execute(sql`
        select r.id from data_subject_requests r
        where data_subject_request_retention_clock(r.id)
              < current_setting('palitra.request_retention_cutoff')::timestamptz
        limit ${BATCH}
        for update of r skip locked
      `)) as unknown as Rows<{ id: string }>
      const ids = due.rows.map((r) => r.id)
      if (ids.length === 0) return { requests: 0, events: 0 }
      const idList = sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )
      const events = (await tx.execute(sql`
        with deleted as (delete from data_subject_request_events where request_id in (${idList}) returning 1)
        select count(*)::int as n from deleted
      `)) as unknown as Rows<{ n: number }>
      const requests = (await tx.execute(sql`
        with deleted as (delete from data_subject_requests where id in (${idList}) returning 1)
        select count(*)::int as n from deleted
      `)) as unknown as Rows<{ n: number }>
      return { requests: requests.rows[0]?.n ?? 0, events: events.rows[0]?.n ?? 0 }
    })
    total.requests += batch.requests
    total.events += batch.events
    if (batch.requests < BATCH) break
  }
  return total
}
