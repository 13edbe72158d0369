import { describe, expect, test } from 'vitest'
import { effectiveVersion, nextAnnouncedVersion, previousVersion } from './effective-version'

// Moscow-time dates as editors enter them; comparisons must be by instant, not by string.
const v1 = { version: 1, effectiveFrom: '2025-03-01T00:00:00+03:00' }
const v2 = { version: 2, effectiveFrom: '2025-09-01T00:00:00+03:00' }
const v3 = { version: 3, effectiveFrom: '2026-06-01T00:00:00+03:00' }
const v4 = { version: 4, effectiveFrom: '2026-09-01T00:00:00+03:00' }
const all = [v4, v3, v2, v1] // as the sources return them: highest first

const at = (iso: string) => new Date(iso)

describe('effectiveVersion', () => {
  test('the highest version already in force wins; announced ones do not count yet', () => {
    expect(effectiveVersion(all, at('2026-01-15T10:00:00Z'))).toBe(v2)
    expect(effectiveVersion(all, at('2030-01-01T00:00:00Z'))).toBe(v4)
  })

  test('a version is in force from the exact instant of its effectiveFrom', () => {
    expect(effectiveVersion(all, at('2025-08-31T21:00:00.000Z'))).toBe(v2) // = 2025-09-01T00:00+03:00
    expect(effectiveVersion(all, at('2025-08-31T20:59:59.999Z'))).toBe(v1)
  })

  test('null before the first version takes effect, and for no versions at all', () => {
    expect(effectiveVersion(all, at('2025-02-28T20:59:59Z'))).toBeNull()
    expect(effectiveVersion([], at('2026-01-01T00:00:00Z'))).toBeNull()
  })

  test('input order does not matter', () => {
    const now = at('2026-07-01T00:00:00Z')
    expect(effectiveVersion([v1, v3, v4, v2], now)).toBe(v3)
    expect(effectiveVersion([v3, v1, v2], now)).toBe(v3)
  })

  test('a higher version with an earlier date still wins once both are in force', () => {
    const early = { version: 5, effectiveFrom: '2025-10-01T00:00:00+03:00' }
    expect(effectiveVersion([...all, early], at('2026-01-01T00:00:00Z'))).toBe(early)
  })
})

describe('nextAnnouncedVersion', () => {
  test('the lowest future version above the one in force', () => {
    expect(nextAnnouncedVersion(all, at('2026-01-15T00:00:00Z'))).toBe(v3)
    expect(nextAnnouncedVersion([v2, v4, v1, v3], at('2026-07-01T00:00:00Z'))).toBe(v4)
  })

  test('none when the highest version is in force', () => {
    expect(nextAnnouncedVersion(all, at('2030-01-01T00:00:00Z'))).toBeNull()
  })

  test('before anything is in force, the first announced version', () => {
    expect(nextAnnouncedVersion(all, at('2025-01-01T00:00:00Z'))).toBe(v1)
  })

  test('exactly at effectiveFrom the version is in force, not announced', () => {
    const now = at('2026-05-31T21:00:00Z')
    expect(effectiveVersion(all, now)).toBe(v3)
    expect(nextAnnouncedVersion(all, now)).toBe(v4)
  })

  test('a version replaced before it takes effect is never announced: the one that will be in force is', () => {
    // Announced v3 for February; v4 then published for December replaces it (v3 never comes into force).
    const february = { version: 3, effectiveFrom: '2027-02-01T00:00:00+03:00' }
    const december = { version: 4, effectiveFrom: '2026-12-14T00:00:00+03:00' }
    const now = at('2026-12-06T12:00:00Z')
    expect(nextAnnouncedVersion([v1, v2, february, december], now)).toBe(december)
    // Two versions with one date: the higher one is what will be in force.
    const sameDay = { version: 5, effectiveFrom: '2026-12-14T00:00:00+03:00' }
    expect(nextAnnouncedVersion([v1, v2, february, december, sameDay], now)).toBe(sameDay)
    expect(effectiveVersion([v1, v2, february, december, sameDay], at('2026-12-14T00:00:00+03:00'))).toBe(sameDay)
  })

  test('a future-dated lower version is not "next" once a higher one is in force', () => {
    const late = { version: 2, effectiveFrom: '2027-01-01T00:00:00+03:00' }
    expect(nextAnnouncedVersion([v1, late, v3], at('2026-07-01T00:00:00Z'))).toBeNull()
  })
})

describe('previousVersion', () => {
  test('the version just below, whatever the order; null for the first', () => {
    expect(previousVersion(all, 3)).toBe(v2)
    expect(previousVersion([v1, v4, v2], 4)).toBe(v2)
    expect(previousVersion(all, 1)).toBeNull()
  })

  test('works for a version number that is not in the list', () => {
    expect(previousVersion([v1, v4], 3)).toBe(v1)
  })
})
