import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import type { PortableBody, TableBlock } from '~/content'
import { diffPlainText, groupByParagraph, tableOfParagraph, type DiffParagraph } from '~/legal/diff'
import { renderPlainText } from '~/legal/plain-text'
import { requestInstance } from '~/platform/i18n/i18next.server'
import { DiffText } from './legal-diff'

const intro = (text: string) => ({
  _type: 'block' as const,
  _key: 'intro',
  style: 'normal' as const,
  markDefs: [],
  children: [{ _type: 'span' as const, _key: 's', text, marks: [] }],
})

const table = (rows: string[][], caption?: string): TableBlock => ({
  _type: 'table',
  _key: 'retention',
  ...(caption ? { caption } : {}),
  rows: rows.map((cells, i) => ({ _type: 'tableRow', _key: `r${i}`, cells })),
})

/** The changes page's paragraphs for two bodies, as getChangesPage builds them. */
function changes(before: PortableBody, after: PortableBody): DiffParagraph[] {
  const diff = diffPlainText(
    renderPlainText({ title: 'Policy', body: before }),
    renderPlainText({ title: 'Policy', body: after }),
  )
  return groupByParagraph(diff.segments).map((p) => {
    const t = tableOfParagraph(p)
    return t ? { ...p, table: t } : p
  })
}

function render(paragraphs: DiffParagraph[], locale: 'ru' | 'en' = 'en') {
  return renderToStaticMarkup(
    <I18nextProvider i18n={requestInstance(locale)}>
      <DiffText paragraphs={paragraphs} />
    </I18nextProvider>,
  )
}

const HEADER = ['Data', 'Kept for']
const before: PortableBody = [
  intro('We keep data for as long as the table says.'),
  table([HEADER, ['Account', '3 years'], ['Sessions', '30 days'], ['Logs', '14 days']], 'Retention'),
]

describe('a table on the changes page', () => {
  it('stays a table when a row changes: the changed cell marks what was deleted and inserted', () => {
    const after: PortableBody = [
      intro('We keep data for as long as the table says.'),
      table([HEADER, ['Account', '3 years'], ['Sessions', '60 days'], ['Logs', '14 days']], 'Retention'),
    ]
    const html = render(changes(before, after))
    expect(html).toContain('<table>')
    expect(html).toContain('<caption><span>Retention</span></caption>')
    expect(html).toContain('<thead><tr class="diff-row diff-row--equal"><th scope="col"><span>Data</span></th>')
    // The unchanged rows are rows, cell by cell, not a line of text with tabs.
    expect(html).toContain(
      '<tr class="diff-row diff-row--equal"><td><span>Account</span></td><td><span>3 years</span></td></tr>',
    )
    expect(html).toMatch(
      /<tr class="diff-row diff-row--changed"><td><span>Sessions<\/span><\/td><td><del class="diff-delete"><span class="visually-hidden">Removed: <\/span>30<\/del><ins class="diff-insert"><span class="visually-hidden">Added: <\/span>60<\/ins><span> days<\/span><\/td><\/tr>/,
    )
    expect(html).not.toContain('\t')
    // The paragraph before the table is still a paragraph.
    expect(html).toContain('<p><span>We keep data for as long as the table says.</span></p>')
  })

  it('marks a whole row added or removed as a row', () => {
    const after: PortableBody = [
      intro('We keep data for as long as the table says.'),
      table([HEADER, ['Account', '3 years'], ['Logs', '14 days'], ['Backups', '7 days']], 'Retention'),
    ]
    const html = render(changes(before, after), 'ru')
    expect(html).toContain(
      '<tr class="diff-row diff-row--delete"><td><del class="diff-delete"><span class="visually-hidden">Удалено: </span>Sessions</del></td>',
    )
    expect(html).toContain(
      '<tr class="diff-row diff-row--insert"><td><ins class="diff-insert"><span class="visually-hidden">Добавлено: </span>Backups</ins></td>',
    )
  })

  it('leaves paragraphs that are not tables as paragraphs', () => {
    const paragraphs = changes([intro('Old words here.')], [intro('New words here.')])
    expect(paragraphs.every((p) => p.table === undefined)).toBe(true)
    expect(render(paragraphs)).not.toContain('<table>')
  })
})
