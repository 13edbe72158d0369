import { describe, expect, it } from 'vitest'
import { counterpartsAt, describeCounterpart, otherLanguageWarning, otherLocale } from './otherLanguage'

const at = '2026-02-01T00:00:00.000Z'

describe('the other language at the same moment', () => {
  it('pairs Russian with English', () => {
    expect(otherLocale('ru')).toBe('en')
    expect(otherLocale('en')).toBe('ru')
  })

  it('finds published versions and drafts taking effect at the same instant, however the date is written', () => {
    const rows = [
      { _id: 'drafts.en-4', version: 4, effectiveFrom: '2026-02-01T03:00:00+03:00' },
      { _id: 'en-3', version: 3, effectiveFrom: '2026-02-01T00:00:00Z' },
      { _id: 'en-2', version: 2, effectiveFrom: '2025-09-01T00:00:00Z' },
    ]
    expect(counterpartsAt(rows, at)).toEqual([
      { version: 3, published: true },
      { version: 4, published: false },
    ])
    expect(otherLanguageWarning('ru', rows, at)).toBeNull()
    expect(describeCounterpart('ru', rows, at)).toBe('English: version 3 (published) takes effect at the same moment.')
  })

  it('warns when nothing in the other language starts then', () => {
    const rows = [
      { _id: 'ru-2', version: 2, effectiveFrom: '2025-09-01T00:00:00Z' },
      { _id: 'drafts.ru-3', version: 3, effectiveFrom: null },
      { _id: 'versions.r1.ru-3', version: 3, effectiveFrom: at },
    ]
    expect(counterpartsAt(rows, at)).toEqual([])
    expect(otherLanguageWarning('en', rows, at)).toBe(
      'The Russian text has no version (published or draft) in force from the same moment. Readers of the two languages would be shown different versions; publish a matching Russian version too, unless this change concerns one language only.',
    )
    expect(describeCounterpart('en', rows, at)).toBeNull()
  })

  it('warns when the version being published has no valid date', () => {
    const rows = [{ _id: 'en-3', version: 3, effectiveFrom: at }]
    expect(counterpartsAt(rows, undefined)).toEqual([])
    expect(otherLanguageWarning('ru', rows, 'garbage')).toMatch(/^The English text has no version/)
  })
})
