import { describe, expect, it } from 'vitest'
import { REQUEST_KINDS } from './schema'
import {
  addMonths,
  addOneMonth,
  addCalendarDays,
  addWorkingDays,
  daysBetween,
  extendedDueOn,
  isCalendarDate,
  isWorkingDay,
  moscowDay,
  replyDueOn,
  yearsWithoutEntries,
  type WorkingCalendar,
} from './working-days'

// The Russian non-working weekdays of late 2026 and early 2027 as migration
// 0009 seeds them, plus a made-up transfer: Saturday 2026-11-07 as a working day.
const calendar: WorkingCalendar = new Map([
  ['2026-11-04', 'holiday'],
  ['2026-11-07', 'workday'],
  ['2026-12-31', 'holiday'],
  ['2027-01-01', 'holiday'],
  ['2027-01-04', 'holiday'],
  ['2027-01-05', 'holiday'],
  ['2027-01-06', 'holiday'],
  ['2027-01-07', 'holiday'],
  ['2027-01-08', 'holiday'],
  ['2027-02-23', 'holiday'],
])
const plain: WorkingCalendar = new Map()

describe('addWorkingDays', () => {
  it('starts counting the day after receipt and skips weekends', () => {
    // Monday 2026-10-05: Tue..Fri are 4, Mon..Fri 9, the next Monday is the 10th.
    expect(addWorkingDays('2026-10-05', 10, plain)).toBe('2026-10-19')
    expect(addWorkingDays('2026-10-05', 1, plain)).toBe('2026-10-06')
    // Friday: the first working day after it is Monday.
    expect(addWorkingDays('2026-10-09', 1, plain)).toBe('2026-10-12')
  })

  it('skips a holiday on a weekday', () => {
    // Monday 2026-11-02; Wednesday 4 November is Unity Day.
    expect(addWorkingDays('2026-11-02', 2, new Map([['2026-11-04', 'holiday']]))).toBe('2026-11-05')
    expect(addWorkingDays('2026-11-02', 10, new Map([['2026-11-04', 'holiday']]))).toBe('2026-11-17')
  })

  it('counts a weekend day made working by a transfer', () => {
    // Thursday 2026-11-05: Fri 6 (1), Sat 7 is a working day (2), Mon 9 (3).
    expect(addWorkingDays('2026-11-05', 3, calendar)).toBe('2026-11-09')
    expect(addWorkingDays('2026-11-05', 3, new Map([['2026-11-04', 'holiday']]))).toBe('2026-11-10')
  })

  it('crosses the year end and the January holidays', () => {
    // Friday 2026-12-25: Mon 28, Tue 29, Wed 30 (3); 31 Dec and 1–8 Jan are
    // off; Mon 11 to Fri 15 (8); Mon 18 (9), Tue 19 (10).
    expect(addWorkingDays('2026-12-25', 10, calendar)).toBe('2027-01-19')
    // Without the calendar the same period would end before the holidays are over.
    expect(addWorkingDays('2026-12-25', 10, plain)).toBe('2027-01-08')
  })

  it('counts from the next day when the request arrives on a holiday or a weekend', () => {
    // Received on the 31 December holiday: Mon 11 Jan is the first working day.
    expect(addWorkingDays('2026-12-31', 1, calendar)).toBe('2027-01-11')
    expect(addWorkingDays('2026-12-31', 10, calendar)).toBe('2027-01-22')
    // Friday 9, Saturday 10 and Sunday 11 October all start counting on Monday 12.
    expect(addWorkingDays('2026-10-10', 10, plain)).toBe('2026-10-23')
    expect(addWorkingDays('2026-10-11', 10, plain)).toBe('2026-10-23')
    expect(addWorkingDays('2026-10-09', 10, plain)).toBe('2026-10-23')
  })

  it('counts a working Saturday on which the request arrived only from the next day', () => {
    expect(addWorkingDays('2026-11-07', 1, calendar)).toBe('2026-11-09')
  })

  it('refuses a count that is not a positive integer, and a malformed or impossible date', () => {
    expect(() => addWorkingDays('2026-10-05', 0, plain)).toThrow(RangeError)
    expect(() => addWorkingDays('2026-10-05', 1.5, plain)).toThrow(RangeError)
    expect(() => addWorkingDays('2026-02-30', 1, plain)).toThrow(RangeError)
    expect(() => addWorkingDays('5 Oct 2026', 1, plain)).toThrow(RangeError)
  })

  it('gives up on a calendar with no working day at all instead of looping', () => {
    const allOff = new Map<string, 'holiday'>()
    for (let day = '2026-01-01'; day < '2030-01-01'; day = addCalendarDays(day, 1)) allOff.set(day, 'holiday')
    expect(() => addWorkingDays('2026-01-01', 1, allOff)).toThrow(/fewer than 1 working days/)
  })
})

describe('due dates', () => {
  it('gives 152-FZ access requests 10 working days and the extension 5 more after the original due date', () => {
    const original = replyDueOn('ru', 'access', '2026-12-25', calendar)
    expect(original).toBe('2027-01-19')
    // Wed 20, Thu 21, Fri 22, Mon 25, Tue 26.
    expect(extendedDueOn('ru', 'access', original, calendar)).toBe('2027-01-26')
    // 23 February is a holiday: from Thu 2027-02-18, 5 working days are Fri 19, Mon 22, Wed 24, Thu 25, Fri 26.
    expect(extendedDueOn('ru', 'access', '2027-02-18', calendar)).toBe('2027-02-26')
  })

  it('gives 152-FZ corrections and deletions 7 working days, without an extension', () => {
    // Received Friday 25 December 2026: Mon 28, Tue 29, Wed 30, then 31 December–10 January are off: Mon 11, Tue 12, Wed 13, Thu 14.
    expect(replyDueOn('ru', 'correction', '2026-12-25', calendar)).toBe('2027-01-14')
    expect(replyDueOn('ru', 'deletion', '2026-12-25', calendar)).toBe('2027-01-14')
    // An ordinary fortnight: received Monday 2026-10-05, due Wednesday 2026-10-14 (10 working days: Monday 19th).
    expect(replyDueOn('ru', 'correction', '2026-10-05', plain)).toBe('2026-10-14')
    expect(replyDueOn('ru', 'access', '2026-10-05', plain)).toBe('2026-10-19')
    expect(extendedDueOn('ru', 'correction', '2027-01-14', calendar)).toBeNull()
    expect(extendedDueOn('ru', 'deletion', '2027-01-14', calendar)).toBeNull()
  })

  it('gives 152-FZ objections 10 working days with the extension, and withdrawals 10 working days without one', () => {
    expect(replyDueOn('ru', 'objection', '2026-12-25', calendar)).toBe('2027-01-19')
    expect(extendedDueOn('ru', 'objection', '2027-01-19', calendar)).toBe('2027-01-26')
    expect(replyDueOn('ru', 'portability', '2026-12-25', calendar)).toBe('2027-01-19')
    expect(extendedDueOn('ru', 'portability', '2027-01-19', calendar)).toBe('2027-01-26')
    expect(replyDueOn('ru', 'withdrawal', '2026-12-25', calendar)).toBe('2027-01-19')
    expect(extendedDueOn('ru', 'withdrawal', '2027-01-19', calendar)).toBeNull()
  })

  it('gives every GDPR request 30 calendar days or one month, whichever ends first, holidays or not', () => {
    for (const kind of REQUEST_KINDS) {
      expect(replyDueOn('gdpr', kind, '2026-12-25', calendar)).toBe('2027-01-24')
      // February: one month (to 1 March) is shorter than 30 days (to 3 March).
      expect(replyDueOn('gdpr', kind, '2027-02-01', calendar)).toBe('2027-03-01')
      // Across a leap day.
      expect(replyDueOn('gdpr', kind, '2028-02-15', plain)).toBe('2028-03-15')
      expect(extendedDueOn('gdpr', kind, '2027-01-24', calendar)).toBeNull()
    }
  })

  it('counts months to the same day, or the last day of a shorter month', () => {
    expect(addMonths('2027-01-31', 3)).toBe('2027-04-30')
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28')
    expect(addOneMonth('2027-01-31')).toBe('2027-02-28')
    expect(addOneMonth('2028-01-31')).toBe('2028-02-29')
    expect(addOneMonth('2026-12-15')).toBe('2027-01-15')
    expect(addOneMonth('2027-03-31')).toBe('2027-04-30')
  })
})

describe('calendar helpers', () => {
  it('tells working days from days off', () => {
    expect(isWorkingDay('2026-12-30', calendar)).toBe(true)
    expect(isWorkingDay('2026-12-31', calendar)).toBe(false)
    expect(isWorkingDay('2026-11-07', calendar)).toBe(true)
    expect(isWorkingDay('2026-11-08', calendar)).toBe(false)
  })

  it('takes the Moscow date of an instant (UTC+3)', () => {
    expect(moscowDay(new Date('2026-12-31T20:59:59Z'))).toBe('2026-12-31')
    expect(moscowDay(new Date('2026-12-31T21:00:00Z'))).toBe('2027-01-01')
  })

  it('counts calendar days between dates and validates dates', () => {
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3)
    expect(daysBetween('2027-01-02', '2026-12-30')).toBe(-3)
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2)
    expect(isCalendarDate('2028-02-29')).toBe(true)
    expect(isCalendarDate('2027-02-29')).toBe(false)
    expect(isCalendarDate('2027-13-01')).toBe(false)
  })

  it('names the years a period crosses that the calendar has nothing for', () => {
    expect(yearsWithoutEntries(calendar, '2026-12-25', '2027-01-19')).toEqual([])
    expect(yearsWithoutEntries(calendar, '2027-12-20', '2028-01-10')).toEqual([2028])
  })
})
