/**
 * What filing, the legal team's actions and the queue share: finding a
 * request by its number, recording each status change (one event row in the
 * append-only log and one log line), and sending a request's mails after the
 * commit. A mail that fails is logged and recorded as an event without
 * undoing the change.
 */
import { eq } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { dataSubjectRequestEvents, dataSubjectRequests, type DataSubjectRequestRow, type RequestStatus } from './schema'
import { logger } from '~/platform/log.server'
import type { MailMessage } from '~/platform/mail/mailer.server'
import { requestMail, type RequestMailKind } from './mail.server'
import { yearsWithoutEntries, type WorkingCalendar } from './working-days'

export const NOTE_MAX_LENGTH = 2000

export type Send = (message: MailMessage) => Promise<unknown>

export type ActionOptions = {
  now?: Date
  /** Defaults to sendMail; tests pass a failing one. */
  send?: Send
}

export function logStatus(
  row: DataSubjectRequestRow,
  action: string,
  from: RequestStatus | null,
  actorUserId?: string | null,
) {
  logger.info(
    {
      event: `privacy-request.${action}`,
      number: row.number,
      kind: row.kind,
      regime: row.regime,
      fromStatus: from,
      toStatus: row.status,
      dueOn: row.dueOn,
      actorUserId: actorUserId ?? null,
    },
    `data-subject request ${action}`,
  )
}

export async function recordEvent(
  db: Database,
  row: Pick<DataSubjectRequestRow, 'id' | 'status'>,
  action: string,
  {
    from = row.status,
    actorUserId = null,
    note = null,
  }: { from?: RequestStatus | null; actorUserId?: string | null; note?: string | null } = {},
) {
  await db.insert(dataSubjectRequestEvents).values({
    requestId: row.id,
    action,
    fromStatus: from,
    toStatus: row.status,
    actorUserId,
    note,
  })
}

/**
 * Sends one of the request's mails after its transaction committed. Success
 * and failure are both recorded as events (the extension notice in
 * particular must be provably sent); neither ever throws.
 */
export async function deliver(
  db: Database,
  row: DataSubjectRequestRow,
  kind: RequestMailKind,
  send: Send,
  extra?: Parameters<typeof requestMail>[2],
): Promise<boolean> {
  let sent = false
  let failure: string | null = null
  try {
    await send(requestMail(kind, row, extra))
    sent = true
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
    logger.error(
      { err: error, event: 'privacy-request.mail-failed', number: row.number, mail: kind },
      'data-subject request mail failed',
    )
  }
  try {
    await recordEvent(db, row, sent ? 'mailed' : 'mail-failed', {
      note: sent ? kind : `${kind}: ${failure}`.slice(0, NOTE_MAX_LENGTH),
    })
  } catch (error) {
    logger.error({ err: error, event: 'privacy-request.event-failed', number: row.number }, 'mail event not recorded')
  }
  return sent
}

export function warnAboutGaps(calendar: WorkingCalendar, from: string, to: string) {
  const missing = yearsWithoutEntries(calendar, from, to)
  if (missing.length > 0) {
    logger.warn(
      { event: 'privacy-request.calendar-missing', years: missing },
      'the working-day calendar lists no holidays for a year a deadline falls in: add them in the legal view',
    )
  }
}

export async function findByNumber(db: Database, number: number) {
  if (!Number.isSafeInteger(number) || number < 1) return undefined
  const [row] = await db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.number, number))
  return row
}
