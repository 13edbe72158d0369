import { Link, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { cookieSettingsHref } from '~/components/cookie-banner'
import type { Locale } from '~/platform/i18n/locales'
import { DOCUMENT_KINDS } from '~/platform/document-kinds'
import type { SiteSettings } from '~/content'

export function SiteFooter({
  locale,
  settings,
  onCookieSettings,
}: {
  locale: Locale
  settings: SiteSettings | null
  /** With JavaScript, opens the cookie banner in place instead of going to the settings page. */
  onCookieSettings?: () => void
}) {
  const { t } = useTranslation('common')
  const location = useLocation()
  const onSettingsPage = location.pathname === `/${locale}/cookie-consent`
  const returnTo = onSettingsPage
    ? (new URLSearchParams(location.search).get('returnTo') ?? `/${locale}`)
    : `${location.pathname}${location.search}`
  return (
    <footer className="site-footer">
      <div className="site-footer__inner">
        <nav aria-labelledby="footer-documents">
          <h2 id="footer-documents" className="site-footer__heading">
            {t('footer.documentsHeading')}
          </h2>
          <ul>
            {DOCUMENT_KINDS.map((kind) => (
              <li key={kind}>
                <Link to={`/${locale}/${kind}`}>{t(`documentKinds.${kind}`)}</Link>
              </li>
            ))}
          </ul>
        </nav>
        {settings ? (
          <section aria-labelledby="footer-operator">
            <h2 id="footer-operator" className="site-footer__heading">
              {t('footer.operatorHeading')}
            </h2>
            <p>{settings.operatorName}</p>
            {settings.registrationNumbers.length ? (
              <p>{settings.registrationNumbers.map((n) => `${n.label} ${n.value}`).join(' · ')}</p>
            ) : null}
            <p>
              {t('footer.contactLabel')} <a href={`mailto:${settings.contactEmail}`}>{settings.contactEmail}</a>
            </p>
          </section>
        ) : null}
      </div>
      <p className="site-footer__cookies">
        <Link
          to={cookieSettingsHref(locale, returnTo)}
          onClick={
            onCookieSettings && !onSettingsPage
              ? (event) => {
                  event.preventDefault()
                  onCookieSettings()
                }
              : undefined
          }
        >
          {t('footer.cookieSettings')}
        </Link>
      </p>
      <p className="site-footer__copyright">
        {t('footer.copyright', { year: new Date().getFullYear(), operator: settings?.operatorName ?? t('siteName') })}
      </p>
    </footer>
  )
}
