import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getDb } from '~/platform/db/client.server'
import { formatDate, formatNumber } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { routeLocale } from '~/platform/i18n/route-locale'
import { clientError } from '~/platform/i18n/client-errors.server'
import { textField } from '~/platform/form'
import { readForm } from '~/platform/read-form.server'
import {
  archiveUnarchived,
  publishingPage,
  requireLegalUser,
  type UpcomingVersion,
} from '~/flows/legal-admin/index.server'
import { LEGAL_ADMIN_HEADERS, legalAdminHeaders, legalAdminMeta } from '~/flows/legal-admin'

export const handle = { i18n: ['common', 'legal-admin'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const t = getFixedT(locale, ['legal-admin', 'common'])
  const page = await publishingPage(await getDb())
  return data(
    { locale, title: `${t('publishing.title')} — ${t('common:siteName')}`, ...page },
    { headers: { ...LEGAL_ADMIN_HEADERS } },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const form = await readForm(request)
  if (textField(form, 'intent', 40) !== 'archive-unarchived') {
    throw clientError(locale, 400, { key: 'common:errors.unknownAction' })
  }
  const archived = await archiveUnarchived(await getDb())
  return data({ archived }, { headers: { ...LEGAL_ADMIN_HEADERS } })
}

export const headers = legalAdminHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

/** `2027-01-11 00:00 UTC` and the same moment in Moscow time: unambiguous for everyone reading. */
function Moment({ iso, locale }: { iso: string; locale: Locale }) {
  const { t } = useTranslation('legal-admin')
  return (
    <time dateTime={iso}>
      {t('publishing.utc', { time: iso.slice(0, 16).replace('T', ' ') })}
      <br />
      <span className="legal-admin__muted">{t('publishing.moscow', { date: formatDate(iso, locale, true) })}</span>
    </time>
  )
}

export default function LegalAdminPublishing() {
  const { locale, upcoming, unarchived, deliveries, refused, sourceReachable } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const busy = useNavigation().state === 'submitting'
  const { t } = useTranslation('legal-admin')
  const documentName = (kind: string, lang: string) =>
    `${t(`common:documentKinds.${kind}`)} · ${t(`languages.${lang}`)}`
  return (
    <main id="main" className="legal-admin__page">
      <h1>{t('publishing.title')}</h1>
      <p>{t('publishing.lead')}</p>
      {sourceReachable ? null : (
        <p className="notice notice--warning" role="status">
          {t('publishing.sourceUnavailable')}
        </p>
      )}

      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">{t('publishing.upcomingHeading')}</h2>
        {upcoming.length === 0 ? (
          <p>{t('publishing.upcomingEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="legal-admin__table">
              <caption className="visually-hidden">{t('publishing.upcomingCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('publishing.document')}</th>
                  <th scope="col">{t('publishing.effectiveFrom')}</th>
                  <th scope="col">{t('publishing.archived')}</th>
                  <th scope="col">{t('publishing.publishedBy')}</th>
                  <th scope="col">{t('publishing.notices')}</th>
                </tr>
              </thead>
              <tbody>
                {upcoming.map((v) => (
                  <tr key={`${v.kind}/${v.locale}/${v.version}`}>
                    <th scope="row">
                      <Link to={`/${v.locale}/${v.kind}/v/${v.version}`}>
                        {documentName(v.kind, v.locale)}, {t('overview.versionLink', { version: v.version })}
                      </Link>
                      <br />
                      <span className="legal-admin__muted">
                        {v.material ? t('publishing.material') : t('publishing.notMaterial')}
                      </span>
                    </th>
                    <td>
                      <Moment iso={v.effectiveFrom} locale={locale} />
                    </td>
                    <td>
                      {v.archivedAt
                        ? t('publishing.archivedAt', { date: formatDate(v.archivedAt, locale, true) })
                        : t('publishing.notArchived')}
                    </td>
                    <td>
                      <PublisherCell version={v} locale={locale} />
                    </td>
                    <td>
                      <NoticeCell version={v} locale={locale} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="unarchived-heading">
        <h2 id="unarchived-heading">{t('publishing.unarchivedHeading')}</h2>
        <p>{t('publishing.unarchivedLead')}</p>
        {result ? (
          <p className="notice" role="status">
            {t('publishing.archivedNow', { count: result.archived })}
          </p>
        ) : null}
        {unarchived.length === 0 ? (
          <p>{t('publishing.unarchivedEmpty')}</p>
        ) : (
          <>
            <ul>
              {unarchived.map((v) => (
                <li key={`${v.kind}/${v.locale}/${v.version}`}>
                  {documentName(v.kind, v.locale)}, {t('overview.versionLink', { version: v.version })} ·{' '}
                  {t('overview.effectiveFrom', { date: formatDate(v.effectiveFrom, locale) })}
                </li>
              ))}
            </ul>
            <Form method="post">
              <input type="hidden" name="intent" value="archive-unarchived" />
              <button type="submit" className="button button--secondary" disabled={busy}>
                {t('publishing.archiveNow')}
              </button>
            </Form>
          </>
        )}
      </section>

      <section aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">{t('publishing.deliveriesHeading')}</h2>
        {deliveries.length === 0 ? (
          <p>{t('publishing.deliveriesEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="legal-admin__table">
              <caption className="visually-hidden">{t('publishing.deliveriesCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('publishing.received')}</th>
                  <th scope="col">{t('publishing.document')}</th>
                  <th scope="col">{t('publishing.publishedBy')}</th>
                  <th scope="col">{t('publishing.outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <time dateTime={d.receivedAt}>{formatDate(d.receivedAt, locale, true)}</time>
                    </td>
                    <td>
                      {d.kind && d.locale && d.version
                        ? `${documentName(d.kind, d.locale)}, ${t('overview.versionLink', { version: d.version })}`
                        : (d.documentType ?? d.documentId)}
                      {d.operation ? ` (${t(`publishing.operations.${d.operation}`)})` : null}
                      {d.revision ? (
                        <>
                          <br />
                          <span className="legal-admin__muted">
                            {t('publishing.revision', { revision: d.revision })}
                          </span>
                        </>
                      ) : null}
                    </td>
                    <td>{d.publisherId ? t('publishing.publisher', { id: d.publisherId }) : '—'}</td>
                    <td>
                      {t(`publishing.outcomes.${d.outcome}`)}
                      {d.detail ? (
                        <>
                          <br />
                          <span className="legal-admin__muted">{d.detail}</span>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="refused-heading">
        <h2 id="refused-heading">{t('publishing.refusedHeading')}</h2>
        <p>{t('publishing.refusedLead')}</p>
        {refused.length === 0 ? (
          <p>{t('publishing.refusedEmpty')}</p>
        ) : (
          <ul>
            {refused.map((r) => (
              <li key={`${r.receivedAt}/${r.reason}/${r.byteLength}`}>
                <time dateTime={r.receivedAt}>{formatDate(r.receivedAt, locale, true)}</time> · {r.reason} ·{' '}
                {t('publishing.bytes', { count: r.byteLength })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  )
}

function PublisherCell({ version, locale }: { version: UpcomingVersion; locale: Locale }) {
  const { t } = useTranslation('legal-admin')
  const publisher = version.publisher
  if (!publisher) return <span className="legal-admin__muted">{t('publishing.publisherUnknown')}</span>
  return (
    <>
      {publisher.publisherId ? t('publishing.publisher', { id: publisher.publisherId }) : '—'}
      {publisher.revision ? (
        <>
          <br />
          <span className="legal-admin__muted">{t('publishing.revision', { revision: publisher.revision })}</span>
        </>
      ) : null}
      <br />
      {publisher.approver
        ? `${t('publishing.approvedBy', { name: publisher.approver })}${
            publisher.approvedAt
              ? ` ${t('publishing.approvedAt', { date: formatDate(publisher.approvedAt, locale, true) })}`
              : ''
          }`
        : t('publishing.noApproval')}
      {publisher.approvalMatches === false ? (
        <>
          <br />
          <strong>{t('publishing.approvalMismatch')}</strong>
        </>
      ) : null}
      {publisher.selfApproved ? (
        <>
          <br />
          <strong>{t('publishing.selfApproved')}</strong>
        </>
      ) : null}
    </>
  )
}

function NoticeCell({ version, locale }: { version: UpcomingVersion; locale: Locale }) {
  const { t } = useTranslation('legal-admin')
  const plan = version.notices
  if (!plan) return <>{t('publishing.noNotices')}</>
  const n = (value: number) => formatNumber(value, locale)
  return (
    <>
      {t('publishing.noticePlan', {
        count: plan.accountsToTell,
        date: formatDate(plan.dueAt, locale, true),
        days: plan.days,
      })}
      <br />
      <span className="legal-admin__muted">
        {!plan.disclosed
          ? t('publishing.noticeWaiting')
          : !version.archivedAt
            ? t('publishing.noticeNotArchived')
            : plan.progress
              ? t('publishing.noticeProgress', {
                  issued: n(plan.progress.issued),
                  sent: n(plan.progress.mail.sent),
                  pending: n(plan.progress.mail.pending),
                  failed: n(plan.progress.mail.failed),
                  notSent: n(plan.progress.mail['not-sent']),
                  dismissed: n(plan.progress.dismissed),
                })
              : t('publishing.noticeNotStarted')}
      </span>
    </>
  )
}
