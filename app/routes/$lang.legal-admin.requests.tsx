import {
  data,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getDb } from '~/platform/db/client.server'
import { formatDate } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requireLegalUser } from '~/flows/legal-admin/index.server'
import { LEGAL_ADMIN_HEADERS, legalAdminMeta } from '~/flows/legal-admin'
import { TimeLeft } from '~/components/request-deadline'
import { formatDay } from '~/privacy-requests'
import { COMPLETED_IN_QUEUE, listQueue } from '~/privacy-requests/index.server'
import stylesheet from '~/styles/privacy-requests.css?url'

export const handle = { i18n: ['common', 'privacy-request', 'legal-admin-requests'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const t = getFixedT(locale, ['legal-admin-requests', 'common'])
  const queue = await listQueue(await getDb())
  return data(
    { locale, title: `${t('queue.title')} — ${t('common:siteName')}`, ...queue, completedLimit: COMPLETED_IN_QUEUE },
    { headers: LEGAL_ADMIN_HEADERS },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

export default function RequestQueue() {
  const { locale, today, open, completed, awaitingConfirmation, completedLimit } = useLoaderData<typeof loader>()
  const { t } = useTranslation(['legal-admin-requests', 'privacy-request'])
  const numberLink = (entry: { number: number }) => (
    <Link to={`/${locale}/legal-admin/requests/${entry.number}`} aria-label={t('queue.open', { number: entry.number })}>
      {entry.number}
    </Link>
  )
  return (
    <main id="main">
      <h1>{t('queue.title')}</h1>
      <p>{t('queue.lead')}</p>
      <p>{t('queue.today', { date: formatDay(today, locale) })}</p>
      {awaitingConfirmation > 0 ? <p>{t('queue.awaiting', { count: awaitingConfirmation })}</p> : null}
      <p>
        <Link to={`/${locale}/legal-admin/calendar`}>{t('queue.calendarLink')}</Link>
      </p>

      <h2 id="open-heading">{t('queue.openHeading')}</h2>
      {open.length === 0 ? (
        <p>{t('queue.noneOpen')}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="open-heading" className="request-queue">
            <caption className="visually-hidden">{t('queue.openCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('queue.columns.number')}</th>
                <th scope="col">{t('queue.columns.kind')}</th>
                <th scope="col">{t('queue.columns.regime')}</th>
                <th scope="col">{t('queue.columns.received')}</th>
                <th scope="col">{t('queue.columns.due')}</th>
                <th scope="col">{t('queue.columns.daysLeft')}</th>
                <th scope="col">{t('queue.columns.status')}</th>
              </tr>
            </thead>
            <tbody>
              {open.map((entry) => (
                <tr key={entry.number} className={entry.overdue ? 'queue-row--overdue' : undefined}>
                  <th scope="row">{numberLink(entry)}</th>
                  <td>{t(`privacy-request:kinds.${entry.kind}`)}</td>
                  <td>{t(`privacy-request:regimes.${entry.regime}`)}</td>
                  <td>{entry.receivedAt ? formatDate(entry.receivedAt, locale, true) : ''}</td>
                  <td>
                    {entry.dueOn ? formatDay(entry.dueOn, locale) : ''}
                    {entry.extended ? ` (${t('queue.extended')})` : null}
                  </td>
                  <td>
                    <TimeLeft daysLeft={entry.daysLeft} overdue={entry.overdue} />
                  </td>
                  <td>{t(`privacy-request:statuses.${entry.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="completed-heading">{t('queue.completedHeading')}</h2>
      {completed.length === 0 ? (
        <p>{t('queue.noneCompleted')}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="completed-heading">
            <caption className="visually-hidden">{t('queue.completedCaption', { count: completedLimit })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('queue.columns.number')}</th>
                <th scope="col">{t('queue.columns.kind')}</th>
                <th scope="col">{t('queue.columns.regime')}</th>
                <th scope="col">{t('queue.columns.received')}</th>
                <th scope="col">{t('queue.columns.due')}</th>
                <th scope="col">{t('queue.columns.completed')}</th>
                <th scope="col">{t('queue.columns.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {completed.map((entry) => (
                <tr key={entry.number}>
                  <th scope="row">{numberLink(entry)}</th>
                  <td>{t(`privacy-request:kinds.${entry.kind}`)}</td>
                  <td>{t(`privacy-request:regimes.${entry.regime}`)}</td>
                  <td>{entry.receivedAt ? formatDate(entry.receivedAt, locale, true) : ''}</td>
                  <td>{entry.dueOn ? formatDay(entry.dueOn, locale) : ''}</td>
                  <td>{entry.completedAt ? formatDate(entry.completedAt, locale, true) : ''}</td>
                  <td>{entry.outcome ? t(`privacy-request:outcomes.${entry.outcome}`) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  )
}
