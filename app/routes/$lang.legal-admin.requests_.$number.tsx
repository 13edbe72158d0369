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
import { FormErrorSummary } from '~/components/form-fields'
import { TimeLeft } from '~/components/request-deadline'
import { ChoiceFieldset, TextAreaField } from '~/components/request-fields'
import { getDb } from '~/db/client.server'
import { REQUEST_OUTCOMES } from '~/db/schema'
import { formatDate } from '~/i18n/format'
import { getFixedT } from '~/i18n/i18next.server'
import type { Locale } from '~/i18n/locales'
import { clientError } from '~/i18n/refusals.server'
import { routeLocale } from '~/i18n/route-locale'
import { requireLegalUser } from '~/legal-admin/access.server'
import { LEGAL_ADMIN_HEADERS, legalAdminMeta } from '~/legal-admin/page'
import { textField, type FormFailure } from '~/lib/form'
import { readForm } from '~/lib/read-form.server'
import { deadlineRule } from '~/privacy-requests/deadlines'
import { periodText, replyPeriodText } from '~/privacy-requests/deadline-text'
import { formatDay } from '~/privacy-requests/format-day'
import { completeFromForm, extendFromForm } from '~/privacy-requests/legal-actions.server'
import { getRequest, NOTE_MAX_LENGTH } from '~/privacy-requests/requests.server'
import stylesheet from '~/styles/privacy-requests.css?url'

export const handle = { i18n: ['common', 'account', 'privacy-request', 'legal-admin-requests'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }]

/** The request number of the address, or a 404 for anything that is not one. */
function requestNumber(params: { number?: string }, locale: Locale): number {
  const number = /^[1-9]\d{0,9}$/.test(params.number ?? '') ? Number(params.number) : NaN
  if (!Number.isSafeInteger(number)) throw clientError(locale, 404)
  return number
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const number = requestNumber(params, locale)
  const details = await getRequest(await getDb(), number)
  if (!details) throw clientError(locale, 404)
  const t = getFixedT(locale, ['legal-admin-requests', 'common'])
  const url = new URL(request.url)
  const done = url.searchParams.get('done')
  return data(
    {
      locale,
      title: `${t('detail.title', { number })} — ${t('common:siteName')}`,
      request: details,
      done: done === 'extended' || done === 'completed' ? done : null,
      mailFailed: url.searchParams.get('mail') === 'failed',
      noteMax: NOTE_MAX_LENGTH,
      outcomes: REQUEST_OUTCOMES,
    },
    { headers: LEGAL_ADMIN_HEADERS },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireLegalUser(request)
  const number = requestNumber(params, locale)
  const form = await readForm(request)
  const intent = textField(form, 'intent', 20)
  const db = await getDb()
  const result =
    intent === 'extend'
      ? await extendFromForm(db, number, form, user.id)
      : intent === 'complete'
        ? await completeFromForm(db, number, form, user.id)
        : null
  if (!result) throw clientError(locale, 400, { key: 'legal-admin-requests:errors.unknownAction' })
  if (result.ok) {
    const query = new URLSearchParams({ done: result.done, ...(result.mailed ? {} : { mail: 'failed' }) })
    return redirect(`/${locale}/legal-admin/requests/${number}?${query}`)
  }
  if (result.status === 404) throw clientError(locale, 404)
  return data(result.failure, { status: result.status, headers: LEGAL_ADMIN_HEADERS })
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  )
}

export default function RequestPage() {
  const { locale, request: r, done, mailFailed, noteMax, outcomes } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>() as FormFailure | undefined
  const { t } = useTranslation(['legal-admin-requests', 'privacy-request'])
  const navigation = useNavigation()
  const when = (instant: Date | string | null) => (instant ? formatDate(instant, locale, true) : '')
  const failed = (intent: string) => (failure?.values.intent === intent ? failure : undefined)
  const status = (s: string) => t(`privacy-request:statuses.${s}`)
  // The periods in words come from the same table as the due dates (deadlines.ts).
  const requestT = (key: string, options?: Record<string, unknown>) => t(`privacy-request:${key}`, options)
  const extension = deadlineRule(r.regime, r.kind).extension

  const identity = r.userId
    ? t('detail.identity.session', { id: r.userId })
    : r.status === 'awaiting-confirmation'
      ? t('detail.identity.unconfirmed')
      : r.accountWithEmail
        ? t('detail.identity.accountEmail', { id: r.accountWithEmail })
        : t('detail.identity.emailOnly')

  return (
    <main id="main">
      <p>
        <Link to={`/${locale}/legal-admin/requests`}>{t('detail.back')}</Link>
      </p>
      <h1>{t('detail.title', { number: r.number })}</h1>
      {done ? (
        <p className={mailFailed ? 'notice notice--warning' : 'notice'} role="status">
          {t(`done.${done}`)} {mailFailed ? t('done.mailFailed') : null}
        </p>
      ) : null}

      <dl className="request-facts">
        <Fact term={t('detail.facts.status')}>
          {status(r.status)}
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
        <Fact term={t('detail.facts.created')}>{when(r.createdAt)}</Fact>
        {r.receivedAt ? <Fact term={t('detail.facts.received')}>{when(r.receivedAt)}</Fact> : null}
        {r.dueOn ? <Fact term={t('detail.facts.due')}>{formatDay(r.dueOn, locale)}</Fact> : null}
        {r.extendedAt && r.originalDueOn ? (
          <>
            <Fact term={t('detail.facts.originalDue')}>{formatDay(r.originalDueOn, locale)}</Fact>
            <Fact term={t('detail.facts.extended')}>{when(r.extendedAt)}</Fact>
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
            <Fact term={t('detail.facts.completed')}>{when(r.completedAt)}</Fact>
            <Fact term={t('detail.facts.completionNote')}>{r.completionNote ?? t('detail.noDetails')}</Fact>
          </>
        ) : null}
      </dl>

      {r.status === 'open' ? (
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
      ) : null}

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
            {r.events.map((event, index) => (
              <tr key={index}>
                <td>{when(event.at)}</td>
                <th scope="row">{t(`detail.actions.${event.action}`, { defaultValue: event.action })}</th>
                <td>
                  {event.fromStatus && event.fromStatus !== event.toStatus
                    ? t('detail.statusChange', { from: status(event.fromStatus), to: status(event.toStatus) })
                    : status(event.toStatus)}
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
    </main>
  )
}
