import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  type HeadersFunction,
} from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { keepRetryAfter, type FormFailure } from '~/platform/form'
import { acceptanceFormData } from '~/acceptances/index.server'
import { completeProviderSignup, pendingProviderProfile, REGISTER_KINDS } from '~/flows/account/index.server'
import { enabledProviders } from '~/identity/index.server'
import { AcceptanceCheckboxes } from '~/components/acceptance-checkboxes'
import { FormErrorSummary } from '~/components/form-fields'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requestEvidence } from '~/load-context'
import { readForm } from '~/platform/read-form.server'

export const handle = { i18n: ['common', 'account'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const profile = await pendingProviderProfile(request)
  if (!profile) throw redirect(`/${locale}/login?providerError=expired`)
  const t = getFixedT(locale, ['account', 'common'])
  const provider = enabledProviders(undefined, locale).find((p) => p.id === profile.provider)?.label ?? profile.provider
  return {
    locale,
    title: `${t('providers.completeTitle')} — ${t('common:siteName')}`,
    provider,
    email: profile.email,
    ...(await acceptanceFormData([...REGISTER_KINDS], locale)),
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const result = await completeProviderSignup(
    request,
    await readForm(request),
    locale,
    requestEvidence(request, context),
  )
  if (result.ok) return redirect(`/${locale}/account?welcome=1`, { headers: result.headers })
  return data(
    { ...result.failure, ...(await acceptanceFormData([...REGISTER_KINDS], locale)) },
    { status: result.status },
  )
}

export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function CompleteProviderSignup() {
  const loaderData = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as (FormFailure & typeof loaderData) | undefined
  const { t } = useTranslation('account')
  const navigation = useNavigation()
  const { locale, provider, email } = loaderData
  return (
    <main id="main">
      <h1>{t('providers.completeTitle')}</h1>
      <p>{t('providers.completeLead', { provider })}</p>
      <p>{email ? t('providers.completeEmail', { provider, email }) : t('providers.completeNoEmail', { provider })}</p>
      <Form method="post" className="form" noValidate>
        <FormErrorSummary failure={actionData} />
        <input type="hidden" name="shownVersions" value={actionData?.shownVersions ?? loaderData.shownVersions} />
        <AcceptanceCheckboxes
          locale={locale}
          documents={actionData?.documents ?? loaderData.documents}
          errors={actionData?.fieldErrors ?? {}}
        />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('providers.completeSubmit')}
          </button>
        </p>
      </Form>
    </main>
  )
}
