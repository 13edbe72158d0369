import { createHash } from 'node:crypto'
import { APPROVAL_CONTENT_FIELDS, approvalCanonicalText } from '../../cms/actions/approval'

/**
 * The Studio records a second person's approval on a legal draft with the
 * SHA-256 of the content approved. The publish webhook hashes the published
 * document over the Studio's own canonical text (cms/actions/approval.ts, a
 * module with no Sanity imports, where the canonical form is stated), so the
 * two sides cannot drift apart, and an approval that does not cover what was
 * published (written past the Studio, or for other text) shows.
 */

/** The fields an approval covers. */
export const APPROVED_FIELDS = APPROVAL_CONTENT_FIELDS

/** SHA-256 (lower-case hex) of the approved fields of a document, in the canonical form. */
export function approvedContentHash(document: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(approvalCanonicalText(document), 'utf8').digest('hex')
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
