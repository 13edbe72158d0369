/**
 * The legal team's queue of data-subject requests: open ones by due date,
 * with what is overdue against today's Moscow date, the recently completed
 * ones, and one request with its event log.
 */
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import {
  dataSubjectRequestEvents,
  dataSubjectRequests,
  type DataSubjectRequestRow,
  type RequestKind,
  type RequestOutcome,
  type RequestRegime,
  type RequestStatus,
} from './schema'
import { emailsByAccount, findAccountIdByEmail } from '~/identity/index.server'
import { extendProblem } from './legal-actions.server'
import { findByNumber } from './records.server'
import { daysBetween, extendedDueOn, loadWorkingCalendar, moscowDay } from './working-days'

export type QueueEntry = {
  number: number
  kind: RequestKind
  regime: RequestRegime
  status: RequestStatus
  outcome: RequestOutcome | null
  receivedAt: Date | null
  dueOn: string | null
  extended: boolean
  completedAt: Date | null
  /** Calendar days from today to the due date; negative when overdue. Null once completed. */
  daysLeft: number | null
  overdue: boolean
}

function queueEntry(row: DataSubjectRequestRow, today: string): QueueEntry {
  const running = row.status === 'open' && row.dueOn !== null
  const daysLeft = running ? daysBetween(today, row.dueOn!) : null
  return {
    number: row.number,
    kind: row.kind,
    regime: row.regime,
    status: row.status,
    outcome: row.outcome,
    receivedAt: row.receivedAt,
    dueOn: row.dueOn,
    extended: row.extendedAt !== null,
    completedAt: row.completedAt,
    daysLeft,
    overdue: daysLeft !== null && daysLeft < 0,
  }
}

export const COMPLETED_IN_QUEUE = 50

/**
 * The legal team's queue: open requests by due date (the most urgent first,
 * overdue ones flagged against today's Moscow date), then the most recently
 * completed ones, and how many still wait for their address to be confirmed.
 */
export async function listQueue(db: Database, { now = new Date() }: { now?: Date } = {}) {
  const today = moscowDay(now)
  const open = await db
    .select()
    .from(dataSubjectRequests)
    .where(eq(dataSubjectRequests.status, 'open'))
    .orderBy(asc(dataSubjectRequests.dueOn), asc(dataSubjectRequests.number))
  const completed = await db
    .select()
    .from(dataSubjectRequests)
    .where(eq(dataSubjectRequests.status, 'completed'))
    .orderBy(desc(dataSubjectRequests.completedAt), desc(dataSubjectRequests.number))
    .limit(COMPLETED_IN_QUEUE)
  const [waiting] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(dataSubjectRequests)
    .where(and(eq(dataSubjectRequests.status, 'awaiting-confirmation'), gt(dataSubjectRequests.confirmExpiresAt, now)))
  return {
    today,
    open: open.map((row) => queueEntry(row, today)),
    completed: completed.map((row) => queueEntry(row, today)),
    awaitingConfirmation: Number(waiting?.count ?? 0),
  }
}

export type RequestEvent = {
  action: string
  fromStatus: string | null
  toStatus: string
  actorUserId: string | null
  actorEmail: string | null
  note: string | null
  at: Date
}

/** One request with its event log, for the legal team; null when there is no such number. */
export async function getRequest(db: Database, number: number, { now = new Date() }: { now?: Date } = {}) {
  const row = await findByNumber(db, number)
  if (!row) return null
  const today = moscowDay(now)
  const log = await db
    .select()
    .from(dataSubjectRequestEvents)
    .where(eq(dataSubjectRequestEvents.requestId, row.id))
    .orderBy(asc(dataSubjectRequestEvents.at), asc(dataSubjectRequestEvents.id))
  const actors = await emailsByAccount(
    db,
    log.flatMap((event) => (event.actorUserId ? [event.actorUserId] : [])),
  )
  const events: RequestEvent[] = log.map((event) => ({
    action: event.action,
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    actorUserId: event.actorUserId,
    actorEmail: event.actorUserId ? (actors.get(event.actorUserId) ?? null) : null,
    note: event.note,
    at: event.at,
  }))
  // A request from the e-mail address of an account needs no further proof (privacy policy, 10.1).
  const accountWithEmail = row.userId ? null : await findAccountIdByEmail(db, row.email)
  const extendBlocked = extendProblem(row, today)
  const calendar = extendBlocked ? null : await loadWorkingCalendar(db)
  return {
    ...queueEntry(row, today),
    today,
    email: row.email,
    locale: row.locale,
    details: row.details,
    userId: row.userId,
    guestId: row.guestId,
    accountWithEmail,
    createdAt: row.createdAt,
    originalDueOn: row.originalDueOn,
    extendedAt: row.extendedAt,
    extensionReason: row.extensionReason,
    completionNote: row.completionNote,
    /** Why it cannot be extended now, or null when it can (and to when). */
    extendBlocked,
    extensionWouldEndOn: calendar ? extendedDueOn(row.regime, row.kind, row.originalDueOn!, calendar) : null,
    events,
  }
}

export type RequestDetails = NonNullable<Awaited<ReturnType<typeof getRequest>>>
