import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { legalDocumentSchema, siteSettingsSchema } from '~/content/legal-document'
// @ts-expect-error -- plain ESM script without type declarations
import { buildDataset, buildLegalDocument, markdownToPortableText, parseFrontMatter } from './build.mjs'

type Block = {
  _type: string
  style?: string
  listItem?: string
  level?: number
  children?: { text: string; marks: string[] }[]
  markDefs?: { _key: string; href: string }[]
  caption?: string
  rows?: { cells: string[] }[]
}

describe('seed Markdown converter', () => {
  it('reads scalar and folded front matter', () => {
    const meta = parseFrontMatter('kind: terms\nversion: 2\nmaterial: true\nchangeSummary: >\n  First line\n  second line.\n')
    expect(meta).toEqual({ kind: 'terms', version: 2, material: true, changeSummary: 'First line second line.' })
  })

  it('turns register directives into register-table placeholders the site schema accepts', () => {
    const blocks: Block[] = markdownToPortableText(
      ['Intro.', '', '{{register cookies}}', '{{register processors smtp tbank}}', '{{register nothing}}'].join('\n'),
      'seed',
    )
    expect(blocks.map((b) => b._type)).toEqual(['block', 'registerTable', 'registerTable', 'block'])
    expect(blocks[1]).toMatchObject({ table: 'cookies' })
    expect(blocks[1]).not.toHaveProperty('include')
    expect(blocks[2]).toMatchObject({ table: 'processors', include: ['smtp', 'tbank'] })
    const parsed = legalDocumentSchema.safeParse({
      id: 'x',
      kind: 'cookies',
      locale: 'en',
      version: 1,
      effectiveFrom: '2026-12-01T00:00:00+03:00',
      title: 'Cookie Policy',
      body: blocks,
    })
    expect(parsed.success).toBe(true)
  })

  it('turns headings, lists, links, emphasis and tables into Portable Text', () => {
    const blocks: Block[] = markdownToPortableText(
      [
        '## 1. Scope',
        'First line',
        'continues here with [a link](/en/terms) and **bold**.',
        '',
        '- one',
        '  - nested',
        '1. numbered',
        '',
        'Table: Retention',
        '| Data | Period |',
        '| --- | --- |',
        '| Logs | 30 days |',
      ].join('\n'),
      'seed',
    )
    expect(blocks.map((b) => b.style ?? b._type)).toEqual(['h2', 'normal', 'normal', 'normal', 'normal', 'table'])
    const paragraph = blocks[1]!
    expect(paragraph.children!.map((c) => c.text).join('')).toBe(
      'First line continues here with a link and bold.',
    )
    const link = paragraph.children!.find((c) => c.text === 'a link')!
    expect(paragraph.markDefs![0]!.href).toBe('/en/terms')
    expect(link.marks).toEqual([paragraph.markDefs![0]!._key])
    expect(paragraph.children!.find((c) => c.text === 'bold')!.marks).toEqual(['strong'])
    expect(blocks.slice(2, 5).map((b) => [b.listItem, b.level])).toEqual([
      ['bullet', 1],
      ['bullet', 2],
      ['number', 1],
    ])
    expect(blocks[5]!.caption).toBe('Retention')
    expect(blocks[5]!.rows!.map((r) => r.cells)).toEqual([
      ['Data', 'Period'],
      ['Logs', '30 days'],
    ])
  })

  it('rejects a file whose front matter disagrees with its name', () => {
    expect(() =>
      buildLegalDocument(
        'terms.ru.v2.md',
        '---\nkind: terms\nlocale: ru\nversion: 3\neffectiveFrom: 2026-01-01T00:00:00Z\ntitle: T\n---\nText\n',
      ),
    ).toThrow(/do not match/)
  })
})

describe('the committed seed dataset', () => {
  const file = path.join(import.meta.dirname, 'production.ndjson')
  const documents = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)

  it('is what the sources build to', () => {
    expect(readFileSync(file, 'utf8')).toBe(buildDataset())
  })

  it('has every document valid for the site', () => {
    const legal = documents.filter((d) => d._type === 'legalDocument')
    for (const doc of legal) {
      const parsed = legalDocumentSchema.safeParse({ ...doc, id: doc._id })
      expect(parsed.success, `${String(doc._id)}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true)
    }
    const settings = documents.find((d) => d._id === 'siteSettings') as Record<string, { ru?: string }>
    expect(
      siteSettingsSchema.safeParse({
        operatorName: settings.operatorName?.ru,
        contactEmail: settings.contactEmail,
        dataRequestEmail: settings.dataRequestEmail,
      }).success,
    ).toBe(true)
  })

  it('covers all four kinds in both languages, with numbered versions and a material change', () => {
    const legal = documents.filter((d) => d._type === 'legalDocument')
    for (const kind of ['privacy', 'terms', 'cookies', 'consent']) {
      for (const locale of ['ru', 'en']) {
        const versions = legal
          .filter((d) => d.kind === kind && d.locale === locale)
          .map((d) => d.version as number)
          .sort((a, b) => a - b)
        expect(versions.length, `${kind}.${locale}`).toBeGreaterThan(0)
        expect(versions).toEqual(versions.map((_, i) => i + 1))
      }
    }
    for (const kind of ['privacy', 'terms']) {
      expect(legal.filter((d) => d.kind === kind && d.locale === 'ru').length).toBeGreaterThanOrEqual(2)
      expect(legal.some((d) => d.kind === kind && d.material === true)).toBe(true)
    }
  })
})
