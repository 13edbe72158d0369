import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

export function ErrorPage({ status, title, text }: { status: number; title: string; text: string }) {
  const { t, i18n } = useTranslation('common')
  return (
    <main id="main" className="error-page">
      <p className="error-page__status" aria-hidden="true">
        {status}
      </p>
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <Link to={`/${i18n.language === 'en' ? 'en' : 'ru'}`}>{t('errors.backHome')}</Link>
      </p>
    </main>
  )
}
