import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { VerifyEmailNotice } from '~/components/verify-email-notice'
import { routeLocale } from '~/platform/i18n/route-locale'
import { pricingPage, type PricedPack } from '~/flows/pages/index.server'
import type { loader as layoutLoader } from './$lang'

export const handle = { i18n: ['common', 'pricing', 'email'] }

export async function loader({ params, request }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const { page, status, headers } = await pricingPage(request, locale)
  return data(page, { status, headers })
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

function PackCard({ pack }: { pack: PricedPack }) {
  const { t } = useTranslation(['pricing', 'common'])
  const headingId = `pack-${pack.id.replace(/[^A-Za-z0-9_-]/g, '-')}`
  const credits = t('common:credits', { count: pack.credits })
  return (
    <li className="card pricing__pack" aria-labelledby={headingId}>
      <h2 id={headingId}>{pack.name}</h2>
      {pack.badge ? (
        <p className="pricing__badge">
          <strong>{pack.badge}</strong>
        </p>
      ) : null}
      <p className="pricing__amount">
        <span className="pricing__credits">{credits}</span>
        {' — '}
        <span className="pricing__price">{pack.price}</span>
      </p>
      <p className="pricing__per-credit">{pack.perCredit}</p>
      <p>{pack.description}</p>
      <p>
        <Link
          className="button-link"
          to={pack.checkoutHref}
          aria-label={t('buyLabel', { name: pack.name, credits, price: pack.price })}
        >
          {t('buy')}
        </Link>
      </p>
    </li>
  )
}

export default function PricingPage() {
  const page = useLoaderData<typeof loader>()
  const layout = useRouteLoaderData<typeof layoutLoader>('routes/$lang')
  const { t } = useTranslation(['pricing', 'common'])
  const { locale } = page
  const signedIn = layout?.viewer?.kind === 'user'
  return (
    <main id="main" className="pricing">
      <h1>{t('heading')}</h1>
      <p>{t('lead')}</p>
      <p>{t('perImage', { credits: t('common:credits', { count: page.creditsPerImage }) })}</p>
      {page.confirmEmail ? <VerifyEmailNotice locale={locale} email={page.confirmEmail} /> : null}
      {page.state === 'unavailable' ? (
        <p className="notice notice--warning" role="status">
          {t('unavailable')}
        </p>
      ) : page.packs.length === 0 ? (
        <p className="notice" role="status">
          {t('empty')}
        </p>
      ) : (
        <ul className="features__list pricing__list">
          {page.packs.map((pack) => (
            <PackCard key={pack.id} pack={pack} />
          ))}
        </ul>
      )}
      <section aria-labelledby="pricing-conditions" className="pricing__conditions">
        <h2 id="pricing-conditions">{t('conditionsHeading')}</h2>
        <ul>
          {signedIn ? null : (
            <li>
              {t('accountRequired')} <Link to={`/${locale}/register`}>{t('register')}</Link> {t('or')}{' '}
              <Link to={`/${locale}/login`}>{t('signIn')}</Link>.
            </li>
          )}
          <li>{t('neverExpire')}</li>
          <li>
            {t('refund')} <Link to={`/${locale}/terms`}>{t('termsLink')}</Link>.
          </li>
          <li>{t('currency')}</li>
        </ul>
      </section>
    </main>
  )
}
