import { and, asc, eq, sql, type SQL } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { acceptances, type AcceptanceRow } from './schema'

/**
 * The ledger rows of one document version, one page at a time, in the order
 * (recorded_at, id): the legal team's CSV export reads a version accepted
 * millions of times this way without holding it whole, and a row appended
 * meanwhile cannot shift a page boundary.
 *
 * The cursor is the last row's id; its recorded_at is looked up in the
 * database rather than carried in a JS Date, which would cut PostgreSQL's
 * microseconds to milliseconds and could skip or repeat rows recorded within
 * the same millisecond.
 */
export async function ledgerPageOfVersion(
  db: Database,
  documentVersionId: string,
  after: string | null,
  limit: number,
): Promise<AcceptanceRow[]> {
  // A row comparison: (recorded_at, id) after the cursor row's.
  const position: SQL | undefined =
    after === null
      ? undefined
      : sql`(${acceptances.recordedAt}, ${acceptances.id}) > (select a.recorded_at, a.id from ${acceptances} a where a.id = ${after})`
  return db
    .select()
    .from(acceptances)
    .where(and(eq(acceptances.documentVersionId, documentVersionId), position))
    .orderBy(asc(acceptances.recordedAt), asc(acceptances.id))
    .limit(limit)
}
