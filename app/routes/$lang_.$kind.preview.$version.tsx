import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { RouteErrorPage } from '~/components/error-page'
import { LegalDocumentView } from '~/components/legal-document-view'
import { WordDiff } from '~/components/legal-diff'
import { SiteFooter } from '~/components/site-footer'
import { SiteHeader } from '~/components/site-header'
import { VersionAnnouncement } from '~/components/version-announcement'
import { previewPage } from '~/flows/pages/index.server'
import { formatDate } from '~/platform/i18n/format'

// Outside the $lang layout on purpose ($lang_): that layout renders the cookie
// banner (a form that records a choice), notices that ask to accept versions,
// and counts a guest's visit. A preview shows no form, records nothing and
// sets no cookie; it has no action either, so nothing can be posted to it.
// 'account' for the header's sign-in links, which the site layout would otherwise bring.
export const handle = { i18n: ['common', 'account', 'legal'], framedByStudio: true }

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { page, headers } = await previewPage(request, params)
  return data(page, { headers })
}

export const headers: HeadersFunction = ({ loaderHeaders, errorHeaders }) => errorHeaders ?? loaderHeaders

// Its own boundary, so that a refusal keeps the headers above (Remix takes an
// error's headers from the route whose boundary shows it).
export function ErrorBoundary() {
  return <RouteErrorPage />
}

export const meta: MetaFunction<typeof loader> = ({ data: page }) => [
  ...(page ? [{ title: page.title }] : []),
  { name: 'robots', content: 'noindex, nofollow' },
]

export default function DraftPreviewPage() {
  const page = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal')
  const { locale, kind, draft, inForce, comparison } = page
  const effective = formatDate(draft.effectiveFrom, locale)

  const about = (
    <section className="preview-panel" aria-labelledby="preview-about-heading">
      <h2 id="preview-about-heading">{t('preview.aboutHeading')}</h2>
      <dl className="preview-facts">
        <div>
          <dt>{t('preview.effectiveLabel')}</dt>
          <dd>{page.status === 'future' ? effective : t('preview.effectiveNow', { date: effective })}</dd>
        </div>
        <div>
          <dt>{t('preview.materialLabel')}</dt>
          <dd>{draft.material ? t('preview.materialYes') : t('preview.materialNo')}</dd>
        </div>
        <div>
          <dt>{t('preview.summaryLabel')}</dt>
          <dd>{draft.changeSummary ?? t('preview.noSummary')}</dd>
        </div>
      </dl>
      <h3>{t('preview.announcementHeading')}</h3>
      {page.announced ? (
        <>
          <p>{t('preview.announcedNow')}</p>
          <VersionAnnouncement locale={locale} next={draft} changesHref="#preview-diff-heading" />
        </>
      ) : (
        <p>{page.status === 'future' ? t('preview.notAnnouncedLater') : t('preview.notAnnouncedImmediate')}</p>
      )}
    </section>
  )

  const diff = (
    <section className="preview-panel" aria-labelledby="preview-diff-heading">
      <h2 id="preview-diff-heading" tabIndex={-1}>
        {inForce ? t('preview.diffHeading', { version: inForce.version }) : t('changes.diffHeading')}
      </h2>
      {comparison === null ? (
        <p>{t('preview.firstVersion')}</p>
      ) : (
        <WordDiff
          paragraphs={comparison.paragraphs}
          wordsInserted={comparison.wordsInserted}
          wordsDeleted={comparison.wordsDeleted}
        />
      )}
    </section>
  )

  // Once published, a future version's own page (/v/N) carries this notice; the version in force carries none.
  const notice =
    page.status === 'future' && inForce ? (
      <div className="notice notice--warning" role="note">
        <p>{t('futureNotice', { version: draft.version, date: effective, current: inForce.version })}</p>
      </div>
    ) : null

  return (
    <div className="page">
      <section className="preview-bar" aria-labelledby="preview-bar-title">
        <div className="preview-bar__inner">
          <p id="preview-bar-title" className="preview-bar__title">
            {t('preview.barTitle')}
          </p>
          <p className="preview-bar__text">{t('preview.barText', { version: draft.version })}</p>
        </div>
      </section>
      <SiteHeader locale={locale} />
      <LegalDocumentView
        locale={locale}
        kind={kind}
        document={draft}
        status={page.status}
        inForceVersion={inForce?.version ?? null}
        previousVersion={page.previous}
        toc={page.toc}
        anchorIds={page.anchorIds}
        settings={page.settings}
        notice={notice}
        before={about}
        after={diff}
      />
      <SiteFooter locale={locale} settings={page.settings} />
    </div>
  )
}
