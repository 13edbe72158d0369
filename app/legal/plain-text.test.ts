import { describe, expect, it } from 'vitest'
import { renderPlainText, sha256Hex } from './plain-text'
import type { PortableBlock, PortableBody, TextBlock } from '~/content/legal-document'

let key = 0
const nextKey = () => `k${++key}`

function block(text: string, extra: Partial<TextBlock> = {}): TextBlock {
  return {
    _type: 'block',
    _key: nextKey(),
    style: 'normal',
    markDefs: [],
    children: [{ _type: 'span', text, marks: [] }],
    ...extra,
  }
}

const bullet = (text: string, level = 1) => block(text, { listItem: 'bullet', level })
const number = (text: string, level = 1) => block(text, { listItem: 'number', level })

function render(...body: PortableBlock[]) {
  return renderPlainText({ title: 'Title', body: body as PortableBody })
}

describe('renderPlainText', () => {
  it('puts the title first and separates blocks with a blank line', () => {
    expect(
      render(block('Intro', { style: 'h2' }), block('First paragraph.'), block('Quote', { style: 'blockquote' })),
    ).toBe('Title\n\nIntro\n\nFirst paragraph.\n\nQuote')
  })

  it('keeps link text and drops the href and other marks', () => {
    const linked: TextBlock = {
      _type: 'block',
      _key: nextKey(),
      style: 'normal',
      markDefs: [{ _type: 'link', _key: 'l1', href: 'mailto:privacy@example.test' }],
      children: [
        { _type: 'span', text: 'Write to ', marks: [] },
        { _type: 'span', text: 'our privacy desk', marks: ['l1', 'strong'] },
        { _type: 'span', text: '.', marks: [] },
      ],
    }
    const text = render(linked)
    expect(text).toBe('Title\n\nWrite to our privacy desk.')
    expect(text).not.toContain('mailto')
  })

  it('numbers a list on, and restarts numbering after a non-list block', () => {
    expect(render(number('one'), number('two'), number('three'), block('Between.'), number('again'))).toBe(
      'Title\n\n1. one\n2. two\n3. three\n\nBetween.\n\n1. again',
    )
  })

  it('restarts numbering when the list type changes at the same level', () => {
    expect(render(number('a'), number('b'), bullet('dot'), number('c'))).toBe('Title\n\n1. a\n2. b\n• dot\n1. c')
  })

  it('numbers nested levels separately and restarts them under each parent', () => {
    const text = render(
      number('first'),
      number('first.a', 2),
      number('first.b', 2),
      bullet('deep', 3),
      number('second'),
      number('second.a', 2),
      number('third'),
    )
    expect(text).toBe(
      [
        'Title',
        '',
        '1. first',
        '  1. first.a',
        '  2. first.b',
        '    • deep',
        '2. second',
        '  1. second.a',
        '3. third',
      ].join('\n'),
    )
  })

  it('renders tables with the caption first and tab-separated cells', () => {
    const table: PortableBlock = {
      _type: 'table',
      _key: nextKey(),
      caption: 'Cookies we set',
      rows: [
        { _key: 'r1', cells: ['Name', 'Purpose', 'Lifetime'] },
        { _key: 'r2', cells: ['lang', 'Remembers  the\nlanguage', '1 year'] },
        { _key: 'r3', cells: ['', '', ''] },
      ],
    }
    expect(render(block('Before.'), table, block('After.'))).toBe(
      'Title\n\nBefore.\n\nCookies we set\nName\tPurpose\tLifetime\nlang\tRemembers the language\t1 year\n\nAfter.',
    )
  })

  it('normalises line endings and whitespace, keeps soft breaks and no-break spaces', () => {
    const text = renderPlainText({
      title: '  Политика   конфиденциальности ',
      body: [block('Первая строка  \r\nвторая\tстрока'), block('   '), block('152\u00a0ФЗ')] as PortableBody,
    })
    expect(text).toBe('Политика конфиденциальности\n\nПервая строка\nвторая строка\n\n152\u00a0ФЗ')
    expect(text).not.toMatch(/[ \t]+$/m)
  })

  it('indents soft breaks inside a list item under its text', () => {
    expect(render(number('line one\nline two'), number('nested\nmore', 2))).toBe(
      'Title\n\n1. line one\n   line two\n  1. nested\n     more',
    )
  })

  it('is deterministic and composes text to NFC', () => {
    const body = [block('Йод и ёж'), number('x')] as PortableBody
    const decomposed = [block('Й'.normalize('NFD') + 'од и ' + 'ё'.normalize('NFD') + 'ж'), number('x')] as PortableBody
    const a = renderPlainText({ title: 'T', body })
    expect(renderPlainText({ title: 'T', body: structuredClone(body) })).toBe(a)
    expect(renderPlainText({ title: 'T', body: decomposed })).toBe(a)
  })
})

describe('sha256Hex', () => {
  it('hashes known strings as UTF-8', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256Hex('Политика конфиденциальности')).toBe(
      '3ba8eaa5d624cefb4e4d3f6944683486dd44b0eb39ac7659f9c0db49f6560d75',
    )
  })
})
