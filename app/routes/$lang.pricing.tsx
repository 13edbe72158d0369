import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { bestValuePackId, PricingCard } from '~/components/pricing-card'
import { VerifyEmailNotice } from '~/components/verify-email-notice'
import { routeLocale } from '~/platform/i18n/route-locale'
import { pricingPage } from '~/flows/pages/index.server'
import type { loader as layoutLoader } from './$lang'

export const handle = { i18n: ['common', 'pricing', 'email'] }

export async function loader({ params, request }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const { page, status, headers } = await pricingPage(request, locale)
  return data(page, { status, headers })
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function PricingPage() {
  const page = useLoaderData<typeof loader>()
  const layout = useRouteLoaderData<typeof layoutLoader>('routes/$lang')
  const { t } = useTranslation(['pricing', 'common'])
  const { locale } = page
  const signedIn = layout?.viewer?.kind === 'user'
  const bestValue = bestValuePackId(page.packs)
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
        <ul className="pricing__list">
          {page.packs.map((pack) => (
            <PricingCard key={pack.id} pack={pack} bestValue={pack.id === bestValue} />
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
