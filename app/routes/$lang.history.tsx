import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { HistoryList } from '~/components/generation/history-list'
import { getDb } from '~/platform/db/client.server'
import { currentGenerator, listJobs, jobPageAction } from '~/generation/index.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { readForm } from '~/platform/read-form.server'

export const handle = { i18n: ['common', 'generate'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  // Nobody to show a history for: sign in, or start as a guest from the home page.
  if (!generator) throw redirect(`/${locale}/login?${new URLSearchParams({ redirectTo: `/${locale}/history` })}`)
  const search = new URL(request.url).searchParams
  const pageParam = Number(search.get('page') ?? '1')
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1
  const history = await listJobs(db, generator.owner, page)
  const t = getFixedT(locale, ['generate', 'common'])
  return data(
    {
      locale,
      ...history,
      deleted: search.get('deleted') === '1',
      title: `${t('history.title')} — ${t('common:siteName')}`,
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const form = await readForm(request)
  const outcome = await jobPageAction(request, form, String(form.get('jobId') ?? ''))
  if (outcome.ok) {
    const page = String(form.get('page') ?? '')
    const query = new URLSearchParams({ deleted: '1' })
    if (/^\d+$/.test(page) && page !== '1') query.set('page', page)
    throw redirect(`/${locale}/history?${query}`, 303)
  }
  return data(outcome.failure, { status: outcome.status })
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function History() {
  const { locale, jobs, page, pageCount, deleted } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation(['generate'])
  return (
    <main id="main" className="history-page">
      <h1>{t('history.title')}</h1>
      <p>{t('history.lead')}</p>
      {deleted && !actionData?.formError ? (
        <p className="notice" role="status">
          {t('history.deleted')}
        </p>
      ) : null}
      {actionData?.formError ? (
        <p className="form-error" role="alert">
          {t(actionData.formError)}
        </p>
      ) : null}
      <HistoryList
        locale={locale}
        jobs={jobs}
        page={page}
        pageCount={pageCount}
        deleteAction={(id) => `/${locale}/generations/${id}`}
      />
    </main>
  )
}
