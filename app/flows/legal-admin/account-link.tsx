import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { Locale } from '~/platform/i18n/locales'

/**
 * The account page's link into the legal team's view, for accounts with the
 * legal role. Its own useTranslation loads the namespace after a client-side
 * navigation to the account page, which a prefixed key under another
 * namespace's hook would not.
 */
export function LegalViewLink({ locale }: { locale: Locale }) {
  const { t } = useTranslation('legal-admin')
  return <Link to={`/${locale}/legal-admin`}>{t('accountLink')}</Link>
}
