import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { telegramLoginWidget, getSessionUser } from '~/identity/index.server'
import { TelegramLoginButton } from '~/components/telegram-login-button'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { clientError } from '~/platform/i18n/client-errors.server'

// Signing in with Telegram is a step of its own: Telegram's button is a
// script from telegram.org, and loading it gives Telegram the visitor's IP
// address. Only people who chose Telegram on the sign-in page come here, and
// this page says so before the button appears.

export const handle = { i18n: ['common', 'account'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  if (await getSessionUser(request)) throw redirect(`/${locale}/account`)
  const widget = telegramLoginWidget(new URL(request.url).origin)
  if (!widget) throw clientError(locale, 404)
  const t = getFixedT(locale, ['account', 'common'])
  return { locale, title: `${t('telegram.title')} — ${t('common:siteName')}`, widget }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function TelegramSignIn() {
  const { locale, widget } = useLoaderData<typeof loader>()
  const { t } = useTranslation('account')
  return (
    <main id="main">
      <h1>{t('telegram.title')}</h1>
      <p className="notice">{t('telegram.notice')}</p>
      <TelegramLoginButton botName={widget.botName} authUrl={widget.authUrl} />
      <noscript>
        <p className="notice notice--warning">{t('telegram.noScript')}</p>
      </noscript>
      <p>
        <Link to={`/${locale}/login`}>{t('telegram.back')}</Link>
      </p>
    </main>
  )
}
