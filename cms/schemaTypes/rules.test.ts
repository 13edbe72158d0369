import { describe, expect, it } from 'vitest'
import {
  changedFields,
  checkBody,
  checkChangeSummary,
  checkEffectiveFrom,
  checkLinkHref,
  checkLocalizedText,
  checkNotBackdated,
  checkPublishedVersionUnchanged,
  checkTableRows,
  checkVersionFollowsLast,
  checkVersionUnique,
  describeSeries,
  formatMoment,
  newVersionFrom,
  nextVersionNumber,
  publishedIdOf,
  START_AGAIN,
  type SiblingVersion,
} from './rules'

const published = (version: number, effectiveFrom = `2025-0${version}-01T00:00:00Z`): SiblingVersion => ({
  version,
  published: true,
  effectiveFrom,
})
const draft = (version: number): SiblingVersion => ({ version, published: false, effectiveFrom: null })

const paragraph = (text: string, extra: Record<string, unknown> = {}) => ({
  _type: 'block',
  _key: text.slice(0, 8),
  style: 'normal',
  markDefs: [],
  children: [{ _type: 'span', _key: 's1', text, marks: [] }],
  ...extra,
})

const publishedV2 = {
  _id: 'privacy-ru-2',
  _type: 'legalDocument',
  _rev: 'r2',
  _updatedAt: '2025-02-01T10:00:00Z',
  kind: 'privacy',
  locale: 'ru',
  version: 2,
  effectiveFrom: '2025-03-01T00:00:00Z',
  title: 'Политика конфиденциальности',
  body: [paragraph('Первый абзац.')],
  changeSummary: 'Добавлен раздел о сроках хранения.',
  material: true,
}

describe('document ids and the series', () => {
  it('maps drafts and release copies to the published id', () => {
    expect(publishedIdOf('drafts.abc')).toBe('abc')
    expect(publishedIdOf('versions.rSpring.abc')).toBe('abc')
    expect(publishedIdOf('abc')).toBe('abc')
  })

  it('leaves the document itself out of its siblings and notes whether it is published', () => {
    const stored = [
      { _id: 'doc-1', version: 1, effectiveFrom: '2025-01-01T00:00:00Z' },
      { _id: 'doc-2', version: 2, effectiveFrom: '2025-02-01T00:00:00Z' },
      { _id: 'drafts.doc-2', version: 2 },
      { _id: 'drafts.doc-3', version: 3 },
    ]
    expect(describeSeries(stored, 'drafts.doc-2')).toEqual({
      isPublished: true,
      siblings: [
        { version: 1, published: true, effectiveFrom: '2025-01-01T00:00:00Z' },
        { version: 3, published: false, effectiveFrom: null },
      ],
    })
    expect(describeSeries(stored, 'drafts.doc-3').isPublished).toBe(false)
  })

  it('ignores content-release copies and drafts without a number', () => {
    const stored = [
      { _id: 'versions.rX.doc-9', version: 4 },
      { _id: 'drafts.doc-8', version: null },
      { _id: 'doc-1', version: 1 },
    ]
    expect(describeSeries(stored, 'drafts.new').siblings).toEqual([
      { version: 1, published: true, effectiveFrom: null },
    ])
  })

  it('treats every stored document as a sibling when no document is being checked', () => {
    const stored = [
      { _id: 'doc-1', version: 1 },
      { _id: 'drafts.doc-1', version: 1 },
      { _id: 'doc-2', version: 2 },
    ]
    expect(describeSeries(stored).siblings.map((s) => [s.version, s.published])).toEqual([
      [1, true],
      [1, false],
      [2, true],
    ])
    expect(nextVersionNumber(describeSeries(stored).siblings)).toBe(3)
  })
})

describe('version numbers', () => {
  it('starts at 1 when nothing is published, even if drafts exist', () => {
    expect(nextVersionNumber([])).toBe(1)
    expect(nextVersionNumber([draft(1), draft(5)])).toBe(1)
  })

  it('follows the highest published version, whatever the order', () => {
    expect(nextVersionNumber([published(3), published(1), published(2), draft(4)])).toBe(4)
  })

  it('accepts 1 as the first version and refuses anything else', () => {
    expect(checkVersionFollowsLast(1, false, [])).toBe(true)
    expect(checkVersionFollowsLast(2, false, [])).toMatch(/version 1/)
  })

  it('accepts the last published version + 1', () => {
    expect(checkVersionFollowsLast(3, false, [published(1), published(2)])).toBe(true)
  })

  it('refuses a gap after the last published version', () => {
    expect(checkVersionFollowsLast(5, false, [published(1), published(2)])).toMatch(/gap\. Use 3/)
  })

  it('refuses going back to or below the last published number', () => {
    expect(checkVersionFollowsLast(2, false, [published(1), published(2)])).toMatch(/next version is 3/)
    expect(checkVersionFollowsLast(1, false, [published(1), published(2)])).toMatch(/next version is 3/)
  })

  it('does not count unpublished drafts as the last version', () => {
    expect(checkVersionFollowsLast(2, false, [published(1), draft(2)])).toBe(true)
    expect(checkVersionFollowsLast(3, false, [published(1), draft(2)])).toMatch(/Use 2/)
  })

  it('leaves an already published version alone, even when later ones exist', () => {
    expect(checkVersionFollowsLast(1, true, [published(2), published(3)])).toBe(true)
  })

  it('refuses a number used by another published version or draft', () => {
    expect(checkVersionUnique(2, [published(1), published(2)])).toMatch(/Version 2 .* is already published/)
    expect(checkVersionUnique(3, [published(1), published(2), draft(3)])).toMatch(/unpublished draft/)
    expect(checkVersionUnique(3, [published(1), published(2)])).toBe(true)
  })

  it('says how to start again, since the number of a draft cannot be changed', () => {
    // Somebody else published version 3 first: this draft's 3 is taken for good.
    expect(checkVersionUnique(3, [published(1), published(2), published(3)])).toBe(
      `Version 3 of this document in this language is already published. Each number can be used once. ${START_AGAIN}`,
    )
    expect(checkVersionFollowsLast(3, false, [published(3), published(4)])).toBe(
      `Version 4 is already published, so the next version is 5. ${START_AGAIN}`,
    )
    expect(checkVersionFollowsLast(5, false, [published(1), published(2)])).toMatch(
      /Use 3\. The number cannot be changed here/,
    )
    expect(START_AGAIN).toMatch(/discard this draft.*“New version from this one”/)
    expect(checkVersionFollowsLast(2, false, [])).toMatch(/create the version from its kind and language list/)
    expect(checkVersionUnique(3, [published(2), draft(3)])).toMatch(/Continue in that draft, or discard one of the two/)
  })

  it('leaves a missing number to the required-field rule', () => {
    expect(checkVersionUnique(undefined, [published(1)])).toBe(true)
    expect(checkVersionFollowsLast(undefined, false, [published(1)])).toBe(true)
  })
})

describe('effective date', () => {
  it('is required', () => {
    expect(checkEffectiveFrom(undefined, false, [])).toMatch(/Set the date/)
    expect(checkEffectiveFrom(null, false, [])).toMatch(/Set the date/)
    expect(checkEffectiveFrom('', false, [])).toMatch(/Set the date/)
  })

  it('must be a real date', () => {
    expect(checkEffectiveFrom('next Tuesday', false, [])).toMatch(/not a valid date/)
  })

  it('may not come before the last published version takes effect', () => {
    const siblings = [published(1, '2025-01-01T00:00:00Z'), published(2, '2025-06-01T00:00:00Z')]
    expect(checkEffectiveFrom('2025-05-31T23:59:00Z', false, siblings)).toBe(
      'Version 2 takes effect on 2025-06-01 00:00 UTC; a later version cannot take effect before it.',
    )
    // Same moment is allowed: the higher number wins, which is how a not-yet-effective version is corrected.
    expect(checkEffectiveFrom('2025-06-01T00:00:00Z', false, siblings)).toBe(true)
    expect(checkEffectiveFrom('2025-07-01T00:00:00Z', false, siblings)).toBe(true)
  })

  it('is not compared again once the version is published', () => {
    expect(checkEffectiveFrom('2024-01-01T00:00:00Z', true, [published(2, '2025-06-01T00:00:00Z')])).toBe(true)
  })

  it('warns about a date in the past for a version not yet published', () => {
    const now = new Date('2025-06-15T12:00:00Z')
    expect(checkNotBackdated('2025-06-01T00:00:00Z', false, now)).toMatch(/in the past/)
    expect(checkNotBackdated('2025-07-01T00:00:00Z', false, now)).toBe(true)
    expect(checkNotBackdated('2025-06-01T00:00:00Z', true, now)).toBe(true)
  })

  it('is shown in UTC', () => {
    expect(formatMoment('2025-09-01T03:00:00+03:00')).toBe('2025-09-01 00:00 UTC')
  })
})

describe('content', () => {
  it('needs a change summary from version 2 on', () => {
    expect(checkChangeSummary(undefined, 1)).toBe(true)
    expect(checkChangeSummary('   ', 2)).toMatch(/what changed/)
    expect(checkChangeSummary('Новый адрес для запросов.', 2)).toBe(true)
  })

  it('needs a body, with lists no deeper than the site renders', () => {
    expect(checkBody([])).toMatch(/Write the text/)
    expect(checkBody(undefined)).toMatch(/Write the text/)
    expect(checkBody([paragraph('a', { listItem: 'bullet', level: 4 })])).toBe(true)
    expect(checkBody([paragraph('a', { listItem: 'bullet', level: 5 })])).toMatch(/at most 4 levels/)
  })

  it('accepts web, email and site links', () => {
    for (const href of [
      'https://example.org/rules',
      'http://example.org',
      'mailto:privacy@example.org',
      '/ru/privacy',
      '/',
    ]) {
      expect(checkLinkHref(href), href).toBe(true)
    }
  })

  it('refuses other links', () => {
    for (const href of [
      'javascript:alert(1)',
      '//example.org/x',
      'example.org',
      'ftp://example.org',
      '/a b',
      'mailto:nobody',
      '#top',
    ]) {
      expect(checkLinkHref(href), href).toMatch(/Use a web address/)
    }
    expect(checkLinkHref('')).toMatch(/Enter the address/)
  })

  it('needs a table with a header row and data rows of the same width', () => {
    const row = (...cells: string[]) => ({ _type: 'tableRow', _key: cells.join(''), cells })
    expect(checkTableRows([row('Цель', 'Срок'), row('Оплата', '5 лет')])).toBe(true)
    expect(checkTableRows([row('Цель', 'Срок')])).toMatch(/header row and at least one row/)
    expect(checkTableRows(undefined)).toMatch(/header row and at least one row/)
    expect(checkTableRows([row(), row()])).toMatch(/needs at least one cell/)
    expect(checkTableRows([row('a', 'b'), row('c', 'd'), row('e')])).toBe(
      'Row 3 has 1 cell but the header row has 2 cells. Every row needs the same number of cells.',
    )
  })

  it('needs both languages of a localized value, or neither when optional', () => {
    expect(checkLocalizedText({ ru: 'ООО «Пример»', en: 'Example LLC' }, true)).toBe(true)
    expect(checkLocalizedText(undefined, true)).toMatch(/both/)
    expect(checkLocalizedText(undefined, false)).toBe(true)
    expect(checkLocalizedText({ ru: 'Адрес', en: ' ' }, false)).toMatch(/English text too/)
    expect(checkLocalizedText({ en: 'Address' }, false)).toMatch(/Russian text too/)
  })
})

describe('published versions are frozen', () => {
  it('accepts a draft identical to the published version', () => {
    const copy = { ...structuredClone(publishedV2), _id: 'drafts.privacy-ru-2', _rev: 'r3' }
    expect(checkPublishedVersionUnchanged(copy, publishedV2)).toBe(true)
  })

  it('ignores key order, unset flags and empty summaries', () => {
    const original = { ...publishedV2, material: false, changeSummary: '' }
    const reordered = {
      ...Object.fromEntries(Object.entries(publishedV2).reverse()),
      material: undefined,
      changeSummary: undefined,
    }
    expect(checkPublishedVersionUnchanged(reordered, original)).toBe(true)
  })

  it('refuses an edit of a published version and names what changed', () => {
    const edited = structuredClone(publishedV2)
    edited.body[0]!.children[0]!.text = 'Исправленный абзац.'
    edited.effectiveFrom = '2025-04-01T00:00:00Z'
    expect(changedFields(edited, publishedV2)).toEqual(['effectiveFrom', 'body'])
    expect(checkPublishedVersionUnchanged(edited, publishedV2)).toBe(
      'Version 2 is published and cannot be changed (changed here: effectiveFrom, body). Discard this draft and use “New version from this one”.',
    )
  })

  it('treats turning the material flag on or off as an edit', () => {
    expect(checkPublishedVersionUnchanged({ ...publishedV2, material: false }, publishedV2)).toMatch(/material/)
  })

  it('does not apply to a document that was never published', () => {
    expect(checkPublishedVersionUnchanged(publishedV2, null)).toBe(true)
  })
})

describe('new version from an existing one', () => {
  it('copies kind, locale, title and body, takes the next number and clears the rest', () => {
    const next = newVersionFrom(publishedV2, [published(1), published(2)])
    expect(next).toEqual({
      _type: 'legalDocument',
      kind: 'privacy',
      locale: 'ru',
      version: 3,
      title: 'Политика конфиденциальности',
      body: publishedV2.body,
      material: false,
    })
    expect(next).not.toHaveProperty('effectiveFrom')
    expect(next).not.toHaveProperty('changeSummary')
    expect(next).not.toHaveProperty('_id')
  })

  it('numbers after the last published version even when started from an older one', () => {
    const v1 = { ...publishedV2, version: 1 }
    expect(newVersionFrom(v1, [published(1), published(2), published(3)]).version).toBe(4)
  })

  it('does not share the body with the source', () => {
    const next = newVersionFrom(publishedV2, [published(2)])
    expect(next.body).not.toBe(publishedV2.body)
    ;(next.body as typeof publishedV2.body)[0]!.children[0]!.text = 'changed'
    expect(publishedV2.body[0]!.children[0]!.text).toBe('Первый абзац.')
  })

  it('passes the rules it is checked against later, except the dates left for people', () => {
    const series = [published(1), published(2)]
    const next = newVersionFrom(publishedV2, series)
    expect(checkVersionFollowsLast(next.version, false, series)).toBe(true)
    expect(checkVersionUnique(next.version, series)).toBe(true)
    expect(checkEffectiveFrom(undefined, false, series)).toMatch(/Set the date/)
    expect(checkChangeSummary(undefined, next.version)).toMatch(/what changed/)
  })
})

describe('register tables in the Studio', () => {
  it('asks for the services of a recipients table, and only known ones', async () => {
    const { checkRegisterInclude } = await import('./rules')
    expect(checkRegisterInclude(undefined, { table: 'cookies' })).toBe(true)
    expect(checkRegisterInclude([], { table: 'processors' })).toMatch(/Choose/)
    expect(checkRegisterInclude(['smtp', 'fax'], { table: 'processors' })).toBe('Not in the register of processing: fax.')
    expect(checkRegisterInclude(['smtp', 'smtp'], { table: 'processors' })).toBe('Each service once.')
    expect(checkRegisterInclude(['smtp', 'tbank'], { table: 'processors' })).toBe(true)
  })
})
