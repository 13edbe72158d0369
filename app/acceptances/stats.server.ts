import { sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { ACCEPTANCE_EVENTS, acceptances, type AcceptanceEvent } from './schema'

/** Ledger rows of one document version, counted by event and by state. */
export type EventCounts = Record<AcceptanceEvent, { given: number; withdrawn: number }>

export function emptyEventCounts(): EventCounts {
  return Object.fromEntries(ACCEPTANCE_EVENTS.map((event) => [event, { given: 0, withdrawn: 0 }])) as EventCounts
}

/**
 * The ledger counted per archived version (keyed by documentVersionId), by
 * event and state. One GROUP BY in the database, so the legal team's tables
 * cost the same however large the ledger grows; a version nobody accepted
 * has no entry.
 */
export async function statsByVersion(db: Database): Promise<Map<string, EventCounts>> {
  const counts = await db
    .select({
      documentVersionId: acceptances.documentVersionId,
      event: acceptances.event,
      state: acceptances.state,
      n: sql<number>`count(*)::int`,
    })
    .from(acceptances)
    .groupBy(acceptances.documentVersionId, acceptances.event, acceptances.state)

  const byVersion = new Map<string, EventCounts>()
  for (const row of counts) {
    let entry = byVersion.get(row.documentVersionId)
    if (!entry) byVersion.set(row.documentVersionId, (entry = emptyEventCounts()))
    entry[row.event][row.state] += Number(row.n)
  }
  return byVersion
}
