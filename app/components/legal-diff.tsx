import { useTranslation } from 'react-i18next'
import type { DiffParagraph, DiffRow, DiffTable } from '~/legal'

type Segment = DiffParagraph['segments'][number]

function Segments({ segments }: { segments: Segment[] }) {
  const { t } = useTranslation('legal')
  return (
    <>
      {segments.map((segment, s) =>
        segment.type === 'equal' ? (
          <span key={s}>{segment.text}</span>
        ) : segment.type === 'insert' ? (
          <ins key={s} className="diff-insert">
            <span className="visually-hidden">{t('changes.inserted')} </span>
            {segment.text}
          </ins>
        ) : (
          <del key={s} className="diff-delete">
            <span className="visually-hidden">{t('changes.deleted')} </span>
            {segment.text}
          </del>
        ),
      )}
    </>
  )
}

function DiffTableRow({ row, header }: { row: DiffRow; header: boolean }) {
  return (
    <tr className={`diff-row diff-row--${row.status}`}>
      {row.cells.map((cell, i) =>
        header ? (
          <th key={i} scope="col">
            <Segments segments={cell} />
          </th>
        ) : (
          <td key={i}>
            <Segments segments={cell} />
          </td>
        ),
      )}
    </tr>
  )
}

/** A table that changed, kept a table: rows and cells, with the insertions and deletions marked inside them. */
export function DiffTableView({ table }: { table: DiffTable }) {
  const [header, ...rows] = table.rows
  return (
    <div className="table-wrap diff-table">
      <table>
        {table.caption ? (
          <caption>
            <Segments segments={table.caption} />
          </caption>
        ) : null}
        {header ? (
          <thead>
            <DiffTableRow row={header} header />
          </thead>
        ) : null}
        <tbody>
          {rows.map((row, i) => (
            <DiffTableRow key={i} row={row} header={false} />
          ))}
        </tbody>
      </table>
    </div>
  )
}

function DiffParagraphText({ paragraph }: { paragraph: DiffParagraph }) {
  if (paragraph.table) return <DiffTableView table={paragraph.table} />
  return (
    <p>
      <Segments segments={paragraph.segments} />
    </p>
  )
}

// Long runs of unchanged paragraphs fold into a <details> element (works
// without JavaScript), keeping one paragraph of context around each change.
const CONTEXT = 1

/** The word-level difference of two versions, paragraph by paragraph. */
export function DiffText({ paragraphs }: { paragraphs: DiffParagraph[] }) {
  const { t } = useTranslation('legal')
  const keep = paragraphs.map((_, i) =>
    paragraphs.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((p) => p.status !== 'equal'),
  )
  const parts: React.ReactNode[] = []
  let folded: number[] = []
  const flush = () => {
    if (folded.length === 0) return
    const indexes = folded
    parts.push(
      <details key={`fold-${indexes[0]}`} className="diff-fold">
        <summary>{t('changes.unchanged', { count: indexes.length })}</summary>
        {indexes.map((i) => (
          <DiffParagraphText key={i} paragraph={paragraphs[i]!} />
        ))}
      </details>,
    )
    folded = []
  }
  paragraphs.forEach((paragraph, i) => {
    if (keep[i]) {
      flush()
      parts.push(<DiffParagraphText key={i} paragraph={paragraph} />)
    } else folded.push(i)
  })
  flush()
  return <div className="diff">{parts}</div>
}

/** How many words changed, the legend, and the difference; or a line saying nothing changed. */
export function WordDiff({
  paragraphs,
  wordsInserted,
  wordsDeleted,
}: {
  paragraphs: DiffParagraph[]
  wordsInserted: number
  wordsDeleted: number
}) {
  const { t } = useTranslation('legal')
  if (wordsInserted + wordsDeleted === 0) return <p>{t('changes.noChanges')}</p>
  return (
    <>
      <p>{t('changes.counts', { inserted: wordsInserted, deleted: wordsDeleted })}</p>
      <ul className="diff-legend" aria-label={t('changes.legendHeading')}>
        <li>
          <ins className="diff-insert">{t('changes.legendInserted')}</ins>
        </li>
        <li>
          <del className="diff-delete">{t('changes.legendDeleted')}</del>
        </li>
      </ul>
      <DiffText paragraphs={paragraphs} />
    </>
  )
}
