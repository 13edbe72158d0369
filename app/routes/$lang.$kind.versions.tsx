import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '~/platform/i18n/format'
import { getVersionList } from '~/legal/index.server'
import { legalRouteParams, legalT, publicPageHeaders } from '~/flows/pages/index.server'
import { clientError } from '~/platform/i18n/client-errors.server'

export const handle = { i18n: ['common', 'legal'] }

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { locale, kind } = legalRouteParams(params)
  const { versions, inForce, fromArchive } = await getVersionList(kind, locale)
  if (versions.length === 0) throw clientError(locale, 404, { key: 'common:errors.noVersions' })
  const t = await legalT(locale)
  const documentName = t(`common:documentKinds.${kind}`)
  return data(
    {
      locale,
      kind,
      documentName,
      title: `${t('versions.title', { document: documentName })} — ${t('common:siteName')}`,
      versions,
      inForce,
      fromArchive,
    },
    {
      headers: await publicPageHeaders(
        request,
        'versions',
        locale,
        kind,
        inForce,
        JSON.stringify(versions),
        fromArchive,
      ),
    },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function VersionsPage() {
  const { locale, kind, documentName, versions, fromArchive } = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal')
  const base = `/${locale}/${kind}`
  return (
    <main id="main">
      <h1>{t('versions.title', { document: documentName })}</h1>
      <p>{t('versions.lead')}</p>
      {fromArchive ? <p className="notice notice--warning">{t('servedFromArchive')}</p> : null}
      <div className="table-wrap">
        <table className="versions">
          <thead>
            <tr>
              <th scope="col">{t('versions.version')}</th>
              <th scope="col">{t('versions.effectiveFrom')}</th>
              <th scope="col">{t('versions.status')}</th>
              <th scope="col">{t('versions.summary')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v, index) => {
              const older = versions[index + 1]
              return (
                <tr key={v.version}>
                  <th scope="row">
                    <Link to={`${base}/v/${v.version}`} aria-label={t('versions.open', { version: v.version })}>
                      {v.version}
                    </Link>
                  </th>
                  <td>{formatDate(v.effectiveFrom, locale)}</td>
                  <td>
                    <span
                      className={
                        v.status === 'in-force'
                          ? 'badge'
                          : v.status === 'future'
                            ? 'badge badge--future'
                            : 'badge badge--muted'
                      }
                    >
                      {t(`versions.${v.status === 'in-force' ? 'inForce' : v.status}`)}
                    </span>
                  </td>
                  <td>
                    {v.changeSummary ? <p>{v.changeSummary}</p> : null}
                    {v.material ? (
                      <p>
                        <strong>{t('versions.material')}</strong>
                      </p>
                    ) : null}
                    {older ? (
                      <p>
                        <Link to={`${base}/changes?from=${older.version}&to=${v.version}`}>
                          {t('versions.compare', { version: older.version })}
                        </Link>
                      </p>
                    ) : null}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </main>
  )
}
