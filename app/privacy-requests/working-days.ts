/**
 * Deadlines of data-subject requests. Days are Moscow calendar dates written
 * 'YYYY-MM-DD'; arithmetic runs on UTC midnights, so no time zone or
 * daylight-saving shift can move a date.
 *
 * The periods themselves, by law and kind of request, are in deadlines.ts.
 * A period in working days counts Monday to Friday, except for the legal
 * team's calendar of exceptions: public holidays (including weekdays made
 * days off by a transfer) and weekend days made working days by a transfer.
 * A period in months ends on the same day of the later month (or its last
 * day), capped at a number of calendar days, holidays or not. Counting starts
 * the day after receipt, and the due date is the last day of the period
 * (inclusive).
 */
import type { Database } from '~/platform/db/client.server'
import { calendarDays, type CalendarDayKind, type RequestKind, type RequestRegime } from './schema'
import { deadlineRule, type DeadlinePeriod } from './deadlines'

/** The calendar's exceptions by day; a day that is not listed follows the Monday-to-Friday rule. */
export type WorkingCalendar = ReadonlyMap<string, CalendarDayKind>

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 24 * 60 * 60 * 1000
// No real calendar has a year without a working day; a broken one must not loop forever.
const MAX_SCAN_DAYS = 3 * 366

function utcMidnight(day: string): number {
  const match = DAY_PATTERN.exec(day)
  if (!match) throw new RangeError(`not a calendar date: ${day}`)
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const time = Date.UTC(year, month - 1, date)
  const back = new Date(time)
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== date) {
    throw new RangeError(`not a calendar date: ${day}`)
  }
  return time
}

function dayOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10)
}

/** Whether `value` is a real date written 'YYYY-MM-DD' (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  try {
    utcMidnight(value)
    return true
  } catch {
    return false
  }
}

export function addCalendarDays(day: string, count: number): string {
  return dayOf(utcMidnight(day) + count * MS_PER_DAY)
}

/** Calendar days from `from` to `to`: 1 for tomorrow, 0 for the same day, negative for the past. */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / MS_PER_DAY)
}

/** 0 is Sunday, 6 is Saturday. */
export function dayOfWeek(day: string): number {
  return new Date(utcMidnight(day)).getUTCDay()
}

export function isWeekend(day: string): boolean {
  const weekday = dayOfWeek(day)
  return weekday === 0 || weekday === 6
}

export function isWorkingDay(day: string, calendar: WorkingCalendar): boolean {
  const exception = calendar.get(day)
  if (exception === 'holiday') return false
  if (exception === 'workday') return true
  return !isWeekend(day)
}

/**
 * The day on which `count` working days have passed after `from`: `from`
 * itself never counts, whatever kind of day it is.
 */
export function addWorkingDays(from: string, count: number, calendar: WorkingCalendar): string {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer')
  let day = from
  let counted = 0
  for (let scanned = 0; scanned < MAX_SCAN_DAYS; scanned++) {
    day = addCalendarDays(day, 1)
    if (isWorkingDay(day, calendar) && ++counted === count) return day
  }
  throw new RangeError(`the calendar has fewer than ${count} working days after ${from}`)
}

const moscowDayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Moscow',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The Moscow calendar date of an instant. */
export function moscowDay(instant: Date): string {
  const parts = Object.fromEntries(moscowDayFormat.formatToParts(instant).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day}`
}

/** The last day of `period` counted from the day after `from`. */
export function addPeriod(from: string, period: DeadlinePeriod, calendar: WorkingCalendar): string {
  if ('workingDays' in period) return addWorkingDays(from, period.workingDays, calendar)
  return earlier(addCalendarDays(from, period.atMostDays), addMonths(from, period.months))
}

/** The reply's due date for a request of this law and kind received on `receivedOn`. */
export function replyDueOn(
  regime: RequestRegime,
  kind: RequestKind,
  receivedOn: string,
  calendar: WorkingCalendar,
): string {
  return addPeriod(receivedOn, deadlineRule(regime, kind).reply, calendar)
}

/**
 * The due date after the one extension the law allows for this law and kind,
 * counted from the original due date; null when there is none.
 */
export function extendedDueOn(
  regime: RequestRegime,
  kind: RequestKind,
  originalDueOn: string,
  calendar: WorkingCalendar,
): string | null {
  const { extension } = deadlineRule(regime, kind)
  return extension ? addPeriod(originalDueOn, extension, calendar) : null
}

function earlier(a: string, b: string): string {
  return a <= b ? a : b
}

/**
 * The same day `count` months later, or that month's last day when it has no
 * such day (31 January → 28 or 29 February), as periods of months are
 * counted in EU law.
 */
export function addMonths(day: string, count: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  const lastOfTarget = new Date(Date.UTC(year, month - 1 + count + 1, 0)).getUTCDate()
  return dayOf(Date.UTC(year, month - 1 + count, Math.min(date, lastOfTarget)))
}

export function addOneMonth(day: string): string {
  return addMonths(day, 1)
}

/**
 * Years between two days (inclusive) for which the calendar lists nothing:
 * most likely nobody has entered their holidays yet, so the arithmetic would
 * count them as working days.
 */
export function yearsWithoutEntries(calendar: WorkingCalendar, from: string, to: string): number[] {
  const covered = new Set([...calendar.keys()].map((day) => Number(day.slice(0, 4))))
  const missing: number[] = []
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year++) {
    if (!covered.has(year)) missing.push(year)
  }
  return missing
}

/** The whole calendar of exceptions (a few dozen rows a year). */
export async function loadWorkingCalendar(db: Database): Promise<WorkingCalendar> {
  const rows = await db.select({ day: calendarDays.day, kind: calendarDays.kind }).from(calendarDays)
  return new Map(rows.map((row) => [row.day, row.kind]))
}
