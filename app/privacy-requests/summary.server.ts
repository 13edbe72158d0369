import { sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { dataSubjectRequests as t } from './schema'
import { moscowDay } from './working-days'

export type RequestsSummary = {
  /** Status 'open': received (identity established), not completed. */
  open: number
  /** Open requests whose deadline in force (due_on, inclusive) is before today in Moscow. */
  overdue: number
  /** Open requests due today in Moscow. */
  dueToday: number
  /** E-mail requests whose address is not confirmed yet (and whose link has not expired): no deadline runs. */
  awaitingConfirmation: number
}

/** A small count of the request queue for the legal team's overview page, in one query. */
export async function requestsSummary(db: Database, now: Date = new Date()): Promise<RequestsSummary> {
  const today = moscowDay(now)
  const [row] = await db
    .select({
      open: sql<number>`count(*) filter (where ${t.status} = 'open')::int`,
      overdue: sql<number>`count(*) filter (where ${t.status} = 'open' and ${t.dueOn} < ${today}::date)::int`,
      dueToday: sql<number>`count(*) filter (where ${t.status} = 'open' and ${t.dueOn} = ${today}::date)::int`,
      awaitingConfirmation: sql<number>`count(*) filter (where ${t.status} = 'awaiting-confirmation' and (${t.confirmExpiresAt} is null or ${t.confirmExpiresAt} > ${now.toISOString()}::timestamptz))::int`,
    })
    .from(t)
  return {
    open: Number(row?.open ?? 0),
    overdue: Number(row?.overdue ?? 0),
    dueToday: Number(row?.dueToday ?? 0),
    awaitingConfirmation: Number(row?.awaitingConfirmation ?? 0),
  }
}
