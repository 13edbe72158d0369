import { Form, Link, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { otherLocale, type Locale } from '~/platform/i18n/locales'

/** Where the language switch sends a person: the same page in the other language. */
export function languageSwitchHref(pathname: string, search: string, target: Locale): string {
  const rest = pathname.replace(/^\/[^/]*/, '')
  const next = `/${target}${rest}${search}`
  return `/language?${new URLSearchParams({ lang: target, next }).toString()}`
}

type Viewer = { kind: 'user'; email: string | null; credits: number } | { kind: 'guest'; credits: number } | null

/** The balance, linking to the person's generations. */
function Balance({ locale, credits }: { locale: Locale; credits: number }) {
  const { t } = useTranslation('common')
  return (
    <Link
      to={`/${locale}/history`}
      className="balance"
      aria-label={t('balance.label', { credits: t('credits', { count: credits }) })}
    >
      {t('credits', { count: credits })}
    </Link>
  )
}

function AccountLinks({ locale, viewer }: { locale: Locale; viewer: Viewer }) {
  const { t } = useTranslation('account')
  if (viewer?.kind === 'user') {
    return (
      <div className="account-links">
        <Balance locale={locale} credits={viewer.credits} />
        <Link to={`/${locale}/account`}>{t('nav.account')}</Link>
        <Form method="post" action={`/${locale}/logout`} className="inline-form">
          <button type="submit" className="link-button">
            {t('nav.signOut')}
          </button>
        </Form>
      </div>
    )
  }
  return (
    <div className="account-links">
      {viewer?.kind === 'guest' ? <Balance locale={locale} credits={viewer.credits} /> : null}
      {viewer?.kind === 'guest' ? <Link to={`/${locale}/guest`}>{t('nav.guest')}</Link> : null}
      <Link to={`/${locale}/login`}>{t('nav.signIn')}</Link>
      <Link to={`/${locale}/register`}>{t('nav.register')}</Link>
    </div>
  )
}

export function SiteHeader({ locale, viewer = null }: { locale: Locale; viewer?: Viewer }) {
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
          <Link to={`/${locale}/pricing`}>{t('nav.pricing')}</Link>
        </nav>
        <AccountLinks locale={locale} viewer={viewer} />
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
