/**
 * The approval a legal document needs before it can be published, as plain
 * functions over plain data (approval.test.ts runs them under the web app's
 * vitest). Keep this file free of runtime imports from `sanity`.
 *
 * An approval is stored on the draft itself, in its read-only `approval`
 * field, and names the exact content it approves by a SHA-256 hash. Editing
 * any content field afterwards changes the hash, so the approval no longer
 * counts. The site recomputes the same hash from the published document (the
 * publish webhook), so the canonical form below is a contract between the two:
 *
 * 1. Take exactly the fields in APPROVAL_CONTENT_FIELDS from the document; a
 *    field that is absent (or undefined) becomes `null`. Nothing else counts
 *    (no `_id`, `_rev`, `_updatedAt`, `approval`).
 * 2. Serialize as JSON with no whitespace, where every object (the top level,
 *    blocks, spans, mark definitions, table rows…) has its keys sorted by
 *    UTF-16 code units (JavaScript's default sort), keys whose value is
 *    undefined are left out, arrays keep their order, and strings and numbers
 *    are written as `JSON.stringify` writes them (non-ASCII characters as
 *    they are, not as \u escapes).
 * 3. Encode that string as UTF-8 and hash it with SHA-256; the hash is the
 *    64 lower-case hexadecimal digits, without a prefix.
 */
import { VERSION_CONTENT_FIELDS } from '../schemaTypes/rules'

/** The fields an approval covers: the same ones that make up a published version. */
export const APPROVAL_CONTENT_FIELDS = VERSION_CONTENT_FIELDS

/** What the `approval` field of a legal document holds. */
export interface Approval {
  /** The approver's Sanity user id (as `identity()` returns it). */
  userId: string
  name: string
  email: string
  /** ISO 8601, UTC. */
  approvedAt: string
  /** SHA-256 of the canonical content, see above. */
  contentHash: string
}

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

/** JSON with sorted keys and no whitespace: the same text for the same content, whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value)) ?? 'null'
}

/** The part of a legal document an approval covers, with absent fields as null. */
export function approvalContent(document: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const content: Record<string, unknown> = {}
  for (const field of APPROVAL_CONTENT_FIELDS) content[field] = document[field] ?? null
  return content
}

/** The canonical text that is hashed; exposed so the site's tests can compare byte for byte. */
export function approvalCanonicalText(document: Readonly<Record<string, unknown>>): string {
  return canonicalJson(approvalContent(document))
}

/** SHA-256 (Web Crypto, so the browser and Node compute it the same way) of the canonical content. */
export async function contentHash(document: Readonly<Record<string, unknown>>): Promise<string> {
  return sha256Hex(approvalCanonicalText(document))
}

/** Lower-case hexadecimal SHA-256 of a text's UTF-8 bytes. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** The stored approval, or null when there is none or it is not complete. */
export function readApproval(value: unknown): Approval | null {
  if (typeof value !== 'object' || value === null) return null
  const { userId, name, email, approvedAt, contentHash: hash } = value as Record<string, unknown>
  if (typeof userId !== 'string' || userId === '') return null
  if (typeof approvedAt !== 'string' || typeof hash !== 'string' || hash === '') return null
  return {
    userId,
    name: typeof name === 'string' ? name : '',
    email: typeof email === 'string' ? email : '',
    approvedAt,
    contentHash: hash,
  }
}

/** “Anna Petrova (anna@example.com)”, or whatever part of it is known. */
export function describeApprover(approval: Pick<Approval, 'name' | 'email' | 'userId'>): string {
  if (approval.name && approval.email) return `${approval.name} (${approval.email})`
  return approval.name || approval.email || approval.userId
}

// --- can this draft be published now? ---------------------------------------

export interface PublishState {
  /** Is there a draft at all? */
  hasDraft: boolean
  /** Why Sanity's publish operation is unavailable (“NO_CHANGES”, “NOT_READY”…), or false. */
  operationDisabled: string | false
  isSyncing: boolean
  isValidating: boolean
  hasValidationErrors: boolean
  /** The draft's stored approval, as readApproval returns it. */
  approval: Approval | null
  /** The hash of the draft as it is now; null while it is being computed. */
  currentHash: string | null
  /** The Sanity user who would publish. */
  currentUserId: string | null
}

export type PublishDecision = { allowed: true; approval: Approval } | { allowed: false; reasons: string[] }

const OPERATION_REASONS: Record<string, string> = {
  NO_CHANGES: 'There are no unpublished changes.',
  NOT_READY: 'The document is still loading.',
  ALREADY_PUBLISHED: 'This version is already published.',
  LIVE_EDIT_ENABLED: 'This document is published as you edit it.',
}

/**
 * Publishing needs a draft that is saved, valid, and approved — in exactly
 * its current content — by somebody other than the person publishing. Each
 * reason is a sentence for the button's tooltip, most urgent first.
 */
export function decidePublish(state: PublishState): PublishDecision {
  if (!state.hasDraft) return { allowed: false, reasons: ['There are no unpublished changes.'] }
  if (state.operationDisabled) {
    return {
      allowed: false,
      reasons: [OPERATION_REASONS[state.operationDisabled] ?? 'Sanity cannot publish this document right now.'],
    }
  }
  const reasons: string[] = []
  if (state.isSyncing) reasons.push('Your last changes are still being saved.')
  else if (state.isValidating) reasons.push('The document is still being checked.')
  else if (state.hasValidationErrors) reasons.push('Fix the errors shown on the document first.')

  const { approval, currentHash, currentUserId } = state
  if (currentHash === null) {
    reasons.push('Checking the approval…')
  } else if (!approval) {
    reasons.push('A second person must approve this version first: ask a colleague to choose “Approve for publishing”.')
  } else if (approval.contentHash !== currentHash) {
    reasons.push(
      `The text changed after ${describeApprover(approval)} approved it, so it needs a new approval (“Approve for publishing”).`,
    )
  } else if (currentUserId !== null && approval.userId === currentUserId) {
    reasons.push('You approved this version, so somebody else must publish it.')
  } else if (currentUserId === null) {
    reasons.push('Your Sanity user is not known yet.')
  }
  return reasons.length === 0 && approval ? { allowed: true, approval } : { allowed: false, reasons }
}

export type ApproveDecision = { allowed: true } | { allowed: false; reason: string }

/**
 * Anyone with access may approve a draft, its author included: the rule that
 * matters is that the approver does not publish it. There is nothing to
 * approve while the draft is unsaved or invalid, or when the content as it is
 * has already been approved.
 */
export function decideApprove(state: Omit<PublishState, 'operationDisabled' | 'currentUserId'>): ApproveDecision {
  if (!state.hasDraft) return { allowed: false, reason: 'There are no unpublished changes to approve.' }
  if (state.isSyncing) return { allowed: false, reason: 'Your last changes are still being saved.' }
  if (state.isValidating) return { allowed: false, reason: 'The document is still being checked.' }
  if (state.hasValidationErrors) return { allowed: false, reason: 'Fix the errors shown on the document first.' }
  if (state.currentHash === null) return { allowed: false, reason: 'Checking the approval…' }
  if (state.approval && state.approval.contentHash === state.currentHash) {
    return {
      allowed: false,
      reason: `Already approved by ${describeApprover(state.approval)}. It needs approving again only if the text changes.`,
    }
  }
  return { allowed: true }
}
