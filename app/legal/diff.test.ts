import { describe, expect, it } from 'vitest'
import { diffPlainText, groupByParagraph, tokenize, type DiffSegment } from './diff'

const oldSide = (segments: DiffSegment[]) =>
  segments
    .filter((s) => s.type !== 'insert')
    .map((s) => s.text)
    .join('')
const newSide = (segments: DiffSegment[]) =>
  segments
    .filter((s) => s.type !== 'delete')
    .map((s) => s.text)
    .join('')

describe('tokenize', () => {
  it('keeps Cyrillic and Latin words whole, with punctuation and spaces as their own tokens', () => {
    expect(tokenize('Мы храним данные, don’t 152-ФЗ ёлка!')).toEqual([
      'Мы',
      ' ',
      'храним',
      ' ',
      'данные',
      ',',
      ' ',
      'don’t',
      ' ',
      '152-ФЗ',
      ' ',
      'ёлка',
      '!',
    ])
  })

  it('keeps line breaks and paragraph breaks as single tokens', () => {
    expect(tokenize('a\r\nb\n\n\nc')).toEqual(['a', '\n', 'b', '\n\n\n', 'c'])
  })
})

describe('diffPlainText', () => {
  it('diffs Russian text word by word', () => {
    const diff = diffPlainText('Мы храним данные три года.', 'Мы удаляем данные через три года.')
    expect(diff.segments).toEqual([
      { type: 'equal', text: 'Мы ' },
      { type: 'delete', text: 'храним' },
      { type: 'insert', text: 'удаляем' },
      { type: 'equal', text: ' данные ' },
      { type: 'insert', text: 'через ' },
      { type: 'equal', text: 'три года.' },
    ])
    expect(diff.wordsInserted).toBe(2)
    expect(diff.wordsDeleted).toBe(1)
    expect(diff.coarse).toBe(false)
  })

  it('diffs English text and folds spaces between replaced words into one change', () => {
    const diff = diffPlainText('We keep logs for thirty days.', 'We keep records for ninety days.')
    expect(diff.segments).toEqual([
      { type: 'equal', text: 'We keep ' },
      { type: 'delete', text: 'logs' },
      { type: 'insert', text: 'records' },
      { type: 'equal', text: ' for ' },
      { type: 'delete', text: 'thirty' },
      { type: 'insert', text: 'ninety' },
      { type: 'equal', text: ' days.' },
    ])

    const replaced = diffPlainText('pay by card now', 'pay with cash now')
    expect(replaced.segments).toEqual([
      { type: 'equal', text: 'pay ' },
      { type: 'delete', text: 'by card' },
      { type: 'insert', text: 'with cash' },
      { type: 'equal', text: ' now' },
    ])
    expect(replaced.wordsDeleted).toBe(2)
    expect(replaced.wordsInserted).toBe(2)
  })

  it('coalesces adjacent segments and rebuilds both texts exactly', () => {
    const before = 'Оператор: ООО «Палитра».\n\n1. Сбор данных\n2. Хранение\n\nCookies are small files.'
    const after =
      'Оператор: ООО «Палитра Плюс».\n\n1. Сбор данных\n2. Хранение и удаление\n3. Передача\n\nCookies are tiny text files.'
    const { segments } = diffPlainText(before, after)
    expect(oldSide(segments)).toBe(before)
    expect(newSide(segments)).toBe(after)
    for (let i = 1; i < segments.length; i++) {
      expect(segments[i]!.type === segments[i - 1]!.type).toBe(false)
    }
    expect(segments.every((s) => s.text !== '')).toBe(true)
  })

  it('reports no changes for equal texts', () => {
    const diff = diffPlainText('Same\n\ntext', 'Same\n\ntext')
    expect(diff.segments).toEqual([{ type: 'equal', text: 'Same\n\ntext' }])
    expect(diff.wordsInserted + diff.wordsDeleted).toBe(0)
  })

  it('falls back to whole paragraphs when the word diff times out', () => {
    const words = (seed: number) => Array.from({ length: 4000 }, (_, i) => `w${(i * seed) % 997}`).join(' ')
    const diff = diffPlainText(`${words(7)}\n\nОбщий абзац`, `${words(13)}\n\nОбщий абзац`, { timeoutMs: 1 })
    expect(diff.coarse).toBe(true)
    expect(diff.segments.at(-1)).toEqual({ type: 'equal', text: '\n\nОбщий абзац' })
    expect(diff.wordsDeleted).toBe(4000)
    expect(diff.wordsInserted).toBe(4000)
  })
})

describe('groupByParagraph', () => {
  it('groups segments into paragraphs with a status each, keeping line breaks', () => {
    const before = 'Политика\n\nМы храним данные.\n\n• email\n• имя\n\nКонец.'
    const after = 'Политика\n\nМы храним данные год.\n\nНовый абзац.\n\n• email\n• имя\n• телефон\n\nКонец.'
    const paragraphs = groupByParagraph(diffPlainText(before, after).segments)
    expect(paragraphs.map((p) => p.status)).toEqual(['equal', 'changed', 'insert', 'changed', 'equal'])
    expect(paragraphs[1]!.segments).toEqual([
      { type: 'equal', text: 'Мы храним данные' },
      { type: 'insert', text: ' год' },
      { type: 'equal', text: '.' },
    ])
    expect(paragraphs[2]!.segments).toEqual([{ type: 'insert', text: 'Новый абзац.' }])
    expect(paragraphs[3]!.segments).toEqual([
      { type: 'equal', text: '• email\n• имя' },
      { type: 'insert', text: '\n• телефон' },
    ])
  })

  it('marks a removed paragraph as deleted', () => {
    const paragraphs = groupByParagraph(diffPlainText('One.\n\nTwo.\n\nThree.', 'One.\n\nThree.').segments)
    expect(paragraphs).toEqual([
      { status: 'equal', segments: [{ type: 'equal', text: 'One.' }] },
      { status: 'delete', segments: [{ type: 'delete', text: 'Two.' }] },
      { status: 'equal', segments: [{ type: 'equal', text: 'Three.' }] },
    ])
  })
})
