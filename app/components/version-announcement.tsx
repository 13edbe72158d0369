import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'

/** The banner the page of the version in force shows while a later, published version waits for its date. */
export function VersionAnnouncement({
  locale,
  next,
  changesHref,
}: {
  locale: Locale
  next: { version: number; effectiveFrom: string; material: boolean }
  /** Where "see what will change" leads: the changes page, or the diff on a preview. */
  changesHref: string
}) {
  const { t } = useTranslation('legal')
  return (
    <div className="notice" role="note">
      <p>
        {t('announcement', { version: next.version, date: formatDate(next.effectiveFrom, locale) })}{' '}
        {next.material ? t('announcementMaterial') : null}
      </p>
      <p>
        <Link to={changesHref}>{t('announcementLink')}</Link>
      </p>
    </div>
  )
}
