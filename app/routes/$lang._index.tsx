import {
  data,
  redirect,
  type ActionFunctionArgs,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CurrentJob } from '~/components/generation/current-job'
import { GenerationForm } from '~/components/generation/generation-form'
import { failureOf, valuesOf, type HomeActionData } from '~/flows/pages'
import { homePage, submitFromHome } from '~/flows/pages/index.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { keepRetryAfter } from '~/platform/form'
import { DOCUMENT_KINDS } from '~/platform/document-kinds'

export const handle = { i18n: ['common', 'home', 'generate'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  return homePage(request, locale, new URL(request.url).searchParams.get('again'))
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const inline = new URL(request.url).searchParams.get('inline') === '1'
  const clientIp = (context as { clientIp?: string | null }).clientIp ?? null
  const outcome = await submitFromHome(request, locale, clientIp, inline)
  if (outcome.kind === 'redirect') throw redirect(outcome.location, { status: 303, headers: outcome.headers })
  return data<HomeActionData>(outcome.body, { status: outcome.status, headers: outcome.headers })
}

export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'description', content: data.description }] : []

export default function Home() {
  const { locale, guestCredits, engineKind, balance, defaults, viewer } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as HomeActionData | undefined
  const fetcher = useFetcher<HomeActionData>()
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
