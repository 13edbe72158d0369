import { useTranslation } from 'react-i18next'
import type { DiffParagraph } from '~/legal'

function DiffParagraphText({ paragraph }: { paragraph: DiffParagraph }) {
  const { t } = useTranslation('legal')
  return (
    <p>
      {paragraph.segments.map((segment, s) =>
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
