import { getSessionUser } from '~/identity/index.server'
import { CREDITS_PER_IMAGE } from '~/generation'
import { formatMoney } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { ContentUnavailableError } from '~/content/index.server'
import { publicPageHeaders } from '~/flows/pages/page-data.server'
import { listCreditPacks, type CreditPack } from '~/payments/index.server'

// The pricing page (/:lang/pricing): the credit packs on sale, priced in the page's language.

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

export function pricedPack(pack: CreditPack, locale: Locale, t: ReturnType<typeof getFixedT>): PricedPack {
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

/** The page's data with its status and headers; the page still answers (503) when the packs cannot be read. */
export async function pricingPage(request: Request, locale: Locale) {
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
    const page = {
      state: 'unavailable',
      locale,
      title,
      packs: [] as PricedPack[],
      creditsPerImage: CREDITS_PER_IMAGE,
      confirmEmail,
    } as const
    return { page, status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '60' } }
  }
  const priced = packs.map((pack) => pricedPack(pack, locale, t))
  const page = { state: 'ok', locale, title, packs: priced, creditsPerImage: CREDITS_PER_IMAGE, confirmEmail } as const
  return {
    page,
    status: 200,
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
  }
}
