import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CREDIT_PACK_LIMITS,
  checkCredits,
  checkOrder,
  checkPriceKopecks,
  describePrice,
  formatRoubles,
  packSummary,
} from './creditPackRules'
import { checkLocalizedText } from './rules'
// @ts-expect-error -- plain ESM script without type declarations
import { buildCreditPacks } from '../seed/build.mjs'

// The narrow no-break space between thousands and the no-break space before ₽.
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ')

describe('credit pack numbers', () => {
  it('accepts whole numbers of credits from 1 to 100 000', () => {
    for (const credits of [1, 30, 100_000]) expect(checkCredits(credits)).toBe(true)
    expect(checkCredits(undefined)).toMatch(/how many credits/)
    expect(checkCredits(0)).toMatch(/from 1 to 100.000/)
    expect(checkCredits(100_001)).toMatch(/from 1 to 100.000/)
    expect(checkCredits(-5)).toMatch(/from 1/)
    expect(checkCredits(10.5)).toMatch(/whole numbers/)
    expect(checkCredits('100')).toMatch(/whole numbers/)
  })

  it('accepts prices from 1 ₽ to 100 000 ₽ in whole kopecks', () => {
    for (const price of [100, 59_000, 19_950, 10_000_000]) expect(checkPriceKopecks(price)).toBe(true)
    expect(checkPriceKopecks(null)).toMatch(/in kopecks/)
    expect(checkPriceKopecks(590.5)).toMatch(/whole number of kopecks/)
    expect(plain(checkPriceKopecks(99) as string)).toMatch(/from 1 ₽ to 100 000 ₽/)
    expect(plain(checkPriceKopecks(10_000_001) as string)).toBe(
      'The price must be from 1 ₽ to 100 000 ₽ (100 to 10 000 000 kopecks).',
    )
    expect(checkPriceKopecks(Number.NaN)).toMatch(/whole number/)
  })

  it('needs a whole, non-negative order', () => {
    expect(checkOrder(0)).toBe(true)
    expect(checkOrder(40)).toBe(true)
    expect(checkOrder(undefined)).toMatch(/smallest first/)
    expect(checkOrder(1.5)).toMatch(/whole number/)
    expect(checkOrder(-1)).toMatch(/0 to 9999/)
    expect(checkOrder(10_000)).toMatch(/0 to 9999/)
  })

  it('keeps the limits the task set', () => {
    expect(CREDIT_PACK_LIMITS).toEqual({
      credits: { min: 1, max: 100_000 },
      priceKopecks: { min: 100, max: 10_000_000 },
    })
  })
})

describe('showing prices to editors', () => {
  it('formats kopecks as roubles with integer arithmetic', () => {
    expect(plain(formatRoubles(59_000))).toBe('590 ₽')
    expect(plain(formatRoubles(19_950))).toBe('199,50 ₽')
    expect(plain(formatRoubles(169_000))).toBe('1 690 ₽')
    expect(plain(formatRoubles(10_000_000))).toBe('100 000 ₽')
    expect(plain(formatRoubles(5))).toBe('0,05 ₽')
    expect(plain(formatRoubles(-250))).toBe('−2,50 ₽')
    expect(formatRoubles(1.5)).toMatch(/not a whole number/)
  })

  it('describes the price under the field, with the price per credit once credits are set', () => {
    expect(describePrice(undefined, 100)).toBeNull()
    expect(describePrice(0, 100)).toBeNull()
    expect(plain(describePrice(25_000, undefined)!)).toBe('= 250 ₽')
    expect(plain(describePrice(25_000, 100)!)).toBe('= 250 ₽ · 2,50 ₽ per credit')
    // 590 ₽ / 300 = 1.9666… ₽: rounded to the kopeck and marked as approximate.
    expect(plain(describePrice(59_000, 300)!)).toBe('= 590 ₽ · ≈ 1,97 ₽ per credit')
  })

  it('summarises a pack for Studio lists', () => {
    expect(plain(packSummary({ credits: 1000, priceKopecks: 169_000, active: true }))).toBe('1 000 credits · 1 690 ₽')
    expect(plain(packSummary({ credits: 50, priceKopecks: 14_900, active: false }))).toBe(
      '50 credits · 149 ₽ (not on sale)',
    )
    expect(packSummary({})).toBe('credits not set · price not set')
  })
})

describe('the seed packs', () => {
  type SeedPack = Record<string, unknown> & { _id: string; active?: boolean }
  const packs = JSON.parse(
    readFileSync(path.join(import.meta.dirname, '..', 'seed', 'credit-packs.json'), 'utf8'),
  ) as SeedPack[]

  it('pass every rule the Studio applies', () => {
    expect(packs.length).toBeGreaterThanOrEqual(4)
    for (const pack of packs) {
      expect(pack._type, pack._id).toBe('creditPack')
      expect(pack._id, pack._id).toMatch(/^creditPack\.[a-z0-9-]+$/)
      expect(checkCredits(pack.credits), pack._id).toBe(true)
      expect(checkPriceKopecks(pack.priceKopecks), pack._id).toBe(true)
      expect(checkOrder(pack.order), pack._id).toBe(true)
      expect(checkLocalizedText(pack.name, true), pack._id).toBe(true)
      expect(checkLocalizedText(pack.description, true), pack._id).toBe(true)
      expect(checkLocalizedText(pack.badge, false), pack._id).toBe(true)
      expect(typeof pack.active, pack._id).toBe('boolean')
    }
  })

  it('include the prices of the worked refund example in the terms, and one pack off sale', () => {
    const onSale = packs.filter((pack) => pack.active)
    expect(onSale.map((pack) => [pack.credits, pack.priceKopecks])).toEqual(
      expect.arrayContaining([
        [100, 25_000],
        [300, 59_000],
      ]),
    )
    expect(onSale.length).toBeGreaterThanOrEqual(4)
    expect(packs.filter((pack) => !pack.active)).toHaveLength(1)
  })

  it('get cheaper per credit as they get bigger', () => {
    const onSale = packs
      .filter((pack) => pack.active)
      .sort((a, b) => (a.order as number) - (b.order as number))
      .map((pack) => (pack.priceKopecks as number) / (pack.credits as number))
    expect(onSale).toEqual([...onSale].sort((a, b) => b - a))
  })
})

describe('the seed builder', () => {
  const good = {
    _id: 'creditPack.x',
    _type: 'creditPack',
    name: { ru: 'Икс', en: 'X' },
    description: { ru: 'Пакет.', en: 'A pack.' },
    credits: 10,
    priceKopecks: 1000,
    order: 10,
    active: true,
  }

  it('stamps packs like the other seed documents', () => {
    const [doc] = buildCreditPacks([good]) as Array<Record<string, unknown>>
    expect(doc).toMatchObject({
      ...good,
      _createdAt: '2026-02-20T09:00:00.000Z',
      _updatedAt: '2026-02-20T09:00:00.000Z',
    })
    expect(doc?._rev).toMatch(/^[0-9a-f]{12}$/)
  })

  it.each([
    [{ _id: 'pack.x' }, /_id/],
    [{ credits: 0 }, /credits/],
    [{ priceKopecks: 99.5 }, /priceKopecks/],
    [{ order: -1 }, /order/],
    [{ active: 'yes' }, /active/],
    [{ name: { ru: 'Икс' } }, /name/],
    [{ badge: { en: 'Popular' } }, /badge/],
  ])('refuses a pack the site would skip: %o', (change, message) => {
    expect(() => buildCreditPacks([{ ...good, ...change }])).toThrow(message)
  })

  it('refuses two packs with one id', () => {
    expect(() => buildCreditPacks([good, good])).toThrow(/duplicate/)
  })
})
