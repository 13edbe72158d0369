import { describe, expect, it } from 'vitest'
import { bestValuePackId, cardBadges } from './pricing-card'

const pack = (id: string, credits: number, priceKopecks: number) => ({ id, credits, priceKopecks })

describe('bestValuePackId', () => {
  it('picks the pack whose credit costs least', () => {
    const packs = [pack('start', 30, 9900), pack('basic', 100, 25000), pack('studio', 1000, 169000)]
    expect(bestValuePackId(packs)).toBe('studio')
  })

  it('compares exactly, without rounding the price of a credit', () => {
    // 1.97 and 1.9666… per credit: rounded to the kopeck they would tie.
    expect(bestValuePackId([pack('a', 100, 19700), pack('b', 300, 59000)])).toBe('b')
  })

  it('marks nothing when the lowest price is shared', () => {
    expect(bestValuePackId([pack('a', 10, 1000), pack('b', 20, 2000), pack('c', 5, 900)])).toBeNull()
  })

  it('marks nothing with fewer than two packs to compare', () => {
    expect(bestValuePackId([])).toBeNull()
    expect(bestValuePackId([pack('only', 10, 1000)])).toBeNull()
  })

  it('does not depend on the order of the packs', () => {
    const packs = [pack('studio', 1000, 169000), pack('start', 30, 9900), pack('basic', 100, 25000)]
    expect(bestValuePackId(packs)).toBe('studio')
  })
})

describe('cardBadges', () => {
  it('adds the best-value badge beside the editors’ one', () => {
    expect(cardBadges('Popular', true, 'Best value')).toEqual({
      editors: 'Popular',
      editorsSayBestValue: false,
      bestValue: true,
    })
  })

  it('does not say "best value" twice when the editors already do', () => {
    expect(cardBadges('Выгоднее всего', true, 'выгоднее всего ')).toEqual({
      editors: 'Выгоднее всего',
      editorsSayBestValue: true,
      bestValue: false,
    })
  })

  it('leaves other packs with the editors’ badge only', () => {
    expect(cardBadges(null, false, 'Best value')).toEqual({
      editors: null,
      editorsSayBestValue: false,
      bestValue: false,
    })
  })
})
