import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { WordDiff } from '~/components/legal-diff'
import { formatDate } from '~/platform/i18n/format'
import { changesPage, legalRouteParams } from '~/flows/pages/index.server'
import { clientError } from '~/platform/i18n/client-errors.server'

export const handle = { i18n: ['common', 'legal'] }

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { locale, kind } = legalRouteParams(params)
  const search = new URL(request.url).searchParams
  const result = await changesPage(request, locale, kind, search.get('from'), search.get('to'))
  if (!result.ok) throw clientError(locale, result.status, { key: result.key })
  return data(result.page, { headers: result.headers })
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function ChangesPage() {
  const page = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal')
  const { locale, kind } = page
  const base = `/${locale}/${kind}`
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
        <WordDiff paragraphs={page.paragraphs} wordsInserted={page.wordsInserted} wordsDeleted={page.wordsDeleted} />
      </section>
    </main>
  )
}
