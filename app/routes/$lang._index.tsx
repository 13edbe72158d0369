import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useFetcher, useLoaderData, useActionData, useNavigation, useRevalidator } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { GenerationForm, type GenerationFormFailure } from '~/components/generation/generation-form'
import { JobCard } from '~/components/generation/job-card'
import { balanceOf } from '~/credits/ledger.server'
import { rememberedGenerationSettings, rememberGenerationSettings } from '~/cookie-consent/preferences.server'
import { getDb } from '~/db/client.server'
import { getEnv } from '~/env.server'
import { getEngine } from '~/generation/engines/index.server'
import { currentGenerator, findJob } from '~/generation/jobs.server'
import { isAspectRatio, isStyle, type AspectRatio, type Style } from '~/generation/options'
import { submitGeneration } from '~/generation/submit.server'
import { useCancelJob, useJobStatus } from '~/generation/use-job-status'
import { isFinished, type JobStatusResponse } from '~/generation/view'
import { getFixedT } from '~/i18n/i18next.server'
import { routeLocale } from '~/i18n/route-locale'
import { keepRetryAfter, type FormFailure } from '~/lib/form'
import { DOCUMENT_KINDS } from '~/legal/kinds'

export const handle = { i18n: ['common', 'home', 'generate'] }

type Defaults = { prompt?: string; style?: Style; aspectRatio?: AspectRatio; count?: number }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, 'home')
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  // "Again with the same settings": the form starts from one of the person's own generations.
  const againId = new URL(request.url).searchParams.get('again')
  let defaults: Defaults | undefined
  if (generator && againId) {
    const job = await findJob(db, againId, generator.owner)
    if (job) {
      defaults = {
        prompt: job.prompt,
        style: isStyle(job.style) ? job.style : undefined,
        aspectRatio: isAspectRatio(job.aspectRatio) ? job.aspectRatio : undefined,
        count: job.count,
      }
    }
  }
  // Otherwise, with the person's consent to preferences, the settings they used last.
  defaults ??= (await rememberedGenerationSettings(request, locale)) ?? undefined
  return {
    locale,
    title: t('title'),
    description: t('description'),
    guestCredits: getEnv().GUEST_FREE_CREDITS,
    engineKind: getEngine().kind,
    balance: generator ? await balanceOf(db, generator.owner) : null,
    viewer: generator ? (generator.userId ? ('user' as const) : ('guest' as const)) : null,
    defaults,
  }
}

type ActionData = ({ ok: true } & JobStatusResponse) | { ok: false; failure: FormFailure; needsSession?: boolean }

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  // With JavaScript the form is sent by a fetcher that stays on the page (inline=1);
  // without it, a successful submission goes on to the job's own page.
  const inline = new URL(request.url).searchParams.get('inline') === '1'
  const clientIp = (context as { clientIp?: string | null }).clientIp ?? null
  const outcome = await submitGeneration(request, locale, clientIp)
  if (outcome.ok) {
    const { style, aspectRatio, count } = outcome.job
    const remembered = await rememberGenerationSettings(request, locale, { style, aspectRatio, count })
    const headers = new Headers(remembered ? { 'Set-Cookie': remembered } : undefined)
    if (!inline) throw redirect(`/${locale}/generations/${outcome.job.id}`, { status: 303, headers })
    return data<ActionData>({ ok: true, job: outcome.job, balance: outcome.balance }, { status: 202, headers })
  }
  if ('needsSession' in outcome && !inline) throw redirect(`/${locale}/guest`, 303)
  const headers = new Headers()
  if ('retryAfter' in outcome && outcome.retryAfter) headers.set('Retry-After', String(outcome.retryAfter))
  // A refused upload is left unread: closing the connection lets the client see the answer instead of a reset.
  if ('unreadBody' in outcome && outcome.unreadBody) headers.set('Connection', 'close')
  return data<ActionData>(
    { ok: false, failure: outcome.failure, needsSession: 'needsSession' in outcome },
    { status: outcome.status, headers },
  )
}

export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'description', content: data.description }] : []

function failureOf(result: ActionData | undefined): GenerationFormFailure | null {
  return result && !result.ok ? result.failure : null
}

function valuesOf(result: ActionData | undefined): Defaults | undefined {
  if (!result || result.ok) return undefined
  const v = result.failure.values
  if (!v.prompt && !v.style) return undefined
  return {
    prompt: v.prompt,
    style: isStyle(v.style) ? v.style : undefined,
    aspectRatio: isAspectRatio(v.aspectRatio) ? v.aspectRatio : undefined,
    count: v.count ? Number(v.count) : undefined,
  }
}

function CurrentJob({ initial }: { initial: JobStatusResponse }) {
  const { i18n } = useTranslation()
  const locale = i18n.language === 'en' ? 'en' : 'ru'
  const status = useJobStatus(initial.job.id, initial)
  const cancel = useCancelJob()
  const revalidator = useRevalidator()
  const job = status.data?.job ?? initial.job
  const finished = isFinished(job.status)
  const revalidated = useRef(false)
  // When the job ends, the header's balance catches up (a refund may have come back).
  useEffect(() => {
    if (finished && !revalidated.current) {
      revalidated.current = true
      revalidator.revalidate()
    }
  }, [finished, revalidator])
  return (
    <JobCard
      job={job}
      locale={locale}
      onCancel={() => cancel.mutate(job.id)}
      busy={cancel.isPending}
      againHref={`/${locale}?again=${job.id}#generate`}
    />
  )
}

export default function Home() {
  const { locale, guestCredits, engineKind, balance, defaults, viewer } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const fetcher = useFetcher<ActionData>()
  const navigation = useNavigation()
  const { t } = useTranslation(['home', 'common', 'generate'])
  const result = fetcher.data ?? actionData
  const busy = fetcher.state !== 'idle' || navigation.state === 'submitting'
  const current = fetcher.data?.ok ? fetcher.data : null
  return (
    <main id="main" className="home">
      <section className="hero hero--compact">
        <h1>{t('heroTitle')}</h1>
        <p className="hero__lead">{t('heroLead')}</p>
      </section>
      <section id="generate" aria-labelledby="generate-heading" className="generate">
        <h2 id="generate-heading" className="visually-hidden">
          {t('generate:form.heading')}
        </h2>
        <GenerationForm
          key={defaults?.prompt ?? 'new'}
          locale={locale}
          action={`/${locale}?index`}
          balance={current ? current.balance : balance}
          guestFreeCredits={guestCredits}
          engineKind={engineKind}
          viewerKind={viewer}
          buyHref={`/${locale}/pricing`}
          defaults={valuesOf(result) ?? defaults}
          failure={failureOf(result)}
          busy={busy}
          onSubmit={(form, event) => {
            event.preventDefault()
            fetcher.submit(new FormData(form), {
              method: 'post',
              action: `/${locale}?index&inline=1`,
              encType: 'multipart/form-data',
            })
          }}
        />
        {current ? <CurrentJob key={current.job.id} initial={current} /> : null}
        {balance !== null ? (
          <p className="generate__history-link">
            <Link to={`/${locale}/history`}>{t('generate:history.open')}</Link>
          </p>
        ) : null}
      </section>
      <section aria-labelledby="features-heading" className="features">
        <h2 id="features-heading">{t('featuresHeading')}</h2>
        <ul className="features__list">
          {(['pricing', 'privacy', 'rules'] as const).map((feature) => (
            <li key={feature} className="card">
              <h3>{t(`features.${feature}Title`)}</h3>
              <p>{t(`features.${feature}Text`)}</p>
            </li>
          ))}
        </ul>
      </section>
      <section id="documents" aria-labelledby="documents-heading" className="documents">
        <h2 id="documents-heading">{t('documentsHeading')}</h2>
        <p>{t('documentsLead')}</p>
        <ul className="documents__list">
          {DOCUMENT_KINDS.map((kind) => (
            <li key={kind}>
              <Link to={`/${locale}/${kind}`}>{t(`common:documentKinds.${kind}`)}</Link>
            </li>
          ))}
        </ul>
      </section>
    </main>
  )
}
