import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useRevalidator } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { JobCard } from '~/components/generation/job-card'
import { getDb } from '~/platform/db/client.server'
import { currentGenerator, jobStatus, jobPageAction } from '~/generation/index.server'
import { useCancelJob, useJobStatus, isFinished } from '~/generation'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { readForm } from '~/platform/read-form.server'
import { clientError } from '~/platform/i18n/client-errors.server'

export const handle = { i18n: ['common', 'generate'] }

/** How often the page reloads itself without JavaScript while the job runs. */
const NO_SCRIPT_REFRESH_SECONDS = 2

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  const status = generator ? await jobStatus(db, params.id ?? '', generator.owner) : null
  // Someone else's job, a deleted one and a made-up id look the same.
  if (!status) throw clientError(locale, 404)
  const t = getFixedT(locale, ['generate', 'common'])
  // The history's delete link without JavaScript comes here first: the deletion is confirmed on this page.
  const confirmDelete = new URL(request.url).searchParams.get('confirm') === 'delete'
  const heading = confirmDelete ? t('history.confirmTitle') : t('results.pageTitle')
  return data(
    { locale, status, confirmDelete, title: `${heading} — ${t('common:siteName')}` },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const outcome = await jobPageAction(request, await readForm(request), params.id ?? '')
  if (outcome.ok && outcome.intent === 'delete') throw redirect(`/${locale}/history?deleted=1`, 303)
  if (outcome.ok) throw redirect(`/${locale}/generations/${params.id}`, 303)
  return data(outcome.failure, { status: outcome.status })
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'robots', content: 'noindex' }] : []

export default function GenerationPage() {
  const { locale, status, confirmDelete } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation(['generate', 'common'])
  const query = useJobStatus(status.job.id, status)
  const cancel = useCancelJob()
  const revalidator = useRevalidator()
  const job = query.data?.job ?? status.job
  const finished = isFinished(job.status)
  const wasRunning = useRef(!isFinished(status.job.status))
  useEffect(() => {
    if (finished && wasRunning.current) {
      wasRunning.current = false
      revalidator.revalidate()
    }
  }, [finished, revalidator])
  return (
    <main id="main" className="generation-page">
      <h1>{confirmDelete ? t('history.confirmTitle') : t('results.pageTitle')}</h1>
      {actionData?.formError ? (
        <p className="form-error" role="alert">
          {t(actionData.formError)}
        </p>
      ) : null}
      {confirmDelete ? (
        <Form method="post" action={`/${locale}/generations/${job.id}`} className="delete-confirm">
          <p>{t('history.confirmDelete')}</p>
          <input type="hidden" name="intent" value="delete" />
          <p className="delete-confirm__actions">
            <button type="submit" className="button button--danger">
              {t('history.confirmYes')}
            </button>
            <Link className="button button--secondary" to={`/${locale}/history`}>
              {t('history.confirmNo')}
            </Link>
          </p>
        </Form>
      ) : null}
      <JobCard
        job={job}
        locale={locale}
        cancelAction={`/${locale}/generations/${job.id}`}
        onCancel={() => cancel.mutate(job.id)}
        busy={cancel.isPending}
        againHref={`/${locale}?again=${job.id}#generate`}
      />
      {!isFinished(status.job.status) ? (
        <>
          {/* Without JavaScript the page reloads itself until the job is done; with it, the status is polled. */}
          <noscript>
            <meta httpEquiv="refresh" content={String(NO_SCRIPT_REFRESH_SECONDS)} />
            <p className="notice">{t('results.refreshing')}</p>
          </noscript>
        </>
      ) : null}
    </main>
  )
}
