import { Form, Link, useFetcher, useLocation } from '@remix-run/react'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import type { CookieActionData, CookieBannerData } from '~/cookie-consent'
import { FormErrorSummary } from '~/components/form-fields'
import type { Locale } from '~/platform/i18n/locales'
import { safeRedirect } from '~/platform/security/safe-redirect'

type Mode = 'ask' | 'choose'

/** The address of the settings page, remembering where the person was (when that is a same-site path). */
export function cookieSettingsHref(locale: Locale, returnTo: string | null | undefined): string {
  return `/${locale}/cookie-consent?${new URLSearchParams({ returnTo: safeRedirect(returnTo, `/${locale}`) })}`
}

/**
 * The choice form, shared by the banner and the settings page. It is a plain
 * POST form, so it works without JavaScript; the three choices are buttons of
 * the same kind and weight. In "choose" mode it shows the categories as
 * checkboxes (essential ones always on), starting from the choice in force.
 */
export function CookieChoiceForm({
  locale,
  banner,
  mode,
  returnTo,
  idPrefix,
  onSubmit,
}: {
  locale: Locale
  banner: CookieBannerData
  mode: Mode
  returnTo: string
  idPrefix: string
  /** With JavaScript, the banner submits through its fetcher (and opens "Customise" in place). */
  onSubmit?: (event: FormEvent<HTMLFormElement>) => void
}) {
  const { t } = useTranslation('cookie-consent')
  const fields = (
    <>
      <input type="hidden" name="shownVersion" value={banner.policy.version} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {mode === 'choose' ? (
        <fieldset className="cookie-categories">
          <legend>{t('categoriesLegend')}</legend>
          <Category id={`${idPrefix}-essential`} label={t('essential.label')} hint={t('essential.hint')} fixed />
          <Category
            id={`${idPrefix}-preferences`}
            name="preferences"
            label={t('preferences.label')}
            hint={t('preferences.hint')}
            defaultChecked={banner.current.preferences}
          />
          <Category
            id={`${idPrefix}-analytics`}
            name="analytics"
            label={t('analytics.label')}
            hint={t('analytics.hint')}
            defaultChecked={banner.current.analytics}
          />
        </fieldset>
      ) : null}
      <div className="cookie-banner__actions">
        {mode === 'choose' ? (
          <button type="submit" name="intent" value="custom" className="cookie-banner__button">
            {t('save')}
          </button>
        ) : null}
        <button type="submit" name="intent" value="all" className="cookie-banner__button">
          {t('acceptAll')}
        </button>
        <button type="submit" name="intent" value="essential" className="cookie-banner__button">
          {t('essentialOnly')}
        </button>
        {mode === 'ask' ? (
          <button type="submit" name="intent" value="customise" className="cookie-banner__button">
            {t('customise')}
          </button>
        ) : null}
      </div>
    </>
  )
  const action = `/${locale}/cookie-consent`
  // The settings page posts a Remix form (a redirect back either way); the banner a plain one it may intercept.
  return onSubmit ? (
    <form method="post" action={action} className="cookie-banner__form" onSubmit={onSubmit}>
      {fields}
    </form>
  ) : (
    <Form method="post" action={action} className="cookie-banner__form">
      {fields}
    </Form>
  )
}

function Category({
  id,
  name,
  label,
  hint,
  defaultChecked,
  fixed = false,
}: {
  id: string
  name?: string
  label: string
  hint: string
  defaultChecked?: boolean
  fixed?: boolean
}) {
  return (
    <div className="cookie-category">
      <input
        type="checkbox"
        id={id}
        name={name}
        value={name ? 'on' : undefined}
        defaultChecked={fixed ? true : defaultChecked}
        disabled={fixed}
        aria-describedby={`${id}-hint`}
      />
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-hint`} className="cookie-category__hint">
        {hint}
      </p>
    </div>
  )
}

/**
 * The cookie banner: part of the page (not an overlay), right below the
 * header, shown until a choice is made for the cookie policy in force, and
 * again each time the footer's "Cookie settings" asks for it (`openRequest`
 * counts those requests; 0 means never).
 */
export function CookieBanner({
  locale,
  banner,
  openRequest,
}: {
  locale: Locale
  banner: CookieBannerData
  openRequest: number
}) {
  const { t } = useTranslation('cookie-consent')
  const location = useLocation()
  const fetcher = useFetcher<CookieActionData>({ key: 'cookie-consent' })
  const [mode, setMode] = useState<Mode>('ask')
  // Which opening and which page the last submission belonged to.
  const [submitted, setSubmitted] = useState<{ openRequest: number; locationKey: string } | null>(null)
  const heading = useRef<HTMLHeadingElement>(null)
  const saved = useRef<HTMLParagraphElement>(null)
  const result = fetcher.state === 'idle' ? fetcher.data : undefined
  const savedOk = result?.ok === true && submitted !== null
  const openedByFooter = openRequest > 0 && !(savedOk && submitted.openRequest === openRequest)
  const visible = banner.ask || openedByFooter
  const shownMode: Mode = openedByFooter ? 'choose' : mode
  // The confirmation stays until the next page.
  const showSaved = !visible && savedOk && submitted.locationKey === location.key

  // Opened from the footer: focus follows, to the banner's heading.
  useEffect(() => {
    if (openRequest > 0) heading.current?.focus()
  }, [openRequest])
  // Saved: focus moves to the confirmation instead of getting lost with the banner.
  useEffect(() => {
    if (showSaved) saved.current?.focus()
  }, [showSaved, result])

  if (!visible) {
    return showSaved ? (
      <div className="cookie-banner__wrap">
        <p ref={saved} className="cookie-banner__saved" role="status" tabIndex={-1}>
          {t('saved')}
        </p>
      </div>
    ) : null
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const submitter = (event.nativeEvent as SubmitEvent).submitter
    event.preventDefault()
    const intent = submitter instanceof HTMLButtonElement ? submitter.value : ''
    if (intent === 'customise') {
      setMode('choose')
      return
    }
    const form = new FormData(event.currentTarget)
    form.set('intent', intent)
    setSubmitted({ openRequest, locationKey: location.key })
    fetcher.submit(form, { method: 'post', action: `/${locale}/cookie-consent?inline=1` })
  }

  const failure = result && !result.ok ? result : null
  return (
    <div className="cookie-banner__wrap">
      <section className="cookie-banner" aria-labelledby="cookie-banner-heading">
        <h2 id="cookie-banner-heading" ref={heading} tabIndex={-1}>
          {t('heading')}
        </h2>
        {banner.outdated ? <p>{t('outdated')}</p> : null}
        <p>{t('intro')}</p>
        <p>
          <Trans
            t={t}
            i18nKey="policy"
            values={{ version: banner.policy.version }}
            components={{ policy: <Link to={`/${banner.policy.locale}/cookies/v/${banner.policy.version}`} /> }}
          />
        </p>
        {banner.gpc ? <p className="cookie-banner__gpc">{t('gpc')}</p> : null}
        <FormErrorSummary failure={failure?.failure} />
        <CookieChoiceForm
          // Fresh checkboxes whenever the choice in force or the version changes.
          key={`${shownMode}:${banner.policy.version}:${banner.current.preferences}:${banner.current.analytics}`}
          locale={locale}
          banner={banner}
          mode={shownMode}
          returnTo={`${location.pathname}${location.search}`}
          idPrefix="cookie-banner"
          onSubmit={onSubmit}
        />
      </section>
    </div>
  )
}
