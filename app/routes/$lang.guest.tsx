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
import { acceptanceFormData, acceptanceHistory } from '~/acceptances/index.server'
import { GUEST_KINDS, startGuestSession } from '~/flows/account/index.server'
import { getSessionUser, getGuest } from '~/identity/index.server'
import { AcceptanceCheckboxes } from '~/components/acceptance-checkboxes'
import { AcceptanceHistory, toHistoryRow } from '~/components/acceptance-history'
import { FormErrorSummary } from '~/components/form-fields'
import { getDb } from '~/platform/db/client.server'
import { getEnv } from '~/platform/env.server'
import { formatDate } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requestEvidence } from '~/load-context'
import { readForm } from '~/platform/read-form.server'

export const handle = { i18n: ['common', 'account', 'auth'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  if (await getSessionUser(request)) throw redirect(`/${locale}/account`)
  const t = getFixedT(locale, ['account', 'common'])
  const db = await getDb()
  const guest = await getGuest(db, request)
  return {
    locale,
    title: `${t('guest.title')} — ${t('common:siteName')}`,
    credits: getEnv().GUEST_FREE_CREDITS,
    guest: guest ? { since: guest.createdAt.toISOString() } : null,
    history: guest ? (await acceptanceHistory(db, { guestId: guest.id })).map(toHistoryRow) : [],
    ...(await acceptanceFormData([...GUEST_KINDS], locale)),
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const result = await startGuestSession(await readForm(request), locale, requestEvidence(request, context))
  if (result.ok) return redirect(`/${locale}/guest`, { headers: result.headers })
  return data(
    { ...result.failure, ...(await acceptanceFormData([...GUEST_KINDS], locale)) },
    { status: result.status, headers: result.headers },
  )
}

export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function Guest() {
  const loaderData = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as (FormFailure & typeof loaderData) | undefined
  const { t } = useTranslation(['account', 'common'])
  const navigation = useNavigation()
  const { locale, guest } = loaderData
  if (guest) {
    return (
      <main id="main">
        <h1>{t('guest.title')}</h1>
        <p>{t('guest.already', { date: formatDate(guest.since, locale) })}</p>
        <p>
          <Link className="button-link" to={`/${locale}#generate`}>
            {t('guest.startCreating')}
          </Link>
        </p>
        <p>
          <Link to={`/${locale}/register`}>{t('guest.registerCta')}</Link>
        </p>
        <h2>{t('guest.history')}</h2>
        <AcceptanceHistory locale={locale} rows={loaderData.history} />
      </main>
    )
  }
  return (
    <main id="main">
      <h1>{t('guest.title')}</h1>
      <p>{t('guest.lead', { credits: t('common:credits', { count: loaderData.credits }) })}</p>
      <h2>{t('guest.whatItMeans')}</h2>
      <ul>
        <li>{t('guest.point1')}</li>
        <li>{t('guest.point2')}</li>
        <li>{t('guest.point3')}</li>
      </ul>
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
            {t('guest.submit')}
          </button>
        </p>
      </Form>
    </main>
  )
}
