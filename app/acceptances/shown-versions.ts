import { isDocumentKind, type DocumentKind } from '~/platform/document-kinds'

/**
 * The document versions a form showed, carried in one hidden field
 * (`shownVersions`, e.g. "terms:3,privacy:2,consent:2"; the locale travels in
 * its own field). The action compares them with the versions in force when it
 * runs: acceptance is only ever of the version in force, so if anything
 * changed while the form was open nothing is recorded and the form comes back
 * with the new versions. Browser-safe: no server imports.
 */

export type ShownVersion = { kind: DocumentKind; version: number }

export const SHOWN_VERSIONS_FIELD = 'shownVersions'

// Generous for four kinds; anything longer is not something we rendered.
const MAX_LENGTH = 200
const ENTRY = /^([a-z]+):([1-9][0-9]{0,8})$/

export function encodeShownVersions(list: readonly ShownVersion[]): string {
  return list.map((item) => `${item.kind}:${item.version}`).join(',')
}

/** Strict: the exact format encodeShownVersions writes, known kinds, each kind once. Anything else is null. */
export function parseShownVersions(raw: unknown): ShownVersion[] | null {
  if (typeof raw !== 'string' || raw === '' || raw.length > MAX_LENGTH) return null
  const list: ShownVersion[] = []
  const seen = new Set<DocumentKind>()
  for (const part of raw.split(',')) {
    const match = ENTRY.exec(part)
    if (!match) return null
    const [, kind, version] = match
    if (!isDocumentKind(kind) || seen.has(kind)) return null
    seen.add(kind)
    list.push({ kind, version: Number(version) })
  }
  return list
}

export type ShownVersionsComparison = { ok: true } | { ok: false; changed: DocumentKind[] }

/**
 * Whether the form showed exactly the versions in force. A kind in force but
 * not shown, shown with another version, or shown but no longer asked for all
 * count as changed.
 */
export function compareShownVersions(
  shown: readonly ShownVersion[],
  current: readonly ShownVersion[],
): ShownVersionsComparison {
  const shownByKind = new Map(shown.map((item) => [item.kind, item.version]))
  const currentKinds = new Set(current.map((item) => item.kind))
  const changed: DocumentKind[] = []
  for (const item of current) {
    if (shownByKind.get(item.kind) !== item.version && !changed.includes(item.kind)) changed.push(item.kind)
  }
  for (const item of shown) {
    if (!currentKinds.has(item.kind) && !changed.includes(item.kind)) changed.push(item.kind)
  }
  return changed.length === 0 ? { ok: true } : { ok: false, changed }
}
