import { sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { ACCEPTANCE_EVENTS, acceptances, type AcceptanceEvent } from './schema'

/**
 * Ledger rows of one document version, counted by event and by state. A
 * cookie category switched off by a browser that had never allowed it ("only
 * essential", or the box left empty) is stored as `withdrawn` but nothing was
 * taken back: it is counted as `declined`, not as `withdrawn`.
 */
export type EventCounts = Record<AcceptanceEvent, { given: number; withdrawn: number; declined: number }>

export function emptyEventCounts(): EventCounts {
  return Object.fromEntries(
    ACCEPTANCE_EVENTS.map((event) => [event, { given: 0, withdrawn: 0, declined: 0 }]),
  ) as EventCounts
}

/**
 * The ledger counted per archived version (keyed by documentVersionId), by
 * event and state. One GROUP BY in the database, so the legal team's tables
 * cost the same however large the ledger grows; a version nobody accepted
 * has no entry.
 */
export async function statsByVersion(db: Database): Promise<Map<string, EventCounts>> {
  // A cookie row switched off is a withdrawal only if the same browser (consent id)
  // had allowed that category before; otherwise it is a refusal from the start.
  // Written with qualified names: drizzle leaves columns unqualified in a select
  // list, where the inner query's own columns would shadow them.
  const counted = sql<'given' | 'withdrawn' | 'declined'>`case
    when acceptances.event = 'cookie' and acceptances.state = 'withdrawn' and not exists (
      select 1 from acceptances earlier
      where earlier.consent_id = acceptances.consent_id
        and earlier.scope is not distinct from acceptances.scope
        and earlier.event = 'cookie'
        and earlier.state = 'given'
        and earlier.recorded_at < acceptances.recorded_at
    ) then 'declined'
    else acceptances.state end`
  const counts = await db
    .select({
      documentVersionId: acceptances.documentVersionId,
      event: acceptances.event,
      state: counted,
      n: sql<number>`count(*)::int`,
    })
    .from(acceptances)
    .groupBy(acceptances.documentVersionId, acceptances.event, counted)

  const byVersion = new Map<string, EventCounts>()
  for (const row of counts) {
    let entry = byVersion.get(row.documentVersionId)
    if (!entry) byVersion.set(row.documentVersionId, (entry = emptyEventCounts()))
    entry[row.event][row.state] += Number(row.n)
  }
  return byVersion
}
