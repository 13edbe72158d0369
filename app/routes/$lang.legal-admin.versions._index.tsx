import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { AcceptanceEvent } from '~/acceptances'
import { formatDate, formatNumber } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'
import { routeLocale } from '~/platform/i18n/route-locale'
import { DOCUMENT_KINDS } from '~/platform/document-kinds'
import { requireLegalUser, type VersionStats, versionsPage } from '~/flows/legal-admin/index.server'
import { LEGAL_ADMIN_HEADERS, legalAdminHeaders, legalAdminMeta } from '~/flows/legal-admin'

export const handle = { i18n: ['common', 'legal-admin'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  return data(await versionsPage(locale), { headers: { ...LEGAL_ADMIN_HEADERS } })
}

export const headers = legalAdminHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

type Row = VersionStats & { inForce: boolean }

export default function LegalAdminVersions() {
  const { locale, versions, events } = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal-admin')
  return (
    <main id="main" className="legal-admin__page">
      <h1>{t('versions.title')}</h1>
      <p>{t('versions.lead')}</p>
      <p className="legal-admin__muted">{t('versions.csvNote')}</p>
      {DOCUMENT_KINDS.map((kind) => {
        const rows = versions.filter((v) => v.kind === kind)
        const name = t(`common:documentKinds.${kind}`)
        return (
          <section key={kind} aria-labelledby={`versions-${kind}`}>
            <h2 id={`versions-${kind}`}>{name}</h2>
            {rows.length === 0 ? (
              <p>{t('versions.empty')}</p>
            ) : (
              <div className="table-wrap">
                <table className="legal-admin__table legal-admin__table--numbers">
                  <caption className="visually-hidden">{t('versions.caption', { document: name })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('versions.version')}</th>
                      {events.map((event) => (
                        <th scope="col" key={event}>
                          {t(`versions.events.${event}`)}
                        </th>
                      ))}
                      <th scope="col">{t('versions.total')}</th>
                      <th scope="col">{t('versions.export')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <VersionRow key={row.id} row={row} events={events} locale={locale} documentName={name} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        )
      })}
    </main>
  )
}

/**
 * A cell's count: the number of given records, with the withdrawn ones and the
 * cookie categories declined from the start ("only essential") beside it when
 * there are any. A refusal is not a withdrawal, so the two are counted apart.
 */
function Count({
  given,
  withdrawn,
  declined,
  locale,
}: {
  given: number
  withdrawn: number
  declined: number
  locale: Locale
}) {
  const { t } = useTranslation('legal-admin')
  if (withdrawn === 0 && declined === 0) {
    return <span className={given > 0 ? 'legal-admin__count' : 'legal-admin__zero'}>{formatNumber(given, locale)}</span>
  }
  return (
    <>
      {given > 0 ? (
        <>
          <span className="legal-admin__count">{t('versions.given', { number: formatNumber(given, locale) })}</span>
          <br />
        </>
      ) : null}
      {withdrawn > 0 ? (
        <span className="legal-admin__withdrawn">
          {t('versions.withdrawn', { number: formatNumber(withdrawn, locale) })}
        </span>
      ) : null}
      {withdrawn > 0 && declined > 0 ? <br /> : null}
      {declined > 0 ? (
        <span className="legal-admin__muted">{t('versions.declined', { number: formatNumber(declined, locale) })}</span>
      ) : null}
    </>
  )
}

function VersionRow({
  row,
  events,
  locale,
  documentName,
}: {
  row: Row
  events: readonly AcceptanceEvent[]
  locale: Locale
  documentName: string
}) {
  const { t } = useTranslation('legal-admin')
  const language = t(`languages.${row.locale}`)
  return (
    <tr>
      <th scope="row">
        <a href={`/${row.locale}/${row.kind}/v/${row.version}`} hrefLang={row.locale}>
          {t('overview.versionLink', { version: row.version })}
        </a>
        <br />
        <span className="legal-admin__muted">
          {language} · {formatDate(row.effectiveFrom, locale)}
        </span>
        {row.inForce || row.material ? <br /> : null}
        {row.inForce ? <span className="badge">{t('versions.inForce')}</span> : null}{' '}
        {row.material ? <span className="badge badge--muted">{t('versions.material')}</span> : null}
      </th>
      {events.map((event) => (
        <td key={event}>
          <Count
            given={row.byEvent[event].given}
            withdrawn={row.byEvent[event].withdrawn}
            declined={row.byEvent[event].declined}
            locale={locale}
          />
        </td>
      ))}
      <td>
        <Count given={row.given} withdrawn={row.withdrawn} declined={row.declined} locale={locale} />
      </td>
      <td>
        <a
          href={`/${locale}/legal-admin/versions/${row.id}.csv`}
          download
          aria-label={t('versions.csvLabel', { document: documentName, language, version: row.version })}
        >
          {t('versions.csv')}
        </a>
      </td>
    </tr>
  )
}
