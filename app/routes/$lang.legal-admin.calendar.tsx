import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormErrorSummary } from '~/components/form-fields'
import { CalendarDayForm, CalendarTable } from '~/components/working-day-calendar'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requireLegalUser, calendarPage, changeCalendar } from '~/flows/legal-admin/index.server'
import { LEGAL_ADMIN_HEADERS, legalAdminMeta } from '~/flows/legal-admin'
import type { FormFailure } from '~/platform/form'
import { readForm } from '~/platform/read-form.server'
import { formatDay } from '~/privacy-requests'
import stylesheet from '~/styles/privacy-requests.css?url'

export const handle = { i18n: ['common', 'account', 'legal-admin-requests'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const result = await calendarPage(locale, new URL(request.url).searchParams)
  if (!result.ok) throw data(result.message, { status: 400 })
  return data(result.page, { headers: LEGAL_ADMIN_HEADERS })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireLegalUser(request)
  const outcome = await changeCalendar(locale, await readForm(request), user.id)
  switch (outcome.kind) {
    case 'done':
      return redirect(outcome.location)
    case 'unknown-action':
      throw data(outcome.message, { status: 400 })
    case 'refused':
      return data(outcome.failure, { status: outcome.status, headers: LEGAL_ADMIN_HEADERS })
  }
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

export default function WorkingDayCalendar() {
  const { locale, year, previousYear, nextYear, kinds, entries, editing, saved, removed } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as (FormFailure & { intent: string }) | undefined
  const { t } = useTranslation('legal-admin-requests')
  const saveFailure = actionData?.intent === 'save' ? actionData : undefined
  const removeFailure = actionData?.intent === 'remove' ? actionData : undefined
  const values = saveFailure?.values ?? editing ?? { day: '', kind: '', note: '' }
  const calendarPath = `/${locale}/legal-admin/calendar`

  return (
    <main id="main">
      <h1>{t('calendar.title')}</h1>
      <p>{t('calendar.lead')}</p>
      <p>{t('calendar.effect')}</p>
      {saved ? (
        <p className="notice" role="status">
          {t('calendar.saved', { date: formatDay(saved, locale) })}
        </p>
      ) : null}
      {removed ? (
        <p className="notice" role="status">
          {t('calendar.removed', { date: formatDay(removed, locale) })}
        </p>
      ) : null}
      <FormErrorSummary failure={removeFailure} />

      <nav aria-label={t('calendar.yearNav')} className="calendar-controls">
        {previousYear ? (
          <Link to={`${calendarPath}?year=${previousYear}`}>{t('calendar.previous', { year: previousYear })}</Link>
        ) : null}
        {nextYear ? (
          <Link to={`${calendarPath}?year=${nextYear}`}>{t('calendar.next', { year: nextYear })}</Link>
        ) : null}
      </nav>

      <h2 id="calendar-heading">{t('calendar.caption', { year })}</h2>
      {entries.length === 0 ? (
        <p>{t('calendar.empty', { year })}</p>
      ) : (
        <CalendarTable entries={entries} year={year} locale={locale} />
      )}

      <h2 id="calendar-form-heading">{t('calendar.formHeading')}</h2>
      <p>{t('calendar.formLead')}</p>
      {/* Keyed so that "Change" on another row refills the fields. */}
      <CalendarDayForm key={editing?.day ?? 'new'} values={values} kinds={kinds} failure={saveFailure} />
    </main>
  )
}
