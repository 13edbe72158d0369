import { describe, expect, it } from 'vitest'
import { APPROVAL_CONTENT_FIELDS, contentHash } from '../../cms/actions/approval'
import { APPROVED_FIELDS, approvalCovers, approvedContentHash } from './approval.server'

// The site and the Studio must hash an approved version identically: the
// Studio when a colleague approves, the site when the publish webhook arrives.

const published = {
  _id: 'privacy-ru-3',
  _type: 'legalDocument',
  _rev: 'rev-9',
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

describe('approvedContentHash', () => {
  it('covers the fields the Studio covers', () => {
    expect([...APPROVED_FIELDS]).toEqual([...APPROVAL_CONTENT_FIELDS])
  })

  it('gives the Studio’s pinned hash, and the Studio’s own function’s hash for the same document', async () => {
    expect(approvedContentHash(published)).toBe('1f81a659fe5dfb9d0d5bd7dfbd7fdc245f4f84a2f611e94072e86e196c428c03')
    const reordered = { ...published, material: false, body: [{ ...published.body[0], style: 'h2' }] }
    expect(approvedContentHash(reordered)).toBe(await contentHash(reordered))
  })

  it('treats an absent field as null and ignores Sanity’s own fields', () => {
    const { changeSummary: _summary, ...withoutSummary } = published
    expect(approvedContentHash({ ...withoutSummary, changeSummary: null, _rev: 'other' })).toBe(
      approvedContentHash(withoutSummary),
    )
  })
})

describe('approvalCovers', () => {
  const hash = approvedContentHash(published)

  it('is true for the approved text and false for any other', () => {
    expect(approvalCovers({ contentHash: hash }, published)).toBe(true)
    expect(approvalCovers({ contentHash: hash }, { ...published, title: 'Другая политика' })).toBe(false)
  })

  it('has nothing to say without an approval hash or a published document', () => {
    expect(approvalCovers(null, published)).toBeNull()
    expect(approvalCovers({ userId: 'x' }, published)).toBeNull()
    expect(approvalCovers({ contentHash: hash }, null)).toBeNull()
  })
})
