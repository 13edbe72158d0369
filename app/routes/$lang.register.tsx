import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  type HeadersFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { keepRetryAfter, type FormFailure } from '~/platform/form'
import { REGISTER_KINDS, registerAccount } from '~/flows/account/index.server'
import { acceptanceFormData } from '~/acceptances/index.server'
import { AcceptanceCheckboxes } from '~/components/acceptance-checkboxes'
import { FormErrorSummary, TextField } from '~/components/form-fields'
import { getSessionUser, readGuestId } from '~/identity/index.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requestEvidence } from '~/load-context'
import { readForm } from '~/platform/read-form.server'

export const handle = { i18n: ['common', 'account', 'auth'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  if (await getSessionUser(request)) throw redirect(`/${locale}/account`)
  const t = getFixedT(locale, ['account', 'common'])
  return {
    locale,
    title: `${t('register.title')} — ${t('common:siteName')}`,
    isGuest: (await readGuestId(request)) !== null,
    ...(await acceptanceFormData([...REGISTER_KINDS], locale)),
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const result = await registerAccount(request, await readForm(request), locale, requestEvidence(request, context))
  // The same page whether the address was new or had an account already; from
  // checkout, signing in afterwards goes back to choosing a pack.
  const fromCheckout = new URL(request.url).searchParams.get('from') === 'checkout'
  if (result.ok) {
    return redirect(`/${locale}/register/sent${fromCheckout ? '?from=checkout' : ''}`, {
      status: 303,
      headers: result.headers,
    })
  }
  // The form comes back with the versions in force now (they may have changed).
  return data(
    { ...result.failure, ...(await acceptanceFormData([...REGISTER_KINDS], locale)) },
    { status: result.status, headers: result.headers },
  )
}

export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function Register() {
  const loaderData = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as (FormFailure & typeof loaderData) | undefined
  const { t } = useTranslation('account')
  const navigation = useNavigation()
  const { locale } = loaderData
  const documents = actionData?.documents ?? loaderData.documents
  const shownVersions = actionData?.shownVersions ?? loaderData.shownVersions
  const errors = actionData?.fieldErrors ?? {}
  return (
    <main id="main">
      <h1>{t('register.title')}</h1>
      <p>{t('register.lead')}</p>
      {loaderData.isGuest ? <p className="notice">{t('register.guestLinked')}</p> : null}
      <Form method="post" className="form" noValidate>
        <FormErrorSummary failure={actionData} />
        <input type="hidden" name="shownVersions" value={shownVersions} />
        <TextField
          name="email"
          type="email"
          label={t('fields.email')}
          autoComplete="email"
          defaultValue={actionData?.values.email}
          error={errors.email}
        />
        <TextField
          name="password"
          type="password"
          label={t('fields.password')}
          hint={t('fields.passwordHint')}
          autoComplete="new-password"
          error={errors.password}
        />
        <AcceptanceCheckboxes locale={locale} documents={documents} errors={errors} />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('register.submit')}
          </button>
        </p>
      </Form>
      <p>
        {t('register.haveAccount')} <Link to={`/${locale}/login`}>{t('nav.signIn')}</Link>
      </p>
    </main>
  )
}
