import { Link } from '@remix-run/react'
import { useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'
import type { TocEntry } from '~/legal'
import type { DocumentKind, PortableBody, SiteSettings } from '~/content'
import { LegalBody, TableOfContents } from './legal-body'

export type LegalDocumentViewProps = {
  locale: Locale
  kind: DocumentKind
  document: {
    version: number
    effectiveFrom: string
    title: string
    body: PortableBody
    sha256: string
  }
  status: 'in-force' | 'future' | 'superseded'
  inForceVersion: number | null
  previousVersion: number | null
  toc: TocEntry[]
  anchorIds: Record<string, string>
  settings: SiteSettings | null
  notice?: React.ReactNode
  /** Shown inside the page's main region, before and after the document (the draft preview's panels). */
  before?: React.ReactNode
  after?: React.ReactNode
}

const subscribeToNothing = () => () => {}

function PrintButton({ label }: { label: string }) {
  // Printing needs JavaScript; without it the button would do nothing, so it
  // appears only after hydration (the print stylesheet works either way).
  const hydrated = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  )
  if (!hydrated) return null
  return (
    <li>
      <button type="button" className="link-button" onClick={() => window.print()}>
        {label}
      </button>
    </li>
  )
}

export function LegalDocumentView(props: LegalDocumentViewProps) {
  const { locale, kind, document: doc, status, previousVersion, settings } = props
  const { t } = useTranslation('legal')
  const base = `/${locale}/${kind}`
  return (
    <main id="main">
      {props.before}
      <article className={`legal${props.toc.length >= 2 ? ' legal--with-toc' : ''}`} aria-labelledby="document-title">
        {/* The head comes first, so a phone shows the title before the contents list; a wide
            screen puts the list in a column of its own beside the head and the text. */}
        <div className="legal__head">
          <h1 id="document-title">{doc.title}</h1>
          <ul className="legal__meta">
            <li>{t('version', { version: doc.version })}</li>
            <li>
              {status === 'future'
                ? t('effectiveFromFuture', { date: formatDate(doc.effectiveFrom, locale) })
                : t('effectiveFrom', { date: formatDate(doc.effectiveFrom, locale) })}
            </li>
            {status === 'in-force' ? (
              <li>
                <span className="badge">{t('inForceBadge')}</span>
              </li>
            ) : null}
          </ul>
          {props.notice}
          <ul className="legal__actions">
            <li>
              <Link to={`${base}/versions`}>{t('archiveLink')}</Link>
            </li>
            {previousVersion ? (
              <li>
                <Link to={`${base}/changes?from=${previousVersion}&to=${doc.version}`}>
                  {t('changesFromPrevious', { version: previousVersion })}
                </Link>
              </li>
            ) : (
              <li>{t('firstVersion')}</li>
            )}
            <PrintButton label={t('printLink')} />
          </ul>
        </div>
        <TableOfContents toc={props.toc} heading={t('tocHeading')} />
        <div className="legal__text">
          <LegalBody body={doc.body} anchorIds={props.anchorIds} anchorLabel={t('anchorLabel')} />
          <OperatorDetails settings={settings} />
          <p className="checksum">
            {t('hashLabel')}: {doc.sha256}
          </p>
        </div>
      </article>
      {props.after}
    </main>
  )
}

/** The operator's details under every policy (from the site settings). */
export function OperatorDetails({ settings }: { settings: SiteSettings | null }) {
  const { t } = useTranslation('legal')
  if (!settings) return null
  return (
    <section className="operator" aria-labelledby="operator-heading">
      <h2 id="operator-heading">{t('operatorHeading')}</h2>
      <p>
        {settings.operatorName}
        {settings.legalAddress ? (
          <>
            <br />
            {settings.legalAddress}
          </>
        ) : null}
      </p>
      {settings.registrationNumbers.length ? (
        <p>
          {settings.registrationNumbers.map((n) => (
            <span key={n.label} className="operator__reg">
              {n.label}: {n.value}
              <br />
            </span>
          ))}
        </p>
      ) : null}
      <p>
        {t('contactEmail')} <a href={`mailto:${settings.contactEmail}`}>{settings.contactEmail}</a>
      </p>
      <h3>{t('dataRequestsHeading')}</h3>
      <p>
        {t('dataRequestsEmail')} <a href={`mailto:${settings.dataRequestEmail}`}>{settings.dataRequestEmail}</a>
        {settings.dataRequestPostalAddress ? (
          <>
            <br />
            {t('dataRequestsPost', { address: settings.dataRequestPostalAddress })}
          </>
        ) : null}
      </p>
      {settings.euRepresentative ? (
        <p className="operator__eu-representative">{t('euRepresentative', { details: settings.euRepresentative })}</p>
      ) : null}
    </section>
  )
}
