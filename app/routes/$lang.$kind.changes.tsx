import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '~/i18n/format'
import type { DiffParagraph } from '~/legal/diff'
import { getChangesPage, getVersionList } from '~/legal/documents.server'
import { legalRouteParams, legalT, parseVersionNumber, publicPageHeaders } from '~/legal/page-data.server'
import { clientError } from '~/i18n/refusals.server'

export const handle = { i18n: ['common', 'legal'] }

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { locale, kind } = legalRouteParams(params)
  const t = await legalT(locale)
  const search = new URL(request.url).searchParams
  const { versions, inForce } = await getVersionList(kind, locale)
  if (versions.length === 0) throw clientError(locale, 404)

  // Defaults: `to` is the version in force (or the newest), `from` the one before it.
  const rawTo = search.get('to')
  const rawFrom = search.get('from')
  const to = rawTo === null ? (inForce ?? versions[0]!.version) : parseVersionNumber(rawTo)
  const from =
    rawFrom === null
      ? (versions.find((v) => to !== null && v.version < to)?.version ?? null)
      : parseVersionNumber(rawFrom)
  if (to === null || from === null || from >= to) {
    throw data(t('changes.badRange'), { status: 400 })
  }
  const page = await getChangesPage(kind, locale, from, to)
  if (!page) throw clientError(locale, 404, { key: 'common:errors.unknownVersion' })
  const documentName = t(`common:documentKinds.${kind}`)
  return data(
    {
      locale,
      kind,
      documentName,
      title: `${t('changes.title', { document: documentName, from, to })} — ${t('common:siteName')}`,
      from: { version: page.from.version, effectiveFrom: page.from.effectiveFrom, sha256: page.from.sha256 },
      to: { version: page.to.version, effectiveFrom: page.to.effectiveFrom, sha256: page.to.sha256 },
      summaries: page.summaries,
      versions: page.versions.map((v) => v.version),
      paragraphs: page.paragraphs,
      wordsInserted: page.wordsInserted,
      wordsDeleted: page.wordsDeleted,
    },
    {
      headers: await publicPageHeaders(
        request,
        'changes',
        locale,
        kind,
        page.from.sha256,
        page.to.sha256,
        JSON.stringify(page.summaries),
      ),
    },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

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

function DiffText({ paragraphs }: { paragraphs: DiffParagraph[] }) {
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

export default function ChangesPage() {
  const page = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal')
  const { locale, kind } = page
  const base = `/${locale}/${kind}`
  const changed = page.wordsInserted + page.wordsDeleted > 0
  return (
    <main id="main">
      <h1>{t('changes.title', { document: page.documentName, from: page.from.version, to: page.to.version })}</h1>
      <ul className="legal__meta">
        <li>
          <Link to={`${base}/v/${page.from.version}`}>{t('version', { version: page.from.version })}</Link>:{' '}
          {formatDate(page.from.effectiveFrom, locale)}
        </li>
        <li>
          <Link to={`${base}/v/${page.to.version}`}>{t('version', { version: page.to.version })}</Link>:{' '}
          {formatDate(page.to.effectiveFrom, locale)}
        </li>
        <li>
          <Link to={`${base}/versions`}>{t('archiveLink')}</Link>
        </li>
      </ul>

      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading">{t('changes.summaryHeading')}</h2>
        {page.summaries.map((s) => (
          <div key={s.version}>
            <h3>{t('version', { version: s.version })}</h3>
            {s.changeSummary ? <p>{s.changeSummary}</p> : null}
            {s.material ? (
              <p>
                <strong>{t('versions.material')}</strong>
              </p>
            ) : null}
          </div>
        ))}
      </section>

      <Form method="get" className="version-picker" aria-labelledby="picker-legend">
        <span id="picker-legend" className="visually-hidden">
          {t('changes.pickerLegend')}
        </span>
        <label>
          {t('changes.from')}
          <select name="from" defaultValue={page.from.version}>
            {page.versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('changes.to')}
          <select name="to" defaultValue={page.to.version}>
            {page.versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('changes.submit')}</button>
      </Form>

      <section aria-labelledby="diff-heading">
        <h2 id="diff-heading">{t('changes.diffHeading')}</h2>
        {changed ? (
          <>
            <p>{t('changes.counts', { inserted: page.wordsInserted, deleted: page.wordsDeleted })}</p>
            <ul className="diff-legend" aria-label={t('changes.legendHeading')}>
              <li>
                <ins className="diff-insert">{t('changes.legendInserted')}</ins>
              </li>
              <li>
                <del className="diff-delete">{t('changes.legendDeleted')}</del>
              </li>
            </ul>
            <DiffText paragraphs={page.paragraphs} />
          </>
        ) : (
          <p>{t('changes.noChanges')}</p>
        )}
      </section>
    </main>
  )
}
