import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { LegalDocumentView } from '~/components/legal-document-view'
import { formatDate } from '~/platform/i18n/format'
import { getVersionPage } from '~/legal/index.server'
import {
  documentExtras,
  legalRouteParams,
  legalT,
  parseVersionNumber,
  publicPageHeaders,
} from '~/flows/pages/index.server'
import { clientError } from '~/platform/i18n/client-errors.server'

export const handle = { i18n: ['common', 'legal'] }

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { locale, kind } = legalRouteParams(params)
  const version = parseVersionNumber(params.version)
  if (version === null) throw clientError(locale, 404, { key: 'common:errors.unknownVersion' })
  const page = await getVersionPage(kind, locale, version)
  if (!page) throw clientError(locale, 404, { key: 'common:errors.unknownVersion' })
  const t = await legalT(locale)
  const extras = await documentExtras(locale, page.document)
  const { plainText: _plainText, ...document } = page.document
  return data(
    {
      locale,
      kind,
      title: `${document.title} (${t('version', { version })}) — ${t('common:siteName')}`,
      document,
      status: page.status,
      inForce: page.inForce,
      previous: page.previous,
      ...extras,
    },
    {
      headers: await publicPageHeaders(
        request,
        'version',
        locale,
        kind,
        document.sha256,
        page.status,
        page.inForce,
        JSON.stringify(extras.settings),
      ),
    },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [
        { title: data.title },
        // Only the version in force should be indexed under the canonical URL.
        ...(data.status === 'in-force' ? [] : [{ name: 'robots', content: 'noindex' }]),
      ]
    : []

export default function VersionPage() {
  const page = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal')
  const { locale, kind, document, status, inForce } = page
  const notice =
    status === 'in-force' ? null : (
      <div className="notice notice--warning" role="note">
        <p>
          {status === 'future'
            ? t('futureNotice', {
                version: document.version,
                date: formatDate(document.effectiveFrom, locale),
                current: inForce ?? '—',
              })
            : t('notInForceNotice', { version: document.version, current: inForce ?? '—' })}
        </p>
        <p>
          <Link to={`/${locale}/${kind}`}>{t('readCurrent')}</Link>
        </p>
      </div>
    )
  return (
    <LegalDocumentView
      locale={locale}
      kind={kind}
      document={document}
      status={status}
      inForceVersion={inForce}
      previousVersion={page.previous}
      toc={page.toc}
      anchorIds={page.anchorIds}
      settings={page.settings}
      notice={notice}
    />
  )
}
