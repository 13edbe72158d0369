import { describe, expect, it } from 'vitest'
import { headingAnchors } from './toc'
import type { PortableBody } from '~/content/legal-document'

const heading = (key: string, style: 'h2' | 'h3' | 'normal', text: string) => ({
  _type: 'block' as const,
  _key: key,
  style,
  markDefs: [],
  children: [{ _type: 'span' as const, text, marks: [] }],
})

describe('headingAnchors', () => {
  it('builds nested contents with unique, readable ids in both scripts', () => {
    const body: PortableBody = [
      heading('a', 'h2', '1. Общие положения'),
      heading('b', 'normal', 'Текст'),
      heading('c', 'h3', '1.1 Термины'),
      heading('d', 'h2', '2. Cookies & you'),
      heading('e', 'h2', '2. Cookies & you'),
    ]
    const { ids, toc } = headingAnchors(body)
    expect(ids).toEqual({
      a: '1-общие-положения',
      c: '1-1-термины',
      d: '2-cookies-you',
      e: '2-cookies-you-2',
    })
    expect(toc.map((e) => [e.id, e.children.map((c) => c.id)])).toEqual([
      ['1-общие-положения', ['1-1-термины']],
      ['2-cookies-you', []],
      ['2-cookies-you-2', []],
    ])
  })

  it('puts an h3 before any h2 at the top level', () => {
    const { toc } = headingAnchors([heading('x', 'h3', 'Preface')])
    expect(toc).toHaveLength(1)
    expect(toc[0]!.level).toBe(3)
  })
})
