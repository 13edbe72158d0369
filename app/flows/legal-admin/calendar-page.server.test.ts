import { describe, expect, it } from 'vitest'
import type { CalendarEntry } from '~/privacy-requests/calendar.server'
import { calendarLocation, calendarView, calendarYear } from './calendar-page.server'

describe('calendarYear', () => {
  // 31 December 2026, 22:00 UTC is already 1 January 2027 in Moscow.
  const newYearInMoscow = new Date('2026-12-31T22:00:00Z')

  it('is this year in Moscow when the address names none', () => {
    expect(calendarYear(null, newYearInMoscow)).toBe(2027)
    expect(calendarYear(null, new Date('2026-12-31T20:00:00Z'))).toBe(2026)
  })

  it('takes a four-digit year within the calendar', () => {
    expect(calendarYear('2000', newYearInMoscow)).toBe(2000)
    expect(calendarYear('2100', newYearInMoscow)).toBe(2100)
  })

  it('refuses years outside the calendar and anything that is not four digits', () => {
    for (const asked of ['1999', '2101', '', '26', '02026', '2026.0', ' 2026', 'abcd']) {
      expect(calendarYear(asked, newYearInMoscow), asked).toBeNull()
    }
  })
})

describe('calendarView', () => {
  const entries: CalendarEntry[] = [
    { day: '2026-01-01', kind: 'holiday', note: 'New Year', updatedByEmail: null, updatedAt: new Date(0) },
    { day: '2026-11-04', kind: 'holiday', note: 'Unity Day', updatedByEmail: 'a@example.com', updatedAt: new Date(0) },
  ]

  it('fills the form from the row being changed and names the day just saved or removed', () => {
    const view = calendarView(entries, 2026, new URLSearchParams('edit=2026-11-04&saved=2026-11-04&removed=2026-05-01'))
    expect(view.editing).toEqual({ day: '2026-11-04', kind: 'holiday', note: 'Unity Day' })
    expect(view.saved).toBe('2026-11-04')
    expect(view.removed).toBe('2026-05-01')
  })

  it('ignores a day that is not a date or not in the year', () => {
    const view = calendarView(entries, 2026, new URLSearchParams('edit=2026-03-08&saved=2026-02-30&removed=soon'))
    expect(view.editing).toBeNull()
    expect(view.saved).toBeNull()
    expect(view.removed).toBeNull()
  })

  it('links to the years next to it only while they are in the calendar', () => {
    expect(calendarView([], 2026, new URLSearchParams())).toMatchObject({ previousYear: 2025, nextYear: 2027 })
    expect(calendarView([], 2000, new URLSearchParams())).toMatchObject({ previousYear: null, nextYear: 2001 })
    expect(calendarView([], 2100, new URLSearchParams())).toMatchObject({ previousYear: 2099, nextYear: null })
  })
})

describe('calendarLocation', () => {
  it("shows the changed day's year with its notice", () => {
    expect(calendarLocation('en', 'saved', '2027-05-01')).toBe('/en/legal-admin/calendar?year=2027&saved=2027-05-01')
    expect(calendarLocation('ru', 'removed', '2026-11-04')).toBe(
      '/ru/legal-admin/calendar?year=2026&removed=2026-11-04',
    )
  })
})
