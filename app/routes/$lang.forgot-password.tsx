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
import { keepRetryAfter, type FormFailure } from '~/platform/form'
import { requestResetLink, storedMailPreviewed } from '~/flows/account/index.server'
import { RESET_TOKEN_TTL_MINUTES } from '~/identity/index.server'
import { FormErrorSummary, TextField } from '~/components/form-fields'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requestEvidence } from '~/load-context'
import { readForm } from '~/platform/read-form.server'

export const handle = { i18n: ['common', 'account', 'auth'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['auth', 'common'])
  const sent = new URL(request.url).searchParams.has('sent')
  return {
    locale,
    title: `${t('reset.forgotTitle')} — ${t('common:siteName')}`,
    sent,
    minutes: RESET_TOKEN_TTL_MINUTES,
    devMail: sent && storedMailPreviewed(),
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const result = await requestResetLink(request, await readForm(request), locale, requestEvidence(request, context))
  // Redirect after POST: a reload does not send a second mail.
  if (result.ok) return redirect(`/${locale}/forgot-password?sent=1`, { headers: result.headers })
  return data(result.failure, { status: result.status, headers: result.headers })
}

// Without JavaScript the page is the response to the POST: keep the 429's Retry-After.
export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function ForgotPassword() {
  const { locale, sent, minutes, devMail } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>() as FormFailure | undefined
  const { t } = useTranslation('auth')
  const navigation = useNavigation()
  return (
    <main id="main">
      <h1>{t('reset.forgotTitle')}</h1>
      {sent && !failure ? (
        <div className="notice" role="status">
          <p>{t('reset.sent', { count: minutes })}</p>
          {devMail ? (
            <p>
              {t('reset.devMail')} <a href="/dev/mail">{t('reset.devMailLink')}</a>
            </p>
          ) : null}
        </div>
      ) : null}
      <p>{t('reset.forgotLead')}</p>
      <Form method="post" className="form" noValidate>
        <FormErrorSummary failure={failure} />
        <TextField
          name="email"
          type="email"
          label={t('account:fields.email')}
          autoComplete="email"
          defaultValue={failure?.values.email}
          error={failure?.fieldErrors.email}
        />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('reset.forgotSubmit')}
          </button>
        </p>
      </Form>
      <p>
        <Link to={`/${locale}/login`}>{t('reset.backToSignIn')}</Link>
      </p>
    </main>
  )
}
