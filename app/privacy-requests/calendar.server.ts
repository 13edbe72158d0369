/**
 * The legal team's working-day calendar: the exceptions to "Monday to Friday
 * are working days" that the deadline arithmetic reads (working-days.ts).
 */
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { CALENDAR_DAY_KINDS, calendarDays, type CalendarDayKind } from './schema'
import { emailsByAccount } from '~/identity/index.server'
import { z } from 'zod'
import { formFailure, type FormFailure } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import { logger } from '~/platform/log.server'
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
  const days = await db
    .select()
    .from(calendarDays)
    .where(and(gte(calendarDays.day, `${year}-01-01`), lte(calendarDays.day, `${year}-12-31`)))
    .orderBy(asc(calendarDays.day))
  const emails = await emailsByAccount(
    db,
    days.flatMap((row) => (row.updatedBy ? [row.updatedBy] : [])),
  )
  return days.map((row) => ({
    day: row.day,
    kind: row.kind,
    note: row.note,
    updatedByEmail: row.updatedBy ? (emails.get(row.updatedBy) ?? null) : null,
    updatedAt: row.updatedAt,
  }))
}

export type CalendarFormResult = { ok: true; day: string } | { ok: false; status: 400 | 404; failure: FormFailure }

const E = 'legal-admin-requests:calendar.errors'

const CALENDAR_DAY_FORM = z
  .object({
    day: formText({ max: 20 })
      .refine((day) => isCalendarDate(day), `${E}.day`)
      .refine((day) => isCalendarYear(Number(day.slice(0, 4))), `${E}.dayRange`),
    kind: z.enum(CALENDAR_DAY_KINDS, { error: `${E}.kind` }),
    note: formText({ max: CALENDAR_NOTE_MAX_LENGTH + 1 })
      .refine((note) => note !== '', `${E}.noteRequired`)
      .refine((note) => note.length <= CALENDAR_NOTE_MAX_LENGTH, `${E}.noteTooLong`),
  })
  .superRefine(({ day, kind }, context) => {
    // Only a valid date in range can be a weekday or a weekend.
    if (!isCalendarDate(day) || !isCalendarYear(Number(day.slice(0, 4)))) return
    if (kind === 'workday' && !isWeekend(day)) {
      context.addIssue({ code: 'custom', path: ['kind'], message: `${E}.workdayOnWeekday` })
    }
    if (kind === 'holiday' && isWeekend(day)) {
      context.addIssue({ code: 'custom', path: ['kind'], message: `${E}.holidayOnWeekend` })
    }
  })

/**
 * Adds a day or changes it (the date is the key). A weekday made working or a
 * weekend made a day off would change nothing: both are refused, as they are
 * most likely a mistyped date.
 */
export async function saveCalendarDay(db: Database, form: FormData, actorUserId: string): Promise<CalendarFormResult> {
  const parsed = parseForm(form, CALENDAR_DAY_FORM)
  if (!parsed.ok) return { ok: false, status: 400, failure: parsed.failure }
  const { day, kind, note } = parsed.data

  const entry = { kind, note, updatedBy: actorUserId, updatedAt: sql`now()` }
  await db
    .insert(calendarDays)
    .values({ day, ...entry })
    .onConflictDoUpdate({ target: calendarDays.day, set: entry })
  logger.info({ event: 'calendar.saved', day, kind, actorUserId }, 'working-day calendar changed')
  return { ok: true, day }
}

const CALENDAR_REMOVE_FORM = z.object({ day: formText({ max: 20 }).refine((day) => isCalendarDate(day), `${E}.day`) })

export async function removeCalendarDay(
  db: Database,
  form: FormData,
  actorUserId: string,
): Promise<CalendarFormResult> {
  const parsed = parseForm(form, CALENDAR_REMOVE_FORM)
  if (!parsed.ok) return { ok: false, status: 400, failure: formFailure({}, parsed.failure.values, `${E}.day`) }
  const { day } = parsed.data
  const removed = await db.delete(calendarDays).where(eq(calendarDays.day, day)).returning({ day: calendarDays.day })
  if (removed.length === 0) return { ok: false, status: 404, failure: formFailure({}, { day }, `${E}.notListed`) }
  logger.info({ event: 'calendar.removed', day, actorUserId }, 'working-day calendar changed')
  return { ok: true, day }
}
