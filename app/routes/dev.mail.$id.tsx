import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { formatDate } from '~/platform/i18n/format'
import { detectLocale } from '~/platform/i18n/i18next.server'
import { mailPreviewEnabled, readStoredMail } from '~/platform/mail/mailer.server'
import { clientError, refusalLocale } from '~/platform/i18n/client-errors.server'

// One stored message (development only; production answers 404).

export const handle = { i18n: ['common', 'auth'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  if (!mailPreviewEnabled()) throw clientError(refusalLocale(request), 404)
  const message = await readStoredMail(params.id ?? '')
  if (!message) throw clientError(refusalLocale(request), 404)
  // The message may hold a live reset link: never cached.
  return data({ locale: await detectLocale(request), message }, { headers: { 'Cache-Control': 'no-store' } })
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.message.subject }, { name: 'robots', content: 'noindex' }] : []

// http(s) addresses only (never javascript:), without the punctuation that ends a sentence.
const WEB_ADDRESS = /(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'])/

/** The text with its web addresses as links; everything else stays text (React escapes it). */
function withLinks(text: string) {
  // split() with a capturing group puts the addresses at the odd indexes.
  return text.split(WEB_ADDRESS).map((part, index) =>
    index % 2 === 1 ? (
      <a key={index} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  )
}

export default function StoredMailMessage() {
  const { locale, message } = useLoaderData<typeof loader>()
  const { t } = useTranslation('auth')
  return (
    <main id="main">
      <p>
        <Link to="/dev/mail">{t('devMail.back')}</Link>
      </p>
      <h1>{message.subject}</h1>
      <dl>
        <dt>{t('devMail.from')}</dt>
        <dd>{message.from}</dd>
        <dt>{t('devMail.to')}</dt>
        <dd>{message.to}</dd>
        <dt>{t('devMail.date')}</dt>
        <dd>
          <time dateTime={message.date}>{formatDate(message.date, locale, true)}</time>
        </dd>
      </dl>
      <section aria-labelledby="mail-text">
        <h2 id="mail-text">{t('devMail.text')}</h2>
        <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{withLinks(message.text)}</div>
      </section>
      {message.html ? (
        <section aria-labelledby="mail-html">
          <h2 id="mail-html">{t('devMail.html')}</h2>
          {/* An empty sandbox: the message's markup runs no script and cannot reach this page. */}
          <iframe
            title={t('devMail.htmlFrame')}
            sandbox=""
            srcDoc={message.html}
            style={{ width: '100%', minHeight: '24rem', border: '1px solid currentColor' }}
          />
        </section>
      ) : null}
    </main>
  )
}
