import type { LegalDocumentSummary } from './types'

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
 * The next announced version: the lowest version higher than the one in force
 * whose effectiveFrom is still in the future. Null when nothing is announced.
 */
export function nextAnnouncedVersion<T extends VersionTiming>(versions: readonly T[], now: Date): T | null {
  const at = now.getTime()
  const floor = effectiveVersion(versions, now)?.version ?? 0
  let next: T | null = null
  for (const item of versions) {
    if (item.version > floor && startsAt(item) > at && (next === null || item.version < next.version)) next = item
  }
  return next
}

/** The version just before `version` (the highest lower one), or null for the first. */
export function previousVersion<T extends VersionTiming>(versions: readonly T[], version: number): T | null {
  let previous: T | null = null
  for (const item of versions) {
    if (item.version < version && (previous === null || item.version > previous.version)) previous = item
  }
  return previous
}
