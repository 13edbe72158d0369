import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'
import type { DocumentKind } from '~/platform/document-kinds'

export type LegalNoticeItem = {
  id: string
  kind: DocumentKind
  locale: Locale
  version: number
  acceptedVersion: number
  effectiveFrom: string
  changeSummary: string | null
}

/**
 * Advance notices of material versions on the account page: what changes,
 * when, a link to the comparison, and a button that hides the notice (a
 * plain form, so it works without JavaScript).
 */
export function LegalNotices({ notices, locale }: { notices: LegalNoticeItem[]; locale: Locale }) {
  const { t } = useTranslation(['account', 'common'])
  if (notices.length === 0) return null
  return (
    <section aria-labelledby="legal-notices-heading" className="legal-notices">
      <h2 id="legal-notices-heading">{t('account.notices.heading')}</h2>
      <ul className="legal-notices__list">
        {notices.map((notice) => {
          const document = t(`common:documentKinds.${notice.kind}`)
          const compare = `/${notice.locale}/${notice.kind}/changes?${new URLSearchParams({
            from: String(notice.acceptedVersion),
            to: String(notice.version),
          })}`
          return (
            <li key={notice.id} className="notice notice--warning legal-notices__item">
              <h3 className="legal-notices__title">
                {t('account.notices.item', { document, date: formatDate(notice.effectiveFrom, locale, true) })}
              </h3>
              <p>
                {t('account.notices.version', {
                  version: notice.version,
                  accepted: notice.acceptedVersion,
                  language: t(`account.notices.languages.${notice.locale}`),
                })}
              </p>
              {notice.changeSummary ? (
                <>
                  <p className="legal-notices__label">{t('account.notices.summary')}</p>
                  <p className="legal-notices__summary" lang={notice.locale}>
                    {notice.changeSummary}
                  </p>
                </>
              ) : null}
              <div className="legal-notices__actions">
                <Link className="button button--secondary button--small" to={compare}>
                  {t('account.notices.compare')}
                </Link>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="dismiss-notice" />
                  <input type="hidden" name="notice" value={notice.id} />
                  <button type="submit" className="button button--quiet button--small">
                    {t('account.notices.dismiss')}
                  </button>
                </Form>
              </div>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
