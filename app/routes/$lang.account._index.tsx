import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { requireCurrentVersionsAccepted } from '~/flows/account/index.server'
import {
  listSessions,
  requireUser,
  revokeSession,
  signOutEverywhere,
  summarizeUserAgent,
  type UserAgentSummary,
} from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import { formatDate } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { textField } from '~/platform/form'
import { readForm } from '~/platform/read-form.server'
import { hasLegalRole } from '~/flows/legal-admin/index.server'
import { LegalViewLink } from '~/flows/legal-admin'
import { VerifyEmailNotice } from '~/components/verify-email-notice'
import { clientError } from '~/platform/i18n/client-errors.server'
import { accountNotices, dismissNotice } from '~/flows/legal-notices/index.server'
import { LegalNotices } from '~/components/legal-notices'

export const handle = {
  i18n: ['common', 'account', 'account-data', 'checkout', 'privacy-request', 'legal-admin', 'email'],
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const { user, session } = await requireUser(request, locale)
  const t = getFixedT(locale, ['account', 'common'])
  const db = await getDb()
  const sessions = await listSessions(db, user.id, session.id)
  const notices = await accountNotices(db, user.id)
  return {
    locale,
    title: `${t('account.title')} — ${t('common:siteName')}`,
    email: user.email,
    emailVerified: user.emailVerified,
    welcome: new URL(request.url).searchParams.has('welcome'),
    legalView: hasLegalRole(user.roles),
    notices,
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.current,
      createdAt: s.createdAt.toISOString(),
      userAgent: s.userAgent,
      // Read from the stored string each time the page is shown.
      device: summarizeUserAgent(s.userAgent),
      ip: s.ip,
    })),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireUser(request, locale)
  const form = await readForm(request)
  const intent = textField(form, 'intent', 40)
  if (intent === 'dismiss-notice') {
    // Hiding a notice is reading, not changing the account: it never waits for an acceptance.
    await dismissNotice(await getDb(), user.id, textField(form, 'notice', 100))
    return redirect(`/${locale}/account`)
  }
  // Changing the account waits for pending new versions to be accepted (sign-out, export and deletion never wait).
  if (intent === 'revoke' || intent === 'signout-everywhere') await requireCurrentVersionsAccepted(request, locale)
  const db = await getDb()
  if (intent === 'revoke') {
    await revokeSession(db, user.id, textField(form, 'sessionId', 200))
    return redirect(`/${locale}/account`)
  }
  if (intent === 'signout-everywhere') {
    await signOutEverywhere(db, user.id)
    return redirect(`/${locale}/login`)
  }
  throw clientError(locale, 400, { key: 'common:errors.unknownAction' })
}

/** "Chrome on Linux": the browser and the system a session was started from, as far as they can be read. */
function deviceName(device: UserAgentSummary, t: TFunction<'account'>): string {
  if (device.kind === 'bot') return t('account.sessionBot', { name: device.name })
  if (device.kind === 'unknown') return t('account.sessionUnknownBrowser')
  const browser = device.browser ? t(`browsers.${device.browser}`) : null
  const system = device.system ? t(`systems.${device.system}`) : null
  if (browser && system) return t('account.sessionDevice', { browser, system })
  if (system) return t('account.sessionUnknownBrowserOn', { system })
  return browser ?? t('account.sessionUnknownBrowser')
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function Account() {
  const { locale, email, emailVerified, sessions, welcome, legalView, notices } = useLoaderData<typeof loader>()
  const { t } = useTranslation('account')
  return (
    <main id="main">
      <h1>{t('account.title')}</h1>
      {welcome ? (
        <div className="notice" role="status">
          <p>{t('account.registered')}</p>
          {email ? (
            <p>{t(emailVerified ? 'email:notice.registeredVerified' : 'email:notice.registered', { email })}</p>
          ) : null}
        </div>
      ) : null}
      <p>{t('account.signedInAs', { email })}</p>
      {email && !emailVerified ? <VerifyEmailNotice locale={locale} email={email} /> : null}
      <LegalNotices notices={notices} locale={locale} />
      <ul className="account-menu">
        <li>
          <Link to={`/${locale}/account/payments`}>{t('checkout:payments.title')}</Link>
        </li>
        <li>
          <Link to={`/${locale}/account/consents`}>{t('account.consentsLink')}</Link>
        </li>
        <li>
          <Link to={`/${locale}/account/export`}>{t('account-data:accountLinks.export')}</Link>
        </li>
        <li>
          <Link to={`/${locale}/account/withdraw`}>{t('account-data:accountLinks.withdraw')}</Link>
        </li>
        <li>
          <Link to={`/${locale}/account/delete`}>{t('account-data:accountLinks.delete')}</Link>
        </li>
        {legalView ? (
          <li>
            <LegalViewLink locale={locale} />
          </li>
        ) : null}
        <li>
          <Link to={`/${locale}/privacy/request`}>{t('privacy-request:accountLink')}</Link>
        </li>
      </ul>
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('account.sessionsHeading')}</h2>
        <ul className="sessions">
          {sessions.map((s) => (
            <li key={s.id}>
              <strong title={s.userAgent ?? undefined}>{deviceName(s.device, t)}</strong>
              {s.current ? ` (${t('account.sessionCurrent')})` : null}
              <br />
              <time dateTime={s.createdAt}>
                {t('account.sessionStarted', { date: formatDate(s.createdAt, locale, true) })}
              </time>
              {s.ip ? ` · ${s.ip}` : null}
              {s.current ? null : (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="revoke" />
                  <input type="hidden" name="sessionId" value={s.id} />{' '}
                  <button type="submit" className="link-button">
                    {t('account.revoke')}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
        <Form method="post">
          <input type="hidden" name="intent" value="signout-everywhere" />
          <button type="submit">{t('account.signOutEverywhere')}</button>
        </Form>
      </section>
    </main>
  )
}
