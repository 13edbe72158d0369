import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getSessionUser } from '~/auth/session.server'
import { VerifyEmailNotice } from '~/components/verify-email-notice'
import { CREDITS_PER_IMAGE } from '~/generation/options'
import { formatMoney } from '~/i18n/format'
import { getFixedT } from '~/i18n/i18next.server'
import type { Locale } from '~/i18n/locales'
import { routeLocale } from '~/i18n/route-locale'
import { ContentUnavailableError } from '~/legal/content/source'
import { publicPageHeaders } from '~/legal/page-data.server'
import { listCreditPacks, type CreditPack } from '~/payments/packs.server'
import type { loader as layoutLoader } from './$lang'

export const handle = { i18n: ['common', 'pricing', 'email'] }

/** One pack as the page shows it: texts in the page's language, money already formatted. */
export type PricedPack = {
  id: string
  name: string
  description: string
  badge: string | null
  credits: number
  priceKopecks: number
  price: string
  /** The price of one credit, rounded to the kopeck and marked as approximate when it is not exact. */
  perCredit: string
  checkoutHref: string
}

function pricedPack(pack: CreditPack, locale: Locale, t: ReturnType<typeof getFixedT>): PricedPack {
  // Integer kopecks throughout: the per-credit price is rounded for display only.
  const exact = pack.priceKopecks % pack.credits === 0
  const perCredit = formatMoney(Math.round(pack.priceKopecks / pack.credits), locale)
  return {
    id: pack.id,
    name: pack.name[locale],
    description: pack.description[locale],
    badge: pack.badge?.[locale] ?? null,
    credits: pack.credits,
    priceKopecks: pack.priceKopecks,
    price: formatMoney(pack.priceKopecks, locale),
    perCredit: t(exact ? 'perCredit' : 'perCreditApprox', { price: perCredit }),
    checkoutHref: `/${locale}/checkout/${encodeURIComponent(pack.id)}`,
  }
}

export async function loader({ params, request }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['pricing', 'common'])
  const title = `${t('title')} — ${t('common:siteName')}`
  // A signed-in account whose address is not confirmed is told before it picks a pack.
  const session = await getSessionUser(request)
  const confirmEmail = session?.user.email && !session.user.emailVerified ? session.user.email : null
  let packs: CreditPack[]
  try {
    packs = await listCreditPacks()
  } catch (error) {
    // The CMS is down and nothing was cached yet: say so, and let nobody cache it.
    if (!(error instanceof ContentUnavailableError)) throw error
    return data(
      {
        state: 'unavailable',
        locale,
        title,
        packs: [] as PricedPack[],
        creditsPerImage: CREDITS_PER_IMAGE,
        confirmEmail,
      } as const,
      { status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '60' } },
    )
  }
  const priced = packs.map((pack) => pricedPack(pack, locale, t))
  return data(
    { state: 'ok', locale, title, packs: priced, creditsPerImage: CREDITS_PER_IMAGE, confirmEmail } as const,
    {
      // Public and short-lived for anonymous visitors, private for anyone with a
      // session or guest cookie (the header shows their balance). The notice
      // about an unconfirmed address is part of the page, so of its ETag.
      headers: await publicPageHeaders(
        request,
        'pricing',
        locale,
        CREDITS_PER_IMAGE,
        JSON.stringify(priced),
        confirmEmail ?? '',
      ),
    },
  )
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
