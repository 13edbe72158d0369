import { z } from 'zod'

/**
 * A credit pack as the site sells it: read from the CMS (`creditPack`
 * documents, cms/schemaTypes/creditPack.ts), validated here. Money is whole
 * kopecks and credits are whole numbers; nothing here is ever a float.
 *
 * This module has no server-only imports, so the content layer
 * (app/content) can validate packs without depending on the payment
 * code that reads them (./packs.server.ts).
 */
export type CreditPack = {
  /** The Sanity document id, e.g. `creditPack.start`; the checkout URL carries it. */
  id: string
  credits: number
  priceKopecks: number
  name: { ru: string; en: string }
  description: { ru: string; en: string }
  /** A short label such as “Popular”, in the languages it was written in. */
  badge?: { ru?: string; en?: string }
  /** Position on the pricing page, smallest first. */
  order: number
}

/** The same limits the Studio enforces (cms/schemaTypes/creditPackRules.ts); a test keeps them equal. */
export const CREDIT_PACK_LIMITS = {
  credits: { min: 1, max: 100_000 },
  priceKopecks: { min: 100, max: 10_000_000 },
} as const

// Sanity ids are letters, digits, `.`, `_` and `-` (at most 128): safe in a URL path segment.
const PACK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

const requiredText = z.string().trim().min(1)
const localizedText = z.object({ ru: requiredText, en: requiredText })

// A badge is optional as a whole and per language: an empty one is no badge.
const badgeSchema = z
  .object({ ru: z.string().nullish(), en: z.string().nullish() })
  .nullish()
  .transform((badge) => {
    const ru = badge?.ru?.trim()
    const en = badge?.en?.trim()
    if (!ru && !en) return undefined
    return { ...(ru ? { ru } : {}), ...(en ? { en } : {}) }
  })

/** One row of CREDIT_PACKS_QUERY. */
export const creditPackSchema = z
  .object({
    id: z.string().regex(PACK_ID, 'pack id must be a Sanity document id'),
    credits: z.number().int().min(CREDIT_PACK_LIMITS.credits.min).max(CREDIT_PACK_LIMITS.credits.max),
    priceKopecks: z.number().int().min(CREDIT_PACK_LIMITS.priceKopecks.min).max(CREDIT_PACK_LIMITS.priceKopecks.max),
    name: localizedText,
    description: localizedText,
    badge: badgeSchema,
    order: z.number().int(),
  })
  .transform(({ badge, ...pack }): CreditPack => (badge ? { ...pack, badge } : pack))

/** Pricing-page order: `order`, then smaller packs first, then id, so equal orders stay stable. */
export function compareCreditPacks(a: CreditPack, b: CreditPack): number {
  return a.order - b.order || a.credits - b.credits || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
