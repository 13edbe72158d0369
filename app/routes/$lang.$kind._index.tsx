import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { LegalDocumentView } from '~/components/legal-document-view'
import { VersionAnnouncement } from '~/components/version-announcement'
import { formatDate } from '~/platform/i18n/format'
import { getPolicyPage } from '~/legal/index.server'
import { documentExtras, legalRouteParams, legalT, publicPageHeaders } from '~/flows/pages/index.server'

export const handle = { i18n: ['common', 'legal'] }

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { locale, kind } = legalRouteParams(params)
  const t = await legalT(locale)
  const page = await getPolicyPage(kind, locale)
  const kindName = t(`common:documentKinds.${kind}`)
  if (page.state !== 'ok') {
    // A kind missing in this language (or not yet in force) is a 404 that
    // still explains itself and points to the other language.
    return data(
      {
        state: page.state,
        locale,
        kind,
        title: `${kindName} — ${t('common:siteName')}`,
        otherLocale: page.state === 'missing' ? page.otherLocale : null,
        next: page.state === 'not-in-force' ? page.next : null,
      } as const,
      { status: 404 },
    )
  }
  const extras = await documentExtras(locale, page.document)
  const { plainText: _plainText, ...document } = page.document
  return data(
    {
      state: 'ok',
      locale,
      kind,
      title: `${document.title} — ${t('common:siteName')}`,
      document,
      previous: page.previous,
      next: page.next,
      fromArchive: page.fromArchive,
      ...extras,
    } as const,
    {
      headers: await publicPageHeaders(
        request,
        'policy',
        locale,
        kind,
        document.sha256,
        page.next?.version,
        page.next?.effectiveFrom,
        page.fromArchive,
        JSON.stringify(extras.settings),
      ),
    },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function PolicyPage() {
  const page = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal')
  if (page.state !== 'ok') {
    return (
      <main id="main">
        <h1>{t(`common:documentKinds.${page.kind}`)}</h1>
        {page.state === 'missing' ? (
          <>
            <p>{t('missingInLocale')}</p>
            {page.otherLocale ? (
              <p>
                <a href={`/${page.otherLocale}/${page.kind}`} hrefLang={page.otherLocale}>
                  {t('readInOtherLocale')}
                </a>
              </p>
            ) : null}
          </>
        ) : (
          <p>
            {t('notPublished')}{' '}
            {page.next ? t('effectiveFromFuture', { date: formatDate(page.next.effectiveFrom, page.locale) }) : null}
          </p>
        )}
      </main>
    )
  }
  const { locale, kind, document, next } = page
  const notice = (
    <>
      {page.fromArchive ? <p className="notice notice--warning">{t('servedFromArchive')}</p> : null}
      {next ? (
        <VersionAnnouncement
          locale={locale}
          next={next}
          changesHref={`/${locale}/${kind}/changes?from=${document.version}&to=${next.version}`}
        />
      ) : null}
    </>
  )
  return (
    <LegalDocumentView
      locale={locale}
      kind={kind}
      document={document}
      status="in-force"
      inForceVersion={document.version}
      previousVersion={page.previous}
      toc={page.toc}
      anchorIds={page.anchorIds}
      settings={page.settings}
      notice={notice}
    />
  )
}
