/**
 * Rules for credit packs (the tariffs on the pricing page).
 *
 * Plain functions over plain data, like ./rules.ts, so creditPack.test.ts runs
 * them under the web app's vitest without a Studio. The web app checks the
 * same limits again when it reads packs (app/content/credit-pack.ts); a test there
 * keeps the two in step.
 *
 * Keep this file free of runtime imports from `sanity`.
 */

import type { RuleResult } from './rules'

export const CREDIT_PACK_LIMITS = {
  credits: { min: 1, max: 100_000 },
  /** 1 ₽ to 100 000 ₽. */
  priceKopecks: { min: 100, max: 10_000_000 },
} as const

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value)
}

// A narrow no-break space groups thousands the way Russian typography does
// and keeps "1 690 ₽" on one line.
const GROUP = '\u202f'

function groupThousands(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, GROUP)
}

/**
 * Kopecks as roubles, for editors: `59000` → `590 ₽`, `19950` → `199,50 ₽`.
 * Integer arithmetic only; kopecks are shown only when there are any.
 */
export function formatRoubles(kopecks: number): string {
  if (!isInteger(kopecks)) return `${kopecks} kopecks (not a whole number)`
  const sign = kopecks < 0 ? '−' : ''
  const absolute = Math.abs(kopecks)
  const roubles = groupThousands(Math.floor(absolute / 100))
  const rest = absolute % 100
  return `${sign}${roubles}${rest === 0 ? '' : `,${String(rest).padStart(2, '0')}`}\u00a0₽`
}

/**
 * What the price field shows under the input: the price in roubles and, when
 * the number of credits is known, what one credit costs (rounded to a kopeck).
 */
export function describePrice(priceKopecks: unknown, credits: unknown): string | null {
  if (!isInteger(priceKopecks) || priceKopecks <= 0) return null
  const price = `= ${formatRoubles(priceKopecks)}`
  if (!isInteger(credits) || credits <= 0) return price
  const perCredit = Math.round(priceKopecks / credits)
  const exact = priceKopecks % credits === 0
  return `${price} · ${exact ? '' : '≈ '}${formatRoubles(perCredit)} per credit`
}

export function checkCredits(credits: unknown): RuleResult {
  const { min, max } = CREDIT_PACK_LIMITS.credits
  if (credits === undefined || credits === null) return 'Enter how many credits the pack gives.'
  if (!isInteger(credits)) return 'Credits are whole numbers.'
  if (credits < min || credits > max) {
    return `A pack gives from ${min} to ${groupThousands(max)} credits.`
  }
  return true
}

export function checkPriceKopecks(priceKopecks: unknown): RuleResult {
  const { min, max } = CREDIT_PACK_LIMITS.priceKopecks
  if (priceKopecks === undefined || priceKopecks === null) {
    return 'Enter the price in kopecks (590 ₽ is 59000).'
  }
  if (!isInteger(priceKopecks)) return 'The price is a whole number of kopecks (590 ₽ is 59000, not 590.00).'
  if (priceKopecks < min || priceKopecks > max) {
    return `The price must be from ${formatRoubles(min)} to ${formatRoubles(max)} (${min} to ${groupThousands(max)} kopecks).`
  }
  return true
}

/** Packs are listed by this number, smallest first; gaps are fine and leave room to insert one. */
export function checkOrder(order: unknown): RuleResult {
  if (order === undefined || order === null) return 'Enter a number: packs are listed by it, smallest first.'
  if (!isInteger(order)) return 'The order is a whole number.'
  if (order < 0 || order > 9999) return 'Use a number from 0 to 9999.'
  return true
}

/** The subtitle of a pack in Studio lists: `300 credits · 590 ₽`, marked when it is not on sale. */
export function packSummary(pack: { credits?: unknown; priceKopecks?: unknown; active?: unknown }): string {
  const parts: string[] = []
  parts.push(isInteger(pack.credits) ? `${groupThousands(pack.credits)} credits` : 'credits not set')
  parts.push(isInteger(pack.priceKopecks) ? formatRoubles(pack.priceKopecks) : 'price not set')
  const summary = parts.join(' · ')
  return pack.active === false ? `${summary} (not on sale)` : summary
}
