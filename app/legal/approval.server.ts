import { createHash } from 'node:crypto'

/**
 * The Studio records a second person's approval on a legal draft with the
 * SHA-256 of the content approved (cms/actions/approval.ts states the
 * canonical form; the two must agree byte for byte, which approval.server.test.ts
 * checks against the Studio's own function). The publish webhook hashes the
 * published document the same way, so an approval that does not cover what
 * was published (written past the Studio, or for other text) shows.
 */

/** The fields an approval covers, in the Studio's VERSION_CONTENT_FIELDS. */
export const APPROVED_FIELDS = [
  'kind',
  'locale',
  'version',
  'effectiveFrom',
  'title',
  'body',
  'changeSummary',
  'material',
] as const

function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonicalValue(item)))
  if (typeof value !== 'object' || value === null) return value
  const record = value as Record<string, unknown>
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) sorted[key] = canonicalValue(record[key])
  }
  return sorted
}

/** SHA-256 (lower-case hex) of the approved fields of a document, in the canonical form. */
export function approvedContentHash(document: Readonly<Record<string, unknown>>): string {
  const content: Record<string, unknown> = {}
  for (const field of APPROVED_FIELDS) content[field] = document[field] ?? null
  return createHash('sha256')
    .update(JSON.stringify(canonicalValue(content)), 'utf8')
    .digest('hex')
}

/**
 * Whether a recorded approval covers `published`: null when there is no
 * approval with a hash to compare (nothing to check), else true or false.
 */
export function approvalCovers(
  approval: Readonly<Record<string, unknown>> | null | undefined,
  published: Readonly<Record<string, unknown>> | null,
): boolean | null {
  const hash = approval?.contentHash
  if (typeof hash !== 'string' || !published) return null
  return hash === approvedContentHash(published)
}
