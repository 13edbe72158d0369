/**
 * The effective date as the publish confirmation shows it: in UTC (what the
 * site and the messages use) and in Moscow time (where the operator and most
 * readers are). Moscow time comes from Intl with an explicit time zone, so
 * the answer does not depend on the time zone of the editor's browser.
 */
import { formatMoment } from '../schemaTypes/rules'

const MOSCOW = 'Europe/Moscow'

const moscowFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: MOSCOW,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'shortOffset',
})

function parse(value: unknown): Date | null {
  if (typeof value !== 'string' && !(value instanceof Date)) return null
  const at = new Date(value)
  return Number.isNaN(at.getTime()) ? null : at
}

/** `2025-09-01 00:00 UTC`, or null for a missing or invalid date. */
export function formatUtc(value: unknown): string | null {
  const at = parse(value)
  return at ? formatMoment(at) : null
}

/** `2025-09-01 03:00 Moscow time (GMT+3)`, or null for a missing or invalid date. */
export function formatMoscow(value: unknown): string | null {
  const at = parse(value)
  if (!at) return null
  const parts = Object.fromEntries(moscowFormat.formatToParts(at).map(({ type, value: part }) => [type, part]))
  const offset = parts.timeZoneName ?? ''
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} Moscow time${offset ? ` (${offset})` : ''}`
}
