import type { LegalDocumentSummary } from '~/content'

/** The fields the timeline needs; any summary-like object will do. */
export type VersionTiming = Pick<LegalDocumentSummary, 'version' | 'effectiveFrom'>

function startsAt(item: VersionTiming): number {
  return Date.parse(item.effectiveFrom)
}

/**
 * The version in force at `now`: the highest version whose effectiveFrom is at
 * or before `now` (a version takes effect at the very instant given). Order
 * of the input does not matter. Null when no version is in force yet.
 */
export function effectiveVersion<T extends VersionTiming>(versions: readonly T[], now: Date): T | null {
  const at = now.getTime()
  let inForce: T | null = null
  for (const item of versions) {
    if (startsAt(item) <= at && (inForce === null || item.version > inForce.version)) inForce = item
  }
  return inForce
}

/**
 * The next announced version: the one that will be in force at the next
 * moment the version in force changes. That moment is the earliest future
 * effectiveFrom among the versions above the one in force; the version then
 * in force is the highest one starting by then. So a version that a later
 * one replaces before it takes effect (a higher number with an earlier or
 * the same date) is never announced: it never comes into force. Null when
 * nothing is announced.
 */
export function nextAnnouncedVersion<T extends VersionTiming>(versions: readonly T[], now: Date): T | null {
  const at = now.getTime()
  const floor = effectiveVersion(versions, now)?.version ?? 0
  const upcoming = versions.filter((item) => item.version > floor && startsAt(item) > at)
  if (upcoming.length === 0) return null
  const changeAt = Math.min(...upcoming.map(startsAt))
  return effectiveVersion(upcoming, new Date(changeAt))
}

/** The version just before `version` (the highest lower one), or null for the first. */
export function previousVersion<T extends VersionTiming>(versions: readonly T[], version: number): T | null {
  let previous: T | null = null
  for (const item of versions) {
    if (item.version < version && (previous === null || item.version > previous.version)) previous = item
  }
  return previous
}
