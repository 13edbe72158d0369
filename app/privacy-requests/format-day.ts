import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'

/**
 * A calendar date ('YYYY-MM-DD', a Moscow date) in words. Noon UTC is the
 * same date in Moscow, the zone formatDate shows dates in.
 */
export function formatDay(day: string, locale: Locale): string {
  return formatDate(`${day}T12:00:00Z`, locale)
}
