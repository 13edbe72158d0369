/**
 * The legal team's working-day calendar: the exceptions to "Monday to Friday
 * are working days" that the deadline arithmetic reads (working-days.ts).
 */
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm'
import type { Database } from '~/db/client.server'
import { CALENDAR_DAY_KINDS, calendarDays, users, type CalendarDayKind } from '~/db/schema'
import { formFailure, textField, type FormFailure } from '~/lib/form'
import { logger } from '~/log.server'
import { isCalendarDate, isWeekend } from './working-days'

export const CALENDAR_FIRST_YEAR = 2000
export const CALENDAR_LAST_YEAR = 2100
export const CALENDAR_NOTE_MAX_LENGTH = 200

export type CalendarEntry = {
  day: string
  kind: CalendarDayKind
  note: string
  updatedByEmail: string | null
  updatedAt: Date
}

export function isCalendarYear(year: number): boolean {
  return Number.isInteger(year) && year >= CALENDAR_FIRST_YEAR && year <= CALENDAR_LAST_YEAR
}

/** A year's exceptions in date order, with who changed each last. */
export async function listCalendarYear(db: Database, year: number): Promise<CalendarEntry[]> {
  return db
    .select({
      day: calendarDays.day,
      kind: calendarDays.kind,
      note: calendarDays.note,
      updatedByEmail: users.email,
      updatedAt: calendarDays.updatedAt,
    })
    .from(calendarDays)
    .leftJoin(users, eq(users.id, calendarDays.updatedBy))
    .where(and(gte(calendarDays.day, `${year}-01-01`), lte(calendarDays.day, `${year}-12-31`)))
    .orderBy(asc(calendarDays.day))
}

export type CalendarFormResult = { ok: true; day: string } | { ok: false; status: 400 | 404; failure: FormFailure }

const E = 'legal-admin-requests:calendar.errors'

/**
 * Adds a day or changes it (the date is the key). A weekday made working or a
 * weekend made a day off would change nothing: both are refused, as they are
 * most likely a mistyped date.
 */
export async function saveCalendarDay(db: Database, form: FormData, actorUserId: string): Promise<CalendarFormResult> {
  const day = textField(form, 'day', 20).trim()
  const kind = textField(form, 'kind', 20)
  const note = textField(form, 'note', CALENDAR_NOTE_MAX_LENGTH + 1).trim()
  const values = { day, kind, note }
  const fieldErrors: FormFailure['fieldErrors'] = {}
  if (!isCalendarDate(day)) fieldErrors.day = `${E}.day`
  else if (!isCalendarYear(Number(day.slice(0, 4)))) fieldErrors.day = `${E}.dayRange`
  if (!(CALENDAR_DAY_KINDS as readonly string[]).includes(kind)) fieldErrors.kind = `${E}.kind`
  else if (!fieldErrors.day && kind === 'workday' && !isWeekend(day)) fieldErrors.kind = `${E}.workdayOnWeekday`
  else if (!fieldErrors.day && kind === 'holiday' && isWeekend(day)) fieldErrors.kind = `${E}.holidayOnWeekend`
  if (!note) fieldErrors.note = `${E}.noteRequired`
  else if (note.length > CALENDAR_NOTE_MAX_LENGTH) fieldErrors.note = `${E}.noteTooLong`
  if (Object.keys(fieldErrors).length > 0) return { ok: false, status: 400, failure: formFailure(fieldErrors, values) }

  const entry = { kind: kind as CalendarDayKind, note, updatedBy: actorUserId, updatedAt: sql`now()` }
  await db
    .insert(calendarDays)
    .values({ day, ...entry })
    .onConflictDoUpdate({ target: calendarDays.day, set: entry })
  logger.info({ event: 'calendar.saved', day, kind, actorUserId }, 'working-day calendar changed')
  return { ok: true, day }
}

export async function removeCalendarDay(
  db: Database,
  form: FormData,
  actorUserId: string,
): Promise<CalendarFormResult> {
  const day = textField(form, 'day', 20).trim()
  if (!isCalendarDate(day)) return { ok: false, status: 400, failure: formFailure({}, { day }, `${E}.day`) }
  const removed = await db.delete(calendarDays).where(eq(calendarDays.day, day)).returning({ day: calendarDays.day })
  if (removed.length === 0) return { ok: false, status: 404, failure: formFailure({}, { day }, `${E}.notListed`) }
  logger.info({ event: 'calendar.removed', day, actorUserId }, 'working-day calendar changed')
  return { ok: true, day }
}
