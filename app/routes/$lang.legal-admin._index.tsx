import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getDb } from '~/platform/db/client.server'
import { formatDate, formatNumber } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requireLegalUser, legalOverview, type InForceRow, type StandingCounts } from '~/flows/legal-admin/index.server'
import { LEGAL_ADMIN_HEADERS, legalAdminHeaders, legalAdminMeta } from '~/flows/legal-admin'

export const handle = { i18n: ['common', 'legal-admin'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const t = getFixedT(locale, ['legal-admin', 'common'])
  const overview = await legalOverview(await getDb())
  return data(
    { locale, title: `${t('overview.title')} — ${t('common:siteName')}`, ...overview },
    { headers: { ...LEGAL_ADMIN_HEADERS } },
  )
}

export const headers = legalAdminHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

export default function LegalAdminOverview() {
  const { locale, inForce, requests } = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal-admin')
  const n = (value: number) => formatNumber(value, locale)
  return (
    <main id="main" className="legal-admin__page">
      <h1>{t('overview.title')}</h1>
      <p>{t('overview.lead')}</p>

      <section aria-labelledby="in-force-heading">
        <h2 id="in-force-heading">{t('overview.inForceHeading')}</h2>
        <div className="table-wrap">
          <table className="legal-admin__table">
            <caption>{t('overview.inForceCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('overview.document')}</th>
                <th scope="col">{t('overview.version')}</th>
                <th scope="col">{t('overview.acceptances')}</th>
                <th scope="col">{t('overview.accountsHeading')}</th>
              </tr>
            </thead>
            <tbody>
              {inForce.map((row) => (
                <InForceTableRow key={`${row.kind}:${row.locale}`} row={row} locale={locale} />
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="definition-heading" className="legal-admin__definition">
        <h2 id="definition-heading">{t('overview.definitionHeading')}</h2>
        <p>{t('overview.definition1')}</p>
        <p>{t('overview.definition2')}</p>
        <p>{t('overview.definition3')}</p>
      </section>

      <section aria-labelledby="requests-heading">
        <h2 id="requests-heading">{t('overview.requestsHeading')}</h2>
        <dl className="legal-admin__figures">
          <div>
            <dt>{t('overview.requestsOpen')}</dt>
            <dd>{n(requests.open)}</dd>
          </div>
          <div className={requests.overdue > 0 ? 'legal-admin__figure--alert' : undefined}>
            <dt>{t('overview.requestsOverdue')}</dt>
            <dd>{n(requests.overdue)}</dd>
          </div>
          <div>
            <dt>{t('overview.requestsDueToday')}</dt>
            <dd>{n(requests.dueToday)}</dd>
          </div>
          <div>
            <dt>{t('overview.requestsAwaiting')}</dt>
            <dd>{n(requests.awaitingConfirmation)}</dd>
          </div>
        </dl>
        <p>
          <Link to={`/${locale}/legal-admin/requests`}>{t('overview.requestsLink')}</Link>
        </p>
      </section>
    </main>
  )
}

function InForceTableRow({ row, locale }: { row: InForceRow; locale: Locale }) {
  const { t } = useTranslation('legal-admin')
  const document = (
    <th scope="row">
      {t(`common:documentKinds.${row.kind}`)}
      <br />
      <span className="legal-admin__muted">{t(`languages.${row.locale}`)}</span>
    </th>
  )
  if (row.state !== 'ok') {
    return (
      <tr>
        {document}
        <td colSpan={3}>{t(`overview.none.${row.reason}`)}</td>
      </tr>
    )
  }
  return (
    <tr>
      {document}
      <td>
        <Link to={`/${row.locale}/${row.kind}/v/${row.version}`} lang={row.locale}>
          {t('overview.versionLink', { version: row.version })}
        </Link>
        <br />
        <span className="legal-admin__muted">
          {t('overview.effectiveFrom', { date: formatDate(row.effectiveFrom, locale) })}
        </span>
        {row.material ? (
          <>
            <br />
            <span className="badge">{t('overview.material')}</span>
          </>
        ) : null}
      </td>
      <td>
        <span className="legal-admin__count">{formatNumber(row.given, locale)}</span>
        {row.withdrawn > 0 ? (
          <>
            <br />
            <span className="legal-admin__muted">
              {t('overview.withdrawnCount', { number: formatNumber(row.withdrawn, locale) })}
            </span>
          </>
        ) : null}
        {row.declined > 0 ? (
          <>
            <br />
            <span className="legal-admin__muted">
              {t('overview.declinedCount', { number: formatNumber(row.declined, locale) })}
            </span>
          </>
        ) : null}
      </td>
      <td>
        {row.accounts ? (
          <Standings counts={row.accounts} locale={locale} />
        ) : (
          <span className="legal-admin__muted">{t('overview.notAskedOfAccounts')}</span>
        )}
      </td>
    </tr>
  )
}

function Standings({ counts, locale }: { counts: StandingCounts; locale: Locale }) {
  const { t } = useTranslation('legal-admin')
  const n = (value: number) => formatNumber(value, locale)
  return (
    <div className="legal-admin__standings">
      <p className="legal-admin__muted">{t('overview.accountsTotal', { number: n(counts.accounts) })}</p>
      <dl>
        <div>
          <dt>{t('overview.accepted')}</dt>
          <dd>{n(counts.accepted)}</dd>
        </div>
        <div>
          <dt>{t('overview.notYetAccepted')}</dt>
          <dd>{n(counts.notYetAccepted)}</dd>
        </div>
      </dl>
      <ul>
        <li>
          {t('overview.asked')}: <strong>{n(counts.asked)}</strong>
          <ul>
            <li>
              {t('overview.askedChanged')}: {n(counts['asked-changed'])}
            </li>
            <li>
              {t('overview.askedNone')}: {n(counts['asked-none'])}
            </li>
          </ul>
        </li>
        <li>
          {t('overview.notice')}: {n(counts.notice)}
        </li>
        <li>
          {t('overview.otherLanguage')}: {n(counts['other-language'])}
        </li>
      </ul>
    </div>
  )
}
