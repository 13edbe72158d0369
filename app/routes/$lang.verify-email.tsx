import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { confirmFromForm, resendVerification, verifyEmailPage } from '~/flows/account/index.server'
import { requireUser } from '~/identity/index.server'
import { FormErrorSummary } from '~/components/form-fields'
import { ResendVerificationForm } from '~/components/verify-email-notice'
import { routeLocale } from '~/platform/i18n/route-locale'
import { textField, type FormFailure } from '~/platform/form'
import { readForm } from '~/platform/read-form.server'
import { requestEvidence } from '~/load-context'

// The page the confirmation letter links to, and the account's confirmation
// status. Opening a link changes nothing (mail scanners fetch links before
// people do); only the button, a POST, confirms the address.

export const handle = { i18n: ['common', 'account', 'auth', 'email'] }

// The address carries a secret: no caching anywhere, and no Referer to other
// sites (same-origin keeps the Origin the cross-site check needs on the POST).
const PRIVATE_PAGE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const { page, status } = await verifyEmailPage(request, locale, new URL(request.url).searchParams)
  return data(page, { status, headers: PRIVATE_PAGE })
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const form = await readForm(request)
  const intent = textField(form, 'intent', 20)
  if (intent === 'resend') {
    const { user } = await requireUser(request, locale)
    const result = await resendVerification(request, user, locale, requestEvidence(request, context))
    // Redirect after POST: a reload does not send a second letter.
    if (result.ok) return redirect(`/${locale}/verify-email${result.state === 'sent' ? '?sent=1' : ''}`)
    return data({ failure: result.failure, refusedMessage: null }, { status: result.status, headers: result.headers })
  }
  const outcome = await confirmFromForm(form, new URL(request.url))
  if (outcome.ok) return redirect(`/${locale}/verify-email?done=1`)
  // The link went bad while the page was open (used in another tab, replaced, expired).
  return data(
    { failure: null, refusedMessage: outcome.failure.formError ?? null },
    { status: outcome.status, headers: PRIVATE_PAGE },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders, actionHeaders }) => {
  const merged = new Headers(loaderHeaders)
  const retryAfter = actionHeaders.get('Retry-After')
  if (retryAfter) merged.set('Retry-After', retryAfter)
  return merged
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function VerifyEmail() {
  const { locale, view, hours } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as
    { failure: FormFailure | null; refusedMessage: string | null } | undefined
  const { t } = useTranslation('email')
  const navigation = useNavigation()

  if (actionData?.refusedMessage) {
    // The loader ran again for the same link and knows who is asking.
    const known = view.state === 'refused' ? view : { canResend: false, signedIn: false }
    return (
      <Refused
        locale={locale}
        message={actionData.refusedMessage}
        canResend={known.canResend}
        signedIn={known.signedIn}
      />
    )
  }

  switch (view.state) {
    case 'done':
      return (
        <main id="main">
          <h1>{t('verify.doneTitle')}</h1>
          <p className="notice" role="status">
            {t('verify.done')}
          </p>
          <ul>
            <li>
              <Link to={`/${locale}/pricing`}>{t('verify.toPricing')}</Link>
            </li>
            <li>
              <Link to={`/${locale}/account`}>{t('verify.toAccount')}</Link>
            </li>
          </ul>
        </main>
      )
    case 'confirm':
      return (
        <main id="main">
          <h1>{t('verify.title')}</h1>
          <p>{t('verify.confirmLead', { email: view.email })}</p>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="confirm" />
            <input type="hidden" name="token" value={view.token} />
            <p>
              <button type="submit" disabled={navigation.state === 'submitting'}>
                {t('verify.confirmSubmit')}
              </button>
            </p>
          </Form>
        </main>
      )
    case 'refused':
      return <Refused locale={locale} message={view.message} canResend={view.canResend} signedIn={view.signedIn} />
    case 'status':
      return (
        <main id="main">
          <h1>{t('verify.statusTitle')}</h1>
          <FormErrorSummary failure={actionData?.failure ?? undefined} />
          {view.sent && view.email && !view.verified ? (
            <div className="notice" role="status">
              <p>{t('verify.sent', { email: view.email, hours: t('hours', { count: hours }) })}</p>
              {view.devMail ? (
                <p>
                  {t('verify.devMail')} <a href="/dev/mail">{t('verify.devMailLink')}</a>
                </p>
              ) : null}
            </div>
          ) : null}
          {!view.email ? (
            <p>{t('verify.noEmail')}</p>
          ) : view.verified ? (
            <p>{t('verify.verified', { email: view.email })}</p>
          ) : (
            <>
              <p>{t('verify.unverified', { email: view.email })}</p>
              <ResendVerificationForm locale={locale} />
            </>
          )}
          <p>
            <Link to={`/${locale}/account`}>{t('verify.toAccount')}</Link>
          </p>
        </main>
      )
  }
}

function Refused({
  locale,
  message,
  canResend,
  signedIn,
}: {
  locale: string
  message: string
  canResend: boolean
  signedIn: boolean
}) {
  const { t } = useTranslation('email')
  return (
    <main id="main">
      <h1>{t('verify.refusedTitle')}</h1>
      <p className="notice notice--warning">{t(message)}</p>
      {canResend ? (
        <ResendVerificationForm locale={locale} />
      ) : signedIn ? (
        <p>
          <Link to={`/${locale}/verify-email`}>{t('verify.statusTitle')}</Link>
        </p>
      ) : (
        <p>
          <Link to={`/${locale}/login?${new URLSearchParams({ redirectTo: `/${locale}/verify-email` })}`}>
            {t('verify.signIn')}
          </Link>
        </p>
      )}
    </main>
  )
}
