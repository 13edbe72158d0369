import { createTestContentSource, legalDoc } from '~/acceptances/__fixtures__/legal-dataset'

/**
 * For tests: cookie policies on a fixed timeline, so a test can move the
 * clock past the day a new version comes into force.
 *
 * cookies ru: v1 Jan 2026, v2 Jun 2026
 * cookies en: v1 Jan 2026 only
 * nothing is in force before 2026
 */
export const COOKIE_TIMELINE = {
  before: new Date('2025-12-15T12:00:00Z'),
  feb: new Date('2026-02-15T12:00:00Z'),
  jul: new Date('2026-07-15T12:00:00Z'),
}

export const cookieDocuments = [
  legalDoc('cookies', 'ru', 1, '2026-01-01T00:00:00Z'),
  legalDoc('cookies', 'ru', 2, '2026-06-01T00:00:00Z'),
  legalDoc('cookies', 'en', 1, '2026-01-01T00:00:00Z'),
]

export function createCookieContentSource() {
  return createTestContentSource(cookieDocuments)
}
