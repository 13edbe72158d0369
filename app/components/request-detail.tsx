import { Form, useNavigation } from '@remix-run/react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { FormErrorSummary } from '~/components/form-fields'
import { TimeLeft } from '~/components/request-deadline'
import { ChoiceFieldset, TextAreaField } from '~/components/request-fields'
import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'
import type { FormFailure } from '~/platform/form'
import { deadlineRule, periodText, replyPeriodText, formatDay } from '~/privacy-requests'
import type { RequestDetails } from '~/privacy-requests/index.server'

// The three parts of the legal team's page for one data-subject request:
// its facts, the steps still open, and its history.

const NAMESPACES = ['legal-admin-requests', 'privacy-request']

function when(instant: Date | string | null, locale: Locale) {
  return instant ? formatDate(instant, locale, true) : ''
}

function statusName(t: TFunction, status: string) {
  return t(`privacy-request:statuses.${status}`)
}

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  )
}

export function RequestFacts({ request: r, locale }: { request: RequestDetails; locale: Locale }) {
  const { t } = useTranslation(NAMESPACES)
  // The periods in words come from the same table as the due dates (deadlines.ts).
  const requestT = (key: string, options?: Record<string, unknown>) => t(`privacy-request:${key}`, options)
  const identity = r.userId
    ? t('detail.identity.session', { id: r.userId })
    : r.status === 'awaiting-confirmation'
      ? t('detail.identity.unconfirmed')
      : r.accountWithEmail
        ? t('detail.identity.accountEmail', { id: r.accountWithEmail })
        : t('detail.identity.emailOnly')

  return (
    <dl className="request-facts">
      <Fact term={t('detail.facts.status')}>
        {statusName(t, r.status)}
        {r.status === 'open' ? (
          <>
            {' · '}
            <TimeLeft daysLeft={r.daysLeft} overdue={r.overdue} />
          </>
        ) : null}
      </Fact>
      <Fact term={t('detail.facts.kind')}>{t(`privacy-request:kinds.${r.kind}`)}</Fact>
      <Fact term={t('detail.facts.regime')}>{t(`privacy-request:regimes.${r.regime}`)}</Fact>
      <Fact term={t('detail.facts.period')}>{replyPeriodText(requestT, r.regime, r.kind)}</Fact>
      <Fact term={t('detail.facts.created')}>{when(r.createdAt, locale)}</Fact>
      {r.receivedAt ? <Fact term={t('detail.facts.received')}>{when(r.receivedAt, locale)}</Fact> : null}
      {r.dueOn ? <Fact term={t('detail.facts.due')}>{formatDay(r.dueOn, locale)}</Fact> : null}
      {r.extendedAt && r.originalDueOn ? (
        <>
          <Fact term={t('detail.facts.originalDue')}>{formatDay(r.originalDueOn, locale)}</Fact>
          <Fact term={t('detail.facts.extended')}>{when(r.extendedAt, locale)}</Fact>
          <Fact term={t('detail.facts.extensionReason')}>{r.extensionReason}</Fact>
        </>
      ) : null}
      <Fact term={t('detail.facts.email')}>{r.email}</Fact>
      <Fact term={t('detail.facts.identity')}>{identity}</Fact>
      {r.guestId ? <Fact term={t('detail.facts.guest')}>{t('detail.guest', { id: r.guestId })}</Fact> : null}
      <Fact term={t('detail.facts.language')}>{t(`detail.languages.${r.locale}`)}</Fact>
      <Fact term={t('detail.facts.details')}>{r.details || t('detail.noDetails')}</Fact>
      {r.status === 'completed' ? (
        <>
          <Fact term={t('detail.facts.outcome')}>{r.outcome ? t(`privacy-request:outcomes.${r.outcome}`) : ''}</Fact>
          <Fact term={t('detail.facts.completed')}>{when(r.completedAt, locale)}</Fact>
          <Fact term={t('detail.facts.completionNote')}>{r.completionNote ?? t('detail.noDetails')}</Fact>
        </>
      ) : null}
    </dl>
  )
}

/** The extend and complete forms of an open request; `failure` is the last refused step's, named by its intent. */
export function RequestSteps({
  request: r,
  locale,
  failure,
  noteMax,
  outcomes,
}: {
  request: RequestDetails
  locale: Locale
  failure: FormFailure | undefined
  noteMax: number
  outcomes: readonly string[]
}) {
  const { t } = useTranslation(NAMESPACES)
  const navigation = useNavigation()
  const failed = (intent: string) => (failure?.values.intent === intent ? failure : undefined)
  const requestT = (key: string, options?: Record<string, unknown>) => t(`privacy-request:${key}`, options)
  const extension = deadlineRule(r.regime, r.kind).extension

  return (
    <div className="request-actions">
      <section aria-labelledby="extend-heading">
        <h2 id="extend-heading">{t('extend.heading')}</h2>
        {r.extendBlocked ? (
          <p>
            {t(`extend.blocked.${r.extendBlocked}`, {
              date: r.originalDueOn ? formatDay(r.originalDueOn, locale) : '',
            })}
          </p>
        ) : (
          <Form method="post" className="form" noValidate>
            <p>
              {t('extend.lead', {
                original: formatDay(r.originalDueOn!, locale),
                until: formatDay(r.extensionWouldEndOn!, locale),
                extension: extension ? periodText(requestT, extension) : '',
              })}
            </p>
            <FormErrorSummary failure={failed('extend')} />
            <input type="hidden" name="intent" value="extend" />
            <TextAreaField
              name="reason"
              label={t('extend.reason')}
              hint={t('extend.reasonHint')}
              maxLength={noteMax}
              defaultValue={failed('extend')?.values.reason}
              error={failed('extend')?.fieldErrors.reason}
              required
            />
            <p>
              <button type="submit" disabled={navigation.state === 'submitting'}>
                {t('extend.submit', { date: formatDay(r.extensionWouldEndOn!, locale) })}
              </button>
            </p>
          </Form>
        )}
      </section>

      <section aria-labelledby="complete-heading">
        <h2 id="complete-heading">{t('complete.heading')}</h2>
        <Form method="post" className="form" noValidate>
          <FormErrorSummary failure={failed('complete')} />
          <input type="hidden" name="intent" value="complete" />
          <ChoiceFieldset
            name="outcome"
            legend={t('complete.outcome')}
            choices={outcomes.map((outcome) => ({
              value: outcome,
              label: t(`privacy-request:outcomes.${outcome}`),
            }))}
            defaultValue={failed('complete')?.values.outcome}
            error={failed('complete')?.fieldErrors.outcome}
          />
          <TextAreaField
            name="note"
            label={t('complete.note')}
            hint={t('complete.noteHint')}
            maxLength={noteMax}
            defaultValue={failed('complete')?.values.note}
            error={failed('complete')?.fieldErrors.note}
          />
          <p>
            <button type="submit" disabled={navigation.state === 'submitting'}>
              {t('complete.submit')}
            </button>
          </p>
        </Form>
      </section>
    </div>
  )
}

export function RequestHistory({ events, locale }: { events: RequestDetails['events']; locale: Locale }) {
  const { t } = useTranslation(NAMESPACES)
  return (
    <>
      <h2 id="history-heading">{t('detail.historyHeading')}</h2>
      <div className="table-wrap">
        <table aria-labelledby="history-heading">
          <caption className="visually-hidden">{t('detail.historyCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('detail.columns.at')}</th>
              <th scope="col">{t('detail.columns.action')}</th>
              <th scope="col">{t('detail.columns.status')}</th>
              <th scope="col">{t('detail.columns.actor')}</th>
              <th scope="col">{t('detail.columns.note')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event, index) => (
              <tr key={index}>
                <td>{when(event.at, locale)}</td>
                <th scope="row">{t(`detail.actions.${event.action}`, { defaultValue: event.action })}</th>
                <td>
                  {event.fromStatus && event.fromStatus !== event.toStatus
                    ? t('detail.statusChange', {
                        from: statusName(t, event.fromStatus),
                        to: statusName(t, event.toStatus),
                      })
                    : statusName(t, event.toStatus)}
                </td>
                <td>{event.actorEmail ?? event.actorUserId ?? t('detail.requesterOrSystem')}</td>
                <td>
                  {event.action === 'mailed' && event.note
                    ? t(`detail.mails.${event.note}`, { defaultValue: event.note })
                    : event.note}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}
