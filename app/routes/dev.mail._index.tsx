import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '~/platform/i18n/format'
import { detectLocale, getFixedT } from '~/platform/i18n/i18next.server'
import { listStoredMail, mailPreviewEnabled } from '~/platform/mail/mailer.server'
import { clientError, refusalLocale } from '~/platform/i18n/client-errors.server'

// Development only: the mail that SMTP would have delivered, so sign-up and
// password reset can be followed on a fresh machine. Production answers 404.

export const handle = { i18n: ['common', 'auth'] }

export async function loader({ request }: LoaderFunctionArgs) {
  if (!mailPreviewEnabled()) throw clientError(refusalLocale(request), 404)
  const locale = await detectLocale(request)
  const t = getFixedT(locale, 'auth')
  // Messages hold live reset links: never cached.
  return data(
    { locale, title: t('devMail.title'), messages: await listStoredMail() },
    { headers: { 'Cache-Control': 'no-store' } },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function StoredMailList() {
  const { locale, messages } = useLoaderData<typeof loader>()
  const { t } = useTranslation('auth')
  return (
    <main id="main">
      <h1>{t('devMail.title')}</h1>
      <p>{t('devMail.lead')}</p>
      {messages.length === 0 ? (
        <p>{t('devMail.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{t('devMail.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('devMail.date')}</th>
                <th scope="col">{t('devMail.to')}</th>
                <th scope="col">{t('devMail.subject')}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((message) => (
                <tr key={message.id}>
                  <td>
                    <time dateTime={message.date}>{formatDate(message.date, locale, true)}</time>
                  </td>
                  <td>{message.to}</td>
                  <td>
                    <Link to={`/dev/mail/${message.id}`}>{message.subject}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  )
}
