import { Link, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { otherLocale, type Locale } from '~/i18n/locales'

/** Where the language switch sends a person: the same page in the other language. */
export function languageSwitchHref(pathname: string, search: string, target: Locale): string {
  const rest = pathname.replace(/^\/[^/]*/, '')
  const next = `/${target}${rest}${search}`
  return `/language?${new URLSearchParams({ lang: target, next }).toString()}`
}

export function SiteHeader({ locale }: { locale: Locale }) {
  const { t } = useTranslation('common')
  const location = useLocation()
  const target = otherLocale(locale)
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <div className="site-header__inner">
        <Link to={`/${locale}`} className="brand" aria-label={t('siteName')}>
          <span className="brand__mark" aria-hidden="true" />
          <span className="brand__name">{t('siteName')}</span>
        </Link>
        <nav aria-label={t('nav.label')} className="site-nav">
          <Link to={`/${locale}`}>{t('nav.home')}</Link>
          <Link to={`/${locale}#documents`}>{t('nav.documents')}</Link>
        </nav>
        <a
          className="language-switch"
          href={languageSwitchHref(location.pathname, location.search, target)}
          hrefLang={target}
          lang={target}
          title={t('language.switchToHint')}
        >
          {t('language.switchTo')}
        </a>
      </div>
    </header>
  )
}
