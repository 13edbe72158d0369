import { describe, expect, it } from 'vitest'
import { formatMoney } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { pricedPack } from './pricing-page.server'

const pack = {
  id: 'creditPack.start',
  credits: 40,
  priceKopecks: 19_900,
  name: { ru: 'Старт', en: 'Start' },
  description: { ru: 'Для начала', en: 'To begin with' },
  badge: { ru: 'Популярный' },
  order: 1,
}

describe('pricedPack', () => {
  const t = getFixedT('en', ['pricing', 'common'])

  it('shows the pack in the page language, with its checkout address', () => {
    expect(pricedPack(pack, 'en', t)).toMatchObject({
      id: 'creditPack.start',
      name: 'Start',
      description: 'To begin with',
      badge: null,
      price: formatMoney(19_900, 'en'),
      checkoutHref: '/en/checkout/creditPack.start',
    })
    expect(pricedPack({ ...pack, id: 'pack/a b' }, 'ru', getFixedT('ru', ['pricing', 'common']))).toMatchObject({
      name: 'Старт',
      badge: 'Популярный',
      checkoutHref: '/ru/checkout/pack%2Fa%20b',
    })
  })

  it('marks a per-credit price that had to be rounded as approximate', () => {
    // 199 ₽ for 40 credits is 4.975 ₽ each: shown rounded to the kopeck.
    expect(pricedPack(pack, 'en', t).perCredit).toBe(t('perCreditApprox', { price: formatMoney(498, 'en') }))
    expect(pricedPack(pack, 'en', t).perCredit).toMatch(/^≈/)
    const even = { ...pack, priceKopecks: 20_000 }
    expect(pricedPack(even, 'en', t).perCredit).toBe(t('perCredit', { price: formatMoney(500, 'en') }))
  })
})
