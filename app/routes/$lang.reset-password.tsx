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
import { completeReset, inspectResetLink } from '~/flows/account/index.server'
import { FormErrorSummary, TextField } from '~/components/form-fields'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { readForm } from '~/platform/read-form.server'

export const handle = { i18n: ['common', 'account', 'auth'] }

// The address carries a secret: no caching anywhere, and no Referer to other
// sites. Not `no-referrer`: browsers then send `Origin: null` with the form's
// POST, which the cross-site request check refuses.
const PRIVATE_PAGE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' }

type ResetView =
  { state: 'form'; token: string; email: string | null } | { state: 'refused'; message: string } | { state: 'done' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['auth', 'common'])
  const url = new URL(request.url)
  const page = (view: ResetView, titleKey: string) => ({
    locale,
    title: `${t(titleKey)} — ${t('common:siteName')}`,
    view,
  })
  if (url.searchParams.has('done')) return data(page({ state: 'done' }, 'reset.doneTitle'), { headers: PRIVATE_PAGE })

  const token = url.searchParams.get('token') ?? ''
  const link = await inspectResetLink(token)
  if (!link.ok) {
    return data(page({ state: 'refused', message: link.failure.formError ?? '' }, 'reset.refusedTitle'), {
      status: link.status,
      headers: PRIVATE_PAGE,
    })
  }
  return data(page({ state: 'form', token, email: link.email }, 'reset.title'), { headers: PRIVATE_PAGE })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const result = await completeReset(await readForm(request), new URL(request.url))
  if (result.ok) return redirect(`/${locale}/reset-password?done=1`)
  return data(
    { ...result.failure, refusedMessage: result.linkRefused ? (result.failure.formError ?? null) : null },
    { status: result.status, headers: PRIVATE_PAGE },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function ResetPassword() {
  const { locale, view } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('auth')
  const navigation = useNavigation()

  if (view.state === 'done') {
    return (
      <main id="main">
        <h1>{t('reset.doneTitle')}</h1>
        <p className="notice" role="status">
          {t('reset.done')}
        </p>
        <p>
          <Link to={`/${locale}/login`}>{t('reset.signIn')}</Link>
        </p>
      </main>
    )
  }

  // The link may have gone bad while the form was open (used in another tab, expired).
  if (actionData?.refusedMessage) return <RefusedLink locale={locale} message={actionData.refusedMessage} />
  if (view.state === 'refused') return <RefusedLink locale={locale} message={view.message} />

  return (
    <main id="main">
      <h1>{t('reset.title')}</h1>
      {view.email ? <p>{t('reset.forAccount', { email: view.email })}</p> : null}
      <Form method="post" className="form" noValidate>
        <FormErrorSummary failure={actionData} />
        <input type="hidden" name="token" value={view.token} />
        {/* Tells password managers which account the new password belongs to. */}
        {view.email ? (
          <input type="email" name="username" autoComplete="username" value={view.email} readOnly hidden />
        ) : null}
        <TextField
          name="password"
          type="password"
          label={t('reset.newPassword')}
          hint={`${t('account:fields.passwordHint')} ${t('reset.sessionsNote')}`}
          autoComplete="new-password"
          error={actionData?.fieldErrors.password}
        />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('reset.submit')}
          </button>
        </p>
      </Form>
    </main>
  )
}

function RefusedLink({ locale, message }: { locale: string; message: string }) {
  const { t } = useTranslation('auth')
  return (
    <main id="main">
      <h1>{t('reset.refusedTitle')}</h1>
      <p className="notice notice--warning">{t(message)}</p>
      <p>
        <Link to={`/${locale}/forgot-password`}>{t('reset.askAgain')}</Link>
      </p>
    </main>
  )
}
