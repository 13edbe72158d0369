import { getDb } from '~/platform/db/client.server'
import { CALENDAR_DAY_KINDS } from '~/privacy-requests'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { textField, type FormFailure } from '~/platform/form'
import {
  isCalendarYear,
  listCalendarYear,
  removeCalendarDay,
  saveCalendarDay,
  type CalendarEntry,
  isCalendarDate,
  moscowDay,
} from '~/privacy-requests/index.server'

/**
 * The legal team's working-day calendar page (/:lang/legal-admin/calendar):
 * one year's exceptions, the row being changed, and where saving or removing
 * a day leads.
 */

/** The year the address asks for (`?year=`), this year in Moscow without one, or null when it names none we keep. */
export function calendarYear(asked: string | null, now: Date): number | null {
  const year = asked === null ? Number(moscowDay(now).slice(0, 4)) : Number(asked)
  if (!/^\d{4}$/.test(asked ?? String(year)) || !isCalendarYear(year)) return null
  return year
}

/** The page's view of a year: the row being changed (`?edit=`) and the day just saved or removed. */
export function calendarView(entries: CalendarEntry[], year: number, search: URLSearchParams) {
  const dayParam = (name: string) => {
    const day = search.get(name)
    return day && isCalendarDate(day) ? day : null
  }
  const editing = entries.find((e) => e.day === dayParam('edit')) ?? null
  return {
    year,
    entries,
    editing: editing ? { day: editing.day, kind: editing.kind, note: editing.note } : null,
    previousYear: isCalendarYear(year - 1) ? year - 1 : null,
    nextYear: isCalendarYear(year + 1) ? year + 1 : null,
    kinds: CALENDAR_DAY_KINDS,
    saved: dayParam('saved'),
    removed: dayParam('removed'),
  }
}

/** The page's data, or the localized reason the year in the address is refused. */
export async function calendarPage(locale: Locale, search: URLSearchParams, now = new Date()) {
  const t = getFixedT(locale, ['legal-admin-requests', 'common'])
  const year = calendarYear(search.get('year'), now)
  if (year === null) return { ok: false as const, message: t('calendar.errors.year') }
  const entries = await listCalendarYear(await getDb(), year)
  return {
    ok: true as const,
    page: { locale, title: `${t('calendar.title')} — ${t('common:siteName')}`, ...calendarView(entries, year, search) },
  }
}

export type CalendarChangeOutcome =
  | { kind: 'done'; location: string }
  | { kind: 'unknown-action'; message: string }
  | { kind: 'refused'; status: 400 | 404; failure: FormFailure & { intent: string } }

/** The year page that shows a saved or removed day, with its notice. */
export function calendarLocation(locale: Locale, done: 'saved' | 'removed', day: string): string {
  return `/${locale}/legal-admin/calendar?${new URLSearchParams({ year: day.slice(0, 4), [done]: day })}`
}

/** Saves or removes a day as the form's `intent` says, on behalf of a member of the legal team. */
export async function changeCalendar(
  locale: Locale,
  form: FormData,
  actorUserId: string,
): Promise<CalendarChangeOutcome> {
  const intent = textField(form, 'intent', 20)
  const db = await getDb()
  const result =
    intent === 'save'
      ? await saveCalendarDay(db, form, actorUserId)
      : intent === 'remove'
        ? await removeCalendarDay(db, form, actorUserId)
        : null
  if (!result) {
    return { kind: 'unknown-action', message: getFixedT(locale, 'legal-admin-requests')('errors.unknownAction') }
  }
  if (result.ok)
    return { kind: 'done', location: calendarLocation(locale, intent === 'save' ? 'saved' : 'removed', result.day) }
  return { kind: 'refused', status: result.status, failure: { ...result.failure, intent } }
}
