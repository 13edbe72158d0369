import { describe, expect, it } from 'vitest'
import { formatMoscow, formatUtc } from './moments'

describe('effective date in UTC and Moscow time', () => {
  it('shows the same moment in both', () => {
    expect(formatUtc('2026-02-01T00:00:00Z')).toBe('2026-02-01 00:00 UTC')
    expect(formatMoscow('2026-02-01T00:00:00Z')).toBe('2026-02-01 03:00 Moscow time (GMT+3)')
  })

  it('crosses the date line into the next Moscow day', () => {
    expect(formatMoscow('2026-06-30T21:30:00.000Z')).toBe('2026-07-01 00:30 Moscow time (GMT+3)')
  })

  it('uses the offset Moscow had at that moment, not today’s', () => {
    // Moscow kept summer time (UTC+4) until 2014.
    expect(formatMoscow('2012-07-01T12:00:00Z')).toBe('2012-07-01 16:00 Moscow time (GMT+4)')
  })

  it('does not depend on the time zone the Studio runs in', () => {
    const before = process.env.TZ
    process.env.TZ = 'America/Los_Angeles'
    try {
      expect(formatMoscow('2026-02-01T00:00:00Z')).toBe('2026-02-01 03:00 Moscow time (GMT+3)')
    } finally {
      process.env.TZ = before
    }
  })

  it('has nothing to show for a missing or broken date', () => {
    expect(formatUtc(undefined)).toBeNull()
    expect(formatUtc('not a date')).toBeNull()
    expect(formatMoscow(null)).toBeNull()
    expect(formatMoscow('')).toBeNull()
  })
})
