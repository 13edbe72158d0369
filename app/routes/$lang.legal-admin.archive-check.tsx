import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getDb } from '~/platform/db/client.server'
import { formatDate, formatNumber } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { getContentSource } from '~/content/index.server'
import { requireLegalUser, ARCHIVE_CHECK_STATES, checkArchive } from '~/flows/legal-admin/index.server'
import { LEGAL_ADMIN_HEADERS, legalAdminHeaders, legalAdminMeta } from '~/flows/legal-admin'

export const handle = { i18n: ['common', 'legal-admin'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const t = getFixedT(locale, ['legal-admin', 'common'])
  const result = await checkArchive(await getDb(), getContentSource())
  return data(
    { locale, title: `${t('archive.title')} — ${t('common:siteName')}`, result, states: ARCHIVE_CHECK_STATES },
    { headers: { ...LEGAL_ADMIN_HEADERS } },
  )
}

export const headers = legalAdminHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

export default function LegalAdminArchiveCheck() {
  const { locale, result, states } = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal-admin')
  return (
    <main id="main" className="legal-admin__page">
      <h1>{t('archive.title')}</h1>
      <p>{t('archive.lead')}</p>
      <p className="legal-admin__muted">
        {t(`archive.source.${result.source}`)} ·{' '}
        {t('archive.checkedAt', { date: formatDate(result.checkedAt, locale, true) })}
      </p>
      {result.reachable ? null : (
        <p className="notice notice--warning" role="status">
          {t('archive.unreachable')}
        </p>
      )}

      <section aria-labelledby="archive-summary-heading">
        <h2 id="archive-summary-heading">{t('archive.summaryHeading')}</h2>
        <dl className="legal-admin__figures">
          {states.map((state) => (
            <div
              key={state}
              className={result.counts[state] > 0 && state !== 'matches' ? 'legal-admin__figure--alert' : undefined}
            >
              <dt>{t(`archive.states.${state}`)}</dt>
              <dd>{formatNumber(result.counts[state], locale)}</dd>
            </div>
          ))}
        </dl>
        <ul className="legal-admin__help">
          {states.map((state) => (
            <li key={state}>
              <strong>{t(`archive.states.${state}`)}:</strong> {t(`archive.stateHelp.${state}`)}
            </li>
          ))}
        </ul>
      </section>

      {result.entries.length === 0 ? (
        <p>{t('archive.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="legal-admin__table">
            <caption>{t('archive.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('archive.document')}</th>
                <th scope="col">{t('archive.version')}</th>
                <th scope="col">{t('archive.result')}</th>
                <th scope="col">{t('archive.archivedHash')}</th>
              </tr>
            </thead>
            <tbody>
              {result.entries.map((entry) => (
                <tr key={entry.id} className={`legal-admin__check legal-admin__check--${entry.state}`}>
                  <th scope="row">
                    {t(`common:documentKinds.${entry.kind}`)}
                    <br />
                    <span className="legal-admin__muted">{t(`languages.${entry.locale}`)}</span>
                  </th>
                  <td>
                    <a href={`/${entry.locale}/${entry.kind}/v/${entry.version}`} hrefLang={entry.locale}>
                      {t('overview.versionLink', { version: entry.version })}
                    </a>
                  </td>
                  <td>
                    <span className={`legal-admin__state legal-admin__state--${entry.state}`}>
                      {t(`archive.states.${entry.state}`)}
                    </span>
                  </td>
                  <td>
                    <code className="checksum">{entry.archivedSha256}</code>
                    {entry.sourceSha256 ? (
                      <>
                        <br />
                        <span className="legal-admin__muted">{t('archive.sourceHash')}:</span>{' '}
                        <code className="checksum">{entry.sourceSha256}</code>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  )
}
