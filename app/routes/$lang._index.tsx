import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getEnv } from '~/env.server'
import { getFixedT } from '~/i18n/i18next.server'
import { isLocale } from '~/i18n/locales'
import { DOCUMENT_KINDS } from '~/legal/kinds'

export const handle = { i18n: ['common', 'home'] }

export async function loader({ params }: LoaderFunctionArgs) {
  const locale = isLocale(params.lang) ? params.lang : 'ru'
  const t = getFixedT(locale, 'home')
  return {
    title: t('title'),
    description: t('description'),
    guestCredits: getEnv().GUEST_FREE_CREDITS,
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.title }, { name: 'description', content: data.description }] : []

export default function Home() {
  const { guestCredits } = useLoaderData<typeof loader>()
  const { t, i18n } = useTranslation(['home', 'common'])
  const locale = i18n.language
  return (
    <main id="main" className="home">
      <section className="hero">
        <h1>{t('heroTitle')}</h1>
        <p className="hero__lead">{t('heroLead')}</p>
        {guestCredits > 0 ? (
          <p className="hero__offer">{t('guestOffer', { credits: t('common:credits', { count: guestCredits }) })}</p>
        ) : null}
        <p>
          <Link className="button-link" to={`/${locale}/guest`}>
            {t('tryAsGuest')}
          </Link>
        </p>
        <p className="notice">{t('comingSoon')}</p>
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
