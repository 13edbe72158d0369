import { Form, Link, NavLink, useLocation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { otherLocale, type Locale } from '~/platform/i18n/locales'

/** Where the language switch sends a person: the same page in the other language. */
export function languageSwitchHref(pathname: string, search: string, target: Locale): string {
  const rest = pathname.replace(/^\/[^/]*/, '')
  const next = `/${target}${rest}${search}`
  return `/language?${new URLSearchParams({ lang: target, next }).toString()}`
}

type Viewer = { kind: 'user'; email: string | null; credits: number } | { kind: 'guest'; credits: number } | null

/**
 * What stands beside the brand on a narrow screen, outside the menu: the
 * balance, and the way to the account (signed in) or to signing in. The same
 * links inside the menu are marked `site-menu__desktop`, so at any width
 * exactly one of each is shown.
 */
export function quickLinks(viewer: Viewer): { balance: boolean; account: 'account' | 'signIn' } {
  return { balance: viewer !== null, account: viewer?.kind === 'user' ? 'account' : 'signIn' }
}

/** The balance, linking to the person's generations. */
function Balance({ locale, credits, className }: { locale: Locale; credits: number; className?: string }) {
  const { t } = useTranslation('common')
  return (
    <Link
      to={`/${locale}/history`}
      className={className ? `balance ${className}` : 'balance'}
      aria-label={t('balance.label', { credits: t('credits', { count: credits }) })}
    >
      {t('credits', { count: credits })}
    </Link>
  )
}

function QuickLinks({ locale, viewer }: { locale: Locale; viewer: Viewer }) {
  const { t } = useTranslation('account')
  const quick = quickLinks(viewer)
  return (
    <div className="site-header__quick">
      {viewer && quick.balance ? <Balance locale={locale} credits={viewer.credits} /> : null}
      {quick.account === 'account' ? (
        <Link to={`/${locale}/account`} className="account-shortcut" aria-label={t('nav.account')}>
          <span className="account-shortcut__icon" aria-hidden="true" />
        </Link>
      ) : (
        <Link to={`/${locale}/login`} className="account-shortcut">
          {t('nav.signIn')}
        </Link>
      )}
    </div>
  )
}

function AccountLinks({ locale, viewer }: { locale: Locale; viewer: Viewer }) {
  const { t } = useTranslation('account')
  if (viewer?.kind === 'user') {
    return (
      <div className="account-links">
        <Balance locale={locale} credits={viewer.credits} className="site-menu__desktop" />
        <Link to={`/${locale}/account`} className="site-menu__desktop">
          {t('nav.account')}
        </Link>
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
      {viewer?.kind === 'guest' ? (
        <Balance locale={locale} credits={viewer.credits} className="site-menu__desktop" />
      ) : null}
      {viewer?.kind === 'guest' ? <Link to={`/${locale}/guest`}>{t('nav.guest')}</Link> : null}
      <Link to={`/${locale}/login`} className="site-menu__desktop">
        {t('nav.signIn')}
      </Link>
      <Link to={`/${locale}/register`}>{t('nav.register')}</Link>
    </div>
  )
}

/**
 * The site header. On a wide screen everything stands in one row; on a narrow
 * one the navigation, the account links and the language switch fold into a
 * <details> menu, which opens without JavaScript. With JavaScript the menu
 * also closes after a navigation, on Escape and on a click outside it.
 */
export function SiteHeader({ locale, viewer = null }: { locale: Locale; viewer?: Viewer }) {
  const { t } = useTranslation('common')
  const location = useLocation()
  const target = otherLocale(locale)
  const menu = useRef<HTMLDetailsElement>(null)

  useEffect(() => {
    if (menu.current) menu.current.open = false
  }, [location.pathname, location.search, location.hash])

  useEffect(() => {
    const close = (event: Event) => {
      const details = menu.current
      if (!details?.open) return
      if (event instanceof KeyboardEvent) {
        if (event.key !== 'Escape') return
        details.open = false
        details.querySelector('summary')?.focus()
        return
      }
      if (event.target instanceof Node && !details.contains(event.target)) details.open = false
    }
    document.addEventListener('keydown', close)
    document.addEventListener('click', close)
    return () => {
      document.removeEventListener('keydown', close)
      document.removeEventListener('click', close)
    }
  }, [])

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
        <QuickLinks locale={locale} viewer={viewer} />
        <details className="site-menu" ref={menu}>
          <summary className="site-menu__toggle">
            <span className="site-menu__icon" aria-hidden="true" />
            <span className="site-menu__label">{t('nav.menu')}</span>
          </summary>
          <div className="site-menu__panel">
            <nav aria-label={t('nav.label')} className="site-nav">
              <NavLink to={`/${locale}`} end>
                {t('nav.home')}
              </NavLink>
              <Link to={`/${locale}#documents`}>{t('nav.documents')}</Link>
              <NavLink to={`/${locale}/pricing`}>{t('nav.pricing')}</NavLink>
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
        </details>
      </div>
    </header>
  )
}
