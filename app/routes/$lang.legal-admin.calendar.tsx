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
import { FormErrorSummary, TextField } from '~/components/form-fields'
import { ChoiceFieldset } from '~/components/request-fields'
import { getDb } from '~/db/client.server'
import { CALENDAR_DAY_KINDS } from '~/db/schema'
import { formatDate } from '~/i18n/format'
import { getFixedT } from '~/i18n/i18next.server'
import { routeLocale } from '~/i18n/route-locale'
import { requireLegalUser } from '~/legal-admin/access.server'
import { LEGAL_ADMIN_HEADERS, legalAdminMeta } from '~/legal-admin/page'
import { textField, type FormFailure } from '~/lib/form'
import { readForm } from '~/lib/read-form.server'
import {
  isCalendarYear,
  listCalendarYear,
  removeCalendarDay,
  saveCalendarDay,
} from '~/privacy-requests/calendar.server'
import { formatDay } from '~/privacy-requests/format-day'
import { isCalendarDate, moscowDay } from '~/privacy-requests/working-days'
import stylesheet from '~/styles/privacy-requests.css?url'

export const handle = { i18n: ['common', 'account', 'legal-admin-requests'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const t = getFixedT(locale, ['legal-admin-requests', 'common'])
  const url = new URL(request.url)
  const asked = url.searchParams.get('year')
  const year = asked === null ? Number(moscowDay(new Date()).slice(0, 4)) : Number(asked)
  if (!/^\d{4}$/.test(asked ?? String(year)) || !isCalendarYear(year)) {
    throw data(t('calendar.errors.year'), { status: 400 })
  }
  const entries = await listCalendarYear(await getDb(), year)
  const dayParam = (name: string) => {
    const day = url.searchParams.get(name)
    return day && isCalendarDate(day) ? day : null
  }
  const editing = entries.find((e) => e.day === dayParam('edit')) ?? null
  return data(
    {
      locale,
      title: `${t('calendar.title')} — ${t('common:siteName')}`,
      year,
      entries,
      editing: editing ? { day: editing.day, kind: editing.kind, note: editing.note } : null,
      previousYear: isCalendarYear(year - 1) ? year - 1 : null,
      nextYear: isCalendarYear(year + 1) ? year + 1 : null,
      kinds: CALENDAR_DAY_KINDS,
      saved: dayParam('saved'),
      removed: dayParam('removed'),
    },
    { headers: LEGAL_ADMIN_HEADERS },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireLegalUser(request)
  const form = await readForm(request)
  const intent = textField(form, 'intent', 20)
  const db = await getDb()
  const result =
    intent === 'save'
      ? await saveCalendarDay(db, form, user.id)
      : intent === 'remove'
        ? await removeCalendarDay(db, form, user.id)
        : null
  if (!result) {
    throw data(getFixedT(locale, 'legal-admin-requests')('errors.unknownAction'), { status: 400 })
  }
  if (result.ok) {
    const done = intent === 'save' ? 'saved' : 'removed'
    return redirect(
      `/${locale}/legal-admin/calendar?${new URLSearchParams({ year: result.day.slice(0, 4), [done]: result.day })}`,
    )
  }
  return data({ ...result.failure, intent }, { status: result.status, headers: LEGAL_ADMIN_HEADERS })
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

export default function WorkingDayCalendar() {
  const { locale, year, previousYear, nextYear, kinds, entries, editing, saved, removed } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as (FormFailure & { intent: string }) | undefined
  const { t } = useTranslation('legal-admin-requests')
  const navigation = useNavigation()
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
        <div className="table-wrap">
          <table aria-labelledby="calendar-heading">
            <thead>
              <tr>
                <th scope="col">{t('calendar.columns.day')}</th>
                <th scope="col">{t('calendar.columns.kind')}</th>
                <th scope="col">{t('calendar.columns.note')}</th>
                <th scope="col">{t('calendar.columns.changed')}</th>
                <th scope="col">{t('calendar.columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const date = formatDay(entry.day, locale)
                const changed = formatDate(entry.updatedAt, locale)
                return (
                  <tr key={entry.day}>
                    <th scope="row">
                      <time dateTime={entry.day}>{date}</time>
                    </th>
                    <td>{t(`calendar.kinds.${entry.kind}`)}</td>
                    <td>{entry.note}</td>
                    <td>
                      {entry.updatedByEmail
                        ? t('calendar.changedBy', { date: changed, who: entry.updatedByEmail })
                        : t('calendar.seeded', { date: changed })}
                    </td>
                    <td>
                      <Link to={`${calendarPath}?year=${year}&edit=${entry.day}#calendar-form-heading`}>
                        {t('calendar.change')}
                        <span className="visually-hidden"> {date}</span>
                      </Link>{' '}
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="remove" />
                        <input type="hidden" name="day" value={entry.day} />
                        <button type="submit" className="link-button">
                          {t('calendar.remove')}
                          <span className="visually-hidden"> {date}</span>
                        </button>
                      </Form>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="calendar-form-heading">{t('calendar.formHeading')}</h2>
      <p>{t('calendar.formLead')}</p>
      {/* Keyed so that "Change" on another row refills the fields. */}
      <Form method="post" className="form" noValidate key={editing?.day ?? 'new'}>
        <FormErrorSummary failure={saveFailure} />
        <input type="hidden" name="intent" value="save" />
        <TextField
          name="day"
          label={t('calendar.day')}
          hint={t('calendar.dayHint')}
          defaultValue={values.day}
          error={saveFailure?.fieldErrors.day}
        />
        <ChoiceFieldset
          name="kind"
          legend={t('calendar.kind')}
          choices={kinds.map((kind) => ({ value: kind, label: t(`calendar.kinds.${kind}`) }))}
          defaultValue={values.kind}
          error={saveFailure?.fieldErrors.kind}
        />
        <TextField
          name="note"
          label={t('calendar.note')}
          hint={t('calendar.noteHint')}
          defaultValue={values.note}
          error={saveFailure?.fieldErrors.note}
        />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('calendar.submit')}
          </button>
        </p>
      </Form>
    </main>
  )
}
