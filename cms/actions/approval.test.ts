import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  APPROVAL_CONTENT_FIELDS,
  approvalCanonicalText,
  approvalContent,
  canonicalJson,
  contentHash,
  decideApprove,
  decidePublish,
  readApproval,
  type Approval,
  type PublishState,
} from './approval'

const draft = {
  _id: 'drafts.privacy-ru-3',
  _type: 'legalDocument',
  _rev: 'rev-1',
  _updatedAt: '2026-01-10T10:00:00Z',
  kind: 'privacy',
  locale: 'ru',
  version: 3,
  effectiveFrom: '2026-02-01T00:00:00.000Z',
  title: 'Политика конфиденциальности',
  body: [
    {
      _type: 'block',
      _key: 'b1',
      style: 'normal',
      markDefs: [],
      children: [{ _type: 'span', _key: 's1', text: 'Мы храним данные «в России».', marks: [] }],
    },
  ],
  changeSummary: 'Уточнён срок хранения.',
  material: true,
}

// Pinned so that the site's implementation (publish webhook) can be checked against the same vector.
const DRAFT_CANONICAL =
  '{"body":[{"_key":"b1","_type":"block","children":[{"_key":"s1","_type":"span","marks":[],"text":"Мы храним данные «в России»."}],"markDefs":[],"style":"normal"}],"changeSummary":"Уточнён срок хранения.","effectiveFrom":"2026-02-01T00:00:00.000Z","kind":"privacy","locale":"ru","material":true,"title":"Политика конфиденциальности","version":3}'

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

describe('canonical content', () => {
  it('sorts keys at every level, drops undefined keys and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: undefined, b: null } })).toBe(
      '{"a":{"b":null,"d":[3,1,2]},"b":1}',
    )
  })

  it('covers exactly the version fields, an absent one as null, and nothing of Sanity’s or the approval', () => {
    expect(APPROVAL_CONTENT_FIELDS).toEqual([
      'kind',
      'locale',
      'version',
      'effectiveFrom',
      'title',
      'body',
      'changeSummary',
      'material',
    ])
    const { changeSummary: _dropped, ...withoutSummary } = draft
    const content = approvalContent({ ...withoutSummary, approval: { userId: 'u1' } })
    expect(Object.keys(content).sort()).toEqual([...APPROVAL_CONTENT_FIELDS].sort())
    expect(content.changeSummary).toBeNull()
  })

  it('writes the documented text, non-ASCII characters as they are', () => {
    expect(approvalCanonicalText(draft)).toBe(DRAFT_CANONICAL)
  })
})

describe('content hash', () => {
  it('is the hex SHA-256 of the canonical text’s UTF-8 bytes', async () => {
    const hash = await contentHash(draft)
    expect(hash).toBe(sha256(DRAFT_CANONICAL))
    expect(hash).toBe('1f81a659fe5dfb9d0d5bd7dfbd7fdc245f4f84a2f611e94072e86e196c428c03')
  })

  it('ignores key order, revisions, timestamps and the approval itself', async () => {
    const reordered = Object.fromEntries(Object.entries(draft).reverse())
    const touched = { ...draft, _rev: 'rev-2', _updatedAt: '2026-01-11T00:00:00Z', approval: { userId: 'u2' } }
    expect(await contentHash(reordered)).toBe(await contentHash(draft))
    expect(await contentHash(touched)).toBe(await contentHash(draft))
  })

  it('changes with any content field', async () => {
    const base = await contentHash(draft)
    expect(await contentHash({ ...draft, material: false })).not.toBe(base)
    expect(await contentHash({ ...draft, effectiveFrom: '2026-02-01T00:15:00.000Z' })).not.toBe(base)
    const edited = structuredClone(draft)
    edited.body[0]!.children[0]!.text = 'Мы храним данные в России.'
    expect(await contentHash(edited)).not.toBe(base)
  })
})

describe('reading a stored approval', () => {
  it('needs a user, a time and a hash', () => {
    const stored = {
      userId: 'u1',
      name: 'Anna',
      email: 'anna@example.com',
      approvedAt: '2026-01-10T10:00:00Z',
      contentHash: 'ab',
    }
    expect(readApproval(stored)).toEqual(stored)
    expect(readApproval({ ...stored, contentHash: '' })).toBeNull()
    expect(readApproval({ ...stored, userId: undefined })).toBeNull()
    expect(readApproval(null)).toBeNull()
    expect(readApproval({ userId: 'u1', approvedAt: 'x', contentHash: 'ab' })).toEqual({
      userId: 'u1',
      name: '',
      email: '',
      approvedAt: 'x',
      contentHash: 'ab',
    })
  })
})

const approval: Approval = {
  userId: 'approver',
  name: 'Anna Petrova',
  email: 'anna@example.com',
  approvedAt: '2026-01-10T10:00:00Z',
  contentHash: 'hash-now',
}

const ready: PublishState = {
  hasDraft: true,
  operationDisabled: false,
  isSyncing: false,
  isValidating: false,
  hasValidationErrors: false,
  approval,
  currentHash: 'hash-now',
  currentUserId: 'publisher',
}

const reasons = (state: Partial<PublishState>) => {
  const decision = decidePublish({ ...ready, ...state })
  return decision.allowed ? [] : decision.reasons
}

describe('can this draft be published?', () => {
  it('yes, when it is saved, valid and approved as it is by somebody else', () => {
    expect(decidePublish(ready)).toEqual({ allowed: true, approval })
  })

  it('not without a draft, or while Sanity’s publish operation is unavailable', () => {
    expect(reasons({ hasDraft: false })).toEqual(['There are no unpublished changes.'])
    expect(reasons({ operationDisabled: 'NO_CHANGES' })).toEqual(['There are no unpublished changes.'])
    expect(reasons({ operationDisabled: 'NOT_READY' })).toEqual(['The document is still loading.'])
    expect(reasons({ operationDisabled: 'SOMETHING_NEW' })).toEqual(['Sanity cannot publish this document right now.'])
  })

  it('not while saving, checking, or with errors', () => {
    expect(reasons({ isSyncing: true })).toEqual(['Your last changes are still being saved.'])
    expect(reasons({ isValidating: true })).toEqual(['The document is still being checked.'])
    expect(reasons({ hasValidationErrors: true })).toEqual(['Fix the errors shown on the document first.'])
  })

  it('not without an approval', () => {
    expect(reasons({ approval: null })).toEqual([
      'A second person must approve this version first: ask a colleague to choose “Approve for publishing”.',
    ])
  })

  it('not when the text changed after the approval', () => {
    expect(reasons({ currentHash: 'hash-later' })).toEqual([
      'The text changed after Anna Petrova (anna@example.com) approved it, so it needs a new approval (“Approve for publishing”).',
    ])
  })

  it('not by the person who approved it', () => {
    expect(reasons({ currentUserId: 'approver' })).toEqual([
      'You approved this version, so somebody else must publish it.',
    ])
  })

  it('not while the hash or the user is unknown', () => {
    expect(reasons({ currentHash: null })).toEqual(['Checking the approval…'])
    expect(reasons({ currentUserId: null })).toEqual(['Your Sanity user is not known yet.'])
  })

  it('gives every reason at once, most urgent first', () => {
    expect(reasons({ hasValidationErrors: true, approval: null })).toHaveLength(2)
    expect(reasons({ hasValidationErrors: true, approval: null })[0]).toMatch(/Fix the errors/)
  })
})

describe('can this draft be approved?', () => {
  const state = {
    hasDraft: true,
    isSyncing: false,
    isValidating: false,
    hasValidationErrors: false,
    approval: null,
    currentHash: 'hash-now',
  }

  it('yes, by anyone, when it is saved, valid and not approved as it is', () => {
    expect(decideApprove(state)).toEqual({ allowed: true })
    expect(decideApprove({ ...state, approval: { ...approval, contentHash: 'hash-before' } })).toEqual({
      allowed: true,
    })
  })

  it('not twice for the same text', () => {
    expect(decideApprove({ ...state, approval })).toEqual({
      allowed: false,
      reason: 'Already approved by Anna Petrova (anna@example.com). It needs approving again only if the text changes.',
    })
  })

  it('not while there is nothing valid to approve', () => {
    expect(decideApprove({ ...state, hasDraft: false })).toMatchObject({
      allowed: false,
      reason: /no unpublished changes/,
    })
    expect(decideApprove({ ...state, isSyncing: true })).toMatchObject({ allowed: false, reason: /being saved/ })
    expect(decideApprove({ ...state, isValidating: true })).toMatchObject({ allowed: false, reason: /being checked/ })
    expect(decideApprove({ ...state, hasValidationErrors: true })).toMatchObject({
      allowed: false,
      reason: /Fix the errors/,
    })
    expect(decideApprove({ ...state, currentHash: null })).toMatchObject({ allowed: false, reason: /Checking/ })
  })
})
