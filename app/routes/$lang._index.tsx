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
import { useEffect, useRef } from 'react'
import { ExampleGallery } from '~/components/generation/example-gallery'
import { GenerationForm } from '~/components/generation/generation-form'
import { ResultPanel } from '~/components/generation/result-panel'
import { CREDITS_PER_IMAGE, GALLERY_EXAMPLES } from '~/generation'
import { failureOf, valuesOf, type HomeActionData } from '~/flows/pages'
import { homePage, submitFromHome } from '~/flows/pages/index.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { keepRetryAfter } from '~/platform/form'
import { DOCUMENT_KINDS, type DocumentKind } from '~/platform/document-kinds'

export const handle = { i18n: ['common', 'home', 'generate'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  return homePage(request, routeLocale(params))
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

/** A phone, where the result panel sits below the form (the two columns start at 960px). */
const ONE_COLUMN = '(max-width: 959.98px)'

export default function Home() {
  const { locale, guestCredits, engineKind, engineTakesPhoto, balance, defaults, viewer } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as HomeActionData | undefined
  const fetcher = useFetcher<HomeActionData>()
  const navigation = useNavigation()
  const { t } = useTranslation(['home', 'common', 'generate'])
  const result = fetcher.data ?? actionData
  const busy = fetcher.state !== 'idle' || navigation.state === 'submitting'
  const current = fetcher.data?.ok ? fetcher.data : null
  const panel = useRef<HTMLElement>(null)
  const currentId = current?.job.id ?? null
  // A job just started: on a phone the panel below the form comes into view and takes focus, so the
  // status is heard and seen where the person looks; beside the form on a wide screen it already is.
  useEffect(() => {
    const element = panel.current
    if (!currentId || !element || !window.matchMedia(ONE_COLUMN).matches) return
    const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches
    element.scrollIntoView({ block: 'start', behavior: still ? 'auto' : 'smooth' })
    element.focus({ preventScroll: true })
  }, [currentId])
  const hero = engineKind === 'ai' ? 'ai.' : ''
  const credits = (count: number) => t('common:credits', { count })
  return (
    <main id="main" className="home">
      <section id="generate" aria-labelledby="hero-heading" className="studio">
        <div className="studio__intro">
          <h1 id="hero-heading" className="studio__title">
            {t(`${hero}heroTitle`)}
          </h1>
          <p className="studio__lead">{t(`${hero}heroLead`)}</p>
        </div>
        <div className="studio__columns">
          <div className="studio__form">
            <h2 className="visually-hidden">{t('generate:form.heading')}</h2>
            <GenerationForm
              key={defaults?.prompt ?? 'new'}
              locale={locale}
              action={`/${locale}?index`}
              // The loader's balance: every submission and every finished job loads it again, so it is never older
              // than the last charge or refund.
              balance={balance}
              guestFreeCredits={guestCredits}
              engineKind={engineKind}
              takesPhoto={engineTakesPhoto}
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
            {balance !== null ? (
              <p className="generate__history-link">
                <Link to={`/${locale}/history`}>{t('generate:history.open')}</Link>
              </p>
            ) : null}
          </div>
          <ResultPanel ref={panel} current={current} />
        </div>
      </section>

      <ExampleGallery locale={locale} examples={GALLERY_EXAMPLES} />

      <section aria-labelledby="steps-heading" className="landing-section steps">
        <h2 id="steps-heading">{t('steps.heading')}</h2>
        <ol className="steps__list">
          {(['describe', 'generate', 'keep'] as const).map((step) => (
            <li key={step} className="steps__item">
              <h3 className="steps__title">{t(`steps.${step}.title`)}</h3>
              <p>{t(`steps.${step}.text`)}</p>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="price-heading" className="landing-section price">
        <h2 id="price-heading">{t('price.heading')}</h2>
        <div className="price__card">
          <p className="price__amount">{t('price.perImage', { credits: credits(CREDITS_PER_IMAGE) })}</p>
          <p>{t('price.perImageNote')}</p>
          {guestCredits > 0 ? <p>{t('price.guest', { credits: credits(guestCredits) })}</p> : null}
          <p>
            <Link className="button button--secondary" to={`/${locale}/pricing`}>
              {t('price.packs')}
            </Link>
          </p>
        </div>
      </section>

      <section aria-labelledby="trust-heading" className="landing-section trust">
        <h2 id="trust-heading">{t('trust.heading')}</h2>
        <p className="landing-section__lead">{t('trust.lead')}</p>
        <ul className="trust__list">
          {TRUST_PROMISES.filter((promise) => engineTakesPhoto || promise.key !== 'photo').map((promise) => (
            <li key={promise.key} className="trust__item">
              <p>{t(`trust.${promise.key}`)}</p>
              <p className="trust__source">
                <Link to={`/${locale}/${promise.document}`}>
                  {t('trust.source', { document: t(`common:documentKinds.${promise.document}`) })}
                </Link>
              </p>
            </li>
          ))}
        </ul>
      </section>

      <section id="documents" aria-labelledby="documents-heading" className="landing-section documents">
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

/**
 * The promises the landing makes, each with the document that makes it
 * (the retention periods are those of the register of processing).
 */
const TRUST_PROMISES: readonly { key: string; document: DocumentKind }[] = [
  { key: 'photo', document: 'privacy' },
  { key: 'delete', document: 'privacy' },
  { key: 'training', document: 'privacy' },
  { key: 'refund', document: 'terms' },
  { key: 'payment', document: 'terms' },
  { key: 'cookies', document: 'cookies' },
  { key: 'consent', document: 'consent' },
]
