import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getSessionUser, readGuestId } from '~/identity/index.server'
import { FormErrorSummary, TextField } from '~/components/form-fields'
import { ChoiceFieldset, TextAreaField } from '~/components/request-fields'
import { REQUEST_KINDS, REQUEST_REGIMES, replyPeriodText } from '~/privacy-requests'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { keepRetryAfter, type FormFailure } from '~/platform/form'
import { readForm } from '~/platform/read-form.server'
import { requestEvidence } from '~/load-context'
import { DETAILS_MAX_LENGTH, formIdentity, submitRequestForm } from '~/privacy-requests/index.server'
import stylesheet from '~/styles/privacy-requests.css?url'

export const handle = { i18n: ['common', 'account', 'auth', 'privacy-request'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }]

// The page depends on who is signed in: never shared by a cache.
const PRIVATE_PAGE = { 'Cache-Control': 'private, no-store' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['privacy-request', 'common'])
  const session = await getSessionUser(request)
  return data(
    {
      locale,
      title: `${t('form.title')} — ${t('common:siteName')}`,
      identity: formIdentity(session?.user),
      guest: !session && (await readGuestId(request)) !== null,
      detailsMax: DETAILS_MAX_LENGTH,
      kinds: REQUEST_KINDS,
      regimes: REQUEST_REGIMES,
    },
    { headers: PRIVATE_PAGE },
  )
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const form = await readForm(request)
  const session = await getSessionUser(request)
  const result = await submitRequestForm(
    request,
    form,
    locale,
    session?.user ?? null,
    requestEvidence(request, context),
  )
  // Redirect after POST: a reload does not file the request twice.
  if (result.ok) return redirect(result.redirectTo)
  return data(result.failure, { status: result.status, headers: result.headers })
}

// Without JavaScript the page is the response to the POST: keep the 429's Retry-After.
export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function PrivacyRequestForm() {
  const { locale, identity, guest, detailsMax, kinds, regimes } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>() as FormFailure | undefined
  const { t } = useTranslation('privacy-request')
  const navigation = useNavigation()
  const values = failure?.values ?? {}
  const errors = failure?.fieldErrors ?? {}

  return (
    <main id="main">
      <h1>{t('form.title')}</h1>
      <p>{t('form.lead')}</p>
      {identity.kind === 'account' ? (
        <p>
          {t('form.selfService')} <Link to={`/${locale}/account/export`}>{t('form.selfExport')}</Link>,{' '}
          <Link to={`/${locale}/account/delete`}>{t('form.selfDelete')}</Link>.
        </p>
      ) : null}
      <Form method="post" className="form" noValidate>
        <FormErrorSummary failure={failure} />
        {identity.kind === 'account' ? (
          <p className="notice">{t('form.identifiedAs', { email: identity.email })}</p>
        ) : null}
        {identity.kind === 'account-without-email' ? <p className="notice">{t('form.noAccountEmail')}</p> : null}
        {guest ? <p className="notice">{t('form.guest')}</p> : null}

        <ChoiceFieldset
          name="kind"
          legend={t('form.kindLegend')}
          choices={kinds.map((kind) => ({
            value: kind,
            label: t(`kinds.${kind}`),
            hint: `${t(`kindHints.${kind}`)} ${t('form.kindDeadline', {
              ru: replyPeriodText(t, 'ru', kind),
              gdpr: replyPeriodText(t, 'gdpr', kind),
            })}`,
          }))}
          defaultValue={values.kind}
          error={errors.kind}
        />
        <ChoiceFieldset
          name="regime"
          legend={t('form.regimeLegend')}
          choices={regimes.map((regime) => ({
            value: regime,
            label: t(`regimes.${regime}`),
            hint: t(`regimeHints.${regime}`),
          }))}
          defaultValue={values.regime ?? 'ru'}
          error={errors.regime}
        />
        <TextAreaField
          name="details"
          label={t('form.details')}
          hint={t('form.detailsHint', { max: detailsMax })}
          maxLength={detailsMax}
          defaultValue={values.details}
          error={errors.details}
          errorParams={{ max: detailsMax }}
        />

        {identity.kind === 'account' ? null : (
          <TextField
            name="email"
            type="email"
            label={t('form.email')}
            hint={t('form.emailHint')}
            autoComplete="email"
            defaultValue={values.email}
            error={errors.email}
          />
        )}

        <p className="field__hint">{t('form.dataUse')}</p>
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('form.submit')}
          </button>
        </p>
      </Form>
      <p>
        <Link to={`/${locale}/privacy`}>{t('form.policyLink')}</Link>
      </p>
    </main>
  )
}
