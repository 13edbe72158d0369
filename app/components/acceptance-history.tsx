import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'

export type HistoryRow = {
  id: string
  kind: string
  locale: string
  version: number
  event: string
  state: string
  recordedAt: string | Date
  viaGuest?: boolean
  /** Cookie choices: the category (preferences, analytics) the row is about. */
  scope?: string | null
}

/** The display shape of a ledger row (no IP or user agent: they are not needed to read the history). */
export function toHistoryRow(row: {
  id: string
  kind: string
  locale: string
  version: number
  event: string
  state: string
  recordedAt: string
  recordedUnder: object
  scope?: string | null
}): HistoryRow {
  return {
    id: row.id,
    kind: row.kind,
    locale: row.locale,
    version: row.version,
    event: row.event,
    state: row.state,
    recordedAt: row.recordedAt,
    viaGuest: 'guestId' in row.recordedUnder,
    scope: row.scope ?? null,
  }
}

const COOKIE_CATEGORIES = new Set(['preferences', 'analytics'])

/** Every acceptance and withdrawal, each version linked to its exact archived text. */
export function AcceptanceHistory({ locale, rows }: { locale: Locale; rows: HistoryRow[] }) {
  const { t } = useTranslation(['account', 'common', 'cookie-consent'])
  if (rows.length === 0) return <p>{t('consents.empty')}</p>
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('consents.document')}</th>
            <th scope="col">{t('consents.version')}</th>
            <th scope="col">{t('consents.date')}</th>
            <th scope="col">{t('consents.event')}</th>
            <th scope="col">{t('consents.state')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                {t(`common:documentKinds.${row.kind}`)}
                {row.scope && COOKIE_CATEGORIES.has(row.scope)
                  ? `: ${t(`cookie-consent:categories.${row.scope}`)}`
                  : null}
              </th>
              <td>
                <Link to={`/${row.locale}/${row.kind}/v/${row.version}`}>{row.version}</Link>
              </td>
              <td>{formatDate(row.recordedAt, locale, true)}</td>
              <td>
                {t(`consents.events.${row.event}`)}
                {/* A guest-mode event is a guest's by definition: no "(as a guest)" after it. */}
                {row.viaGuest && row.event !== 'guest' ? ` (${t('consents.asGuest')})` : null}
              </td>
              <td>{t(`consents.states.${row.state}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
