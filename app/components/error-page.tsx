import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

/**
 * The localized page for whatever a route threw: 404s say the page does not
 * exist, other 4xx show the message the route threw (already localized), 503s
 * say the service is temporarily unavailable (the database, or the legal
 * documents: ~/lib/unavailable.server), and anything else is a generic server
 * error that reveals nothing.
 */
export function RouteErrorPage() {
  const error = useRouteError()
  const { t } = useTranslation('common')
  const status = isRouteErrorResponse(error) ? error.status : 500
  const documents =
    isRouteErrorResponse(error) &&
    typeof error.data === 'object' &&
    error.data !== null &&
    (error.data as { unavailable?: unknown }).unavailable === 'documents'
  const title =
    status === 404
      ? t('errors.notFoundTitle')
      : status < 500
        ? t('errors.badRequestTitle')
        : status === 503
          ? t('errors.unavailableTitle')
          : t('errors.serverErrorTitle')
  const text =
    status === 404
      ? t('errors.notFoundText')
      : status < 500 && isRouteErrorResponse(error) && typeof error.data === 'string'
        ? error.data
        : status === 503
          ? documents
            ? t('errors.contentUnavailableText')
            : t('errors.unavailableText')
          : t('errors.serverErrorText')
  return <ErrorPage status={status} title={title} text={text} />
}

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
