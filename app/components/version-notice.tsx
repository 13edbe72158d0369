import { Form, Link, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'
import type { VersionNoticeData } from '~/flows/account/index.server'

/**
 * The site-wide mention of non-material changes: nothing to accept, nothing
 * blocked. Dismissing posts a plain form (it works without JavaScript); the
 * server remembers the versions in a cookie and the notice does not return
 * for them.
 */
export function VersionNotice({ locale, notices }: { locale: Locale; notices: VersionNoticeData }) {
  const { t } = useTranslation('reaccept')
  const location = useLocation()
  return (
    // Inline layout: the notice sits between header and <main>, which carries the page width in app.css.
    <div style={{ maxWidth: '68rem', width: '100%', margin: '1rem auto 0', padding: '0 1.25rem' }}>
      <aside className="notice" aria-label={t('notice.label')}>
        <p>
          <strong>{t('notice.heading')}</strong>
        </p>
        <ul>
          {notices.items.map((item) => (
            <li key={item.kind}>
              {t('notice.item', {
                title: item.title,
                version: item.version,
                date: formatDate(item.effectiveFrom, locale),
              })}
              {item.changeSummary ? ` ${item.changeSummary}` : null}{' '}
              <Link to={`/${locale}/${item.kind}/v/${item.version}`}>
                {t('notice.read', { version: item.version })}
              </Link>
              {item.acceptedVersion !== null ? (
                <>
                  {' · '}
                  <Link to={`/${locale}/${item.kind}/changes?from=${item.acceptedVersion}&to=${item.version}`}>
                    {t('notice.compare', { from: item.acceptedVersion })}
                  </Link>
                </>
              ) : null}
            </li>
          ))}
        </ul>
        <Form method="post" action={`/${locale}/account/accept`} preventScrollReset>
          <input type="hidden" name="intent" value="dismiss-notice" />
          <input type="hidden" name="versions" value={notices.dismiss} />
          <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
          <button type="submit">{t('notice.dismiss')}</button>
        </Form>
      </aside>
    </div>
  )
}
