import { Form, Link, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormErrorSummary, TextField } from '~/components/form-fields'
import { ChoiceFieldset } from '~/components/request-fields'
import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'
import type { FormFailure } from '~/platform/form'
import type { CalendarEntry } from '~/privacy-requests/index.server'
import { formatDay } from '~/privacy-requests'

// The year's table and the day form of the legal team's working-day calendar.

/** One year's exceptions, each with links to change or remove it. */
export function CalendarTable({ entries, year, locale }: { entries: CalendarEntry[]; year: number; locale: Locale }) {
  const { t } = useTranslation('legal-admin-requests')
  const calendarPath = `/${locale}/legal-admin/calendar`
  return (
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
  )
}

/** The form that adds a day or changes one: filled from `values`, with the refused save's errors. */
export function CalendarDayForm({
  values,
  kinds,
  failure,
}: {
  values: Record<string, string>
  kinds: readonly string[]
  failure: FormFailure | undefined
}) {
  const { t } = useTranslation('legal-admin-requests')
  const navigation = useNavigation()
  return (
    <Form method="post" className="form" noValidate>
      <FormErrorSummary failure={failure} />
      <input type="hidden" name="intent" value="save" />
      <TextField
        name="day"
        label={t('calendar.day')}
        hint={t('calendar.dayHint')}
        defaultValue={values.day}
        error={failure?.fieldErrors.day}
      />
      <ChoiceFieldset
        name="kind"
        legend={t('calendar.kind')}
        choices={kinds.map((kind) => ({ value: kind, label: t(`calendar.kinds.${kind}`) }))}
        defaultValue={values.kind}
        error={failure?.fieldErrors.kind}
      />
      <TextField
        name="note"
        label={t('calendar.note')}
        hint={t('calendar.noteHint')}
        defaultValue={values.note}
        error={failure?.fieldErrors.note}
      />
      <p>
        <button type="submit" disabled={navigation.state === 'submitting'}>
          {t('calendar.submit')}
        </button>
      </p>
    </Form>
  )
}
