import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type * as PricingRoute from '~/routes/$lang.pricing'
import { type DataResult, closeAppResources, statusOf, thrownBy } from './support'

// The pricing route's loader against a content dataset written here, read by
// the process-wide content source (the local NDJSON source, as without
// SANITY_PROJECT_ID).
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-pricing-'))
const datasetPath = path.join(dir, 'dataset.ndjson')

const pack = (
  id: string,
  credits: number,
  priceKopecks: number,
  order: number,
  extra: Record<string, unknown> = {},
) => ({
  _id: `creditPack.${id}`,
  _type: 'creditPack',
  name: { _type: 'localizedString', ru: `Пакет ${id}`, en: `Pack ${id}` },
  description: { _type: 'localizedText', ru: `Для теста ${id}.`, en: `For testing ${id}.` },
  credits,
  priceKopecks,
  order,
  active: true,
  ...extra,
})

function writeDataset(basicPrice: number) {
  const documents = [
    {
      _id: 'siteSettings',
      _type: 'siteSettings',
      operatorName: { ru: 'ООО «Тест»', en: 'Test LLC' },
      contactEmail: 'hello@palitra.example',
      dataRequestEmail: 'privacy@palitra.example',
    },
    pack('big', 1000, 169_000, 40),
    pack('basic', 100, basicPrice, 20),
    pack('popular', 300, 59_000, 30, { badge: { _type: 'localizedString', ru: 'Популярный', en: 'Popular' } }),
    pack('start', 21, 9900, 10),
    pack('old', 20, 7900, 5, { active: false }),
    pack('broken', 0, 100, 1),
  ]
  writeFileSync(datasetPath, documents.map((d) => JSON.stringify(d)).join('\n') + '\n')
}
writeDataset(25_000)

process.env.DATA_DIR = dir
process.env.CONTENT_DATASET = datasetPath

const args = (url: string, params: Record<string, string>, headers: Record<string, string> = {}) => ({
  request: new Request(`http://localhost${url}`, { headers }),
  params,
  context: {},
})

type Pack = {
  id: string
  name: string
  description: string
  badge: string | null
  credits: number
  priceKopecks: number
  price: string
  perCredit: string
  checkoutHref: string
}

// Intl puts no-break spaces in prices (`250 ₽`, `1 690 ₽`); compare with plain ones.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')

let pricing: typeof PricingRoute

async function load(lang: string, headers?: Record<string, string>) {
  const result = (await pricing.loader(args(`/${lang}/pricing`, { lang }, headers) as never)) as unknown as DataResult
  return { result, packs: result.data.packs as Pack[], headers: new Headers(result.init?.headers) }
}

beforeAll(async () => {
  pricing = await import('~/routes/$lang.pricing')
})

afterEach(() => vi.restoreAllMocks())

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
})

describe('/:lang/pricing', () => {
  it('lists the packs on sale in order, in Russian, with prices in roubles', async () => {
    const { result, packs } = await load('ru')
    expect(result.data).toMatchObject({ state: 'ok', locale: 'ru', title: 'Цены — Палитра', creditsPerImage: 1 })
    expect(packs.map((p) => p.id)).toEqual([
      'creditPack.start',
      'creditPack.basic',
      'creditPack.popular',
      'creditPack.big',
    ])
    const [start, basic, popular, big] = packs
    expect(basic).toMatchObject({
      name: 'Пакет basic',
      description: 'Для теста basic.',
      badge: null,
      credits: 100,
      priceKopecks: 25_000,
      checkoutHref: '/ru/checkout/creditPack.basic',
    })
    expect(plain(basic!.price)).toBe('250 ₽')
    expect(plain(basic!.perCredit)).toBe('2,50 ₽ за кредит')
    // 590 ₽ / 300 and 99 ₽ / 21 do not divide evenly: rounded to the kopeck and marked.
    expect(plain(popular!.perCredit)).toBe('≈ 1,97 ₽ за кредит')
    expect(plain(start!.perCredit)).toBe('≈ 4,71 ₽ за кредит')
    expect(popular!.badge).toBe('Популярный')
    expect(plain(big!.price)).toBe('1 690 ₽')
  })

  it('shows the same packs in English', async () => {
    const { result, packs } = await load('en')
    expect(result.data).toMatchObject({ state: 'ok', locale: 'en', title: 'Pricing — Palitra' })
    const basic = packs.find((p) => p.id === 'creditPack.basic')!
    expect(basic).toMatchObject({ name: 'Pack basic', description: 'For testing basic.' })
    expect(basic.price).toBe('₽250')
    expect(basic.perCredit).toBe('₽2.50 per credit')
    expect(basic.checkoutHref).toBe('/en/checkout/creditPack.basic')
    expect(packs.find((p) => p.id === 'creditPack.popular')).toMatchObject({
      badge: 'Popular',
      price: '₽590',
      perCredit: '≈ ₽1.97 per credit',
    })
    expect(packs.find((p) => p.id === 'creditPack.big')?.price).toBe('₽1,690')
  })

  it('leaves out packs off sale and packs that fail validation', async () => {
    const { packs } = await load('en')
    expect(packs.map((p) => p.id)).not.toContain('creditPack.old')
    expect(packs.map((p) => p.id)).not.toContain('creditPack.broken')
  })

  it('is publicly cacheable for anonymous visitors and private for a session or a guest', async () => {
    const anonymous = await load('ru')
    expect(anonymous.headers.get('Cache-Control')).toContain('public')
    expect(anonymous.headers.get('Cache-Control')).toContain('s-maxage')
    expect(anonymous.headers.get('ETag')).toMatch(/^"[\w-]{32}"$/)
    expect((await load('ru')).headers.get('ETag')).toBe(anonymous.headers.get('ETag'))
    expect((await load('en')).headers.get('ETag')).not.toBe(anonymous.headers.get('ETag'))

    for (const cookie of ['palitra_session=abc', 'lng=ru; palitra_guest=g1']) {
      const personal = await load('ru', { Cookie: cookie })
      expect(personal.headers.get('Cache-Control'), cookie).toBe('private, no-cache')
      expect(personal.headers.get('ETag'), cookie).not.toBe(anonymous.headers.get('ETag'))
    }
  })

  it('shows a new price once the dataset changes, without a restart', async () => {
    const before = await load('ru')
    writeDataset(27_000)
    try {
      await vi.waitFor(
        async () => {
          const { packs } = await load('ru')
          expect(packs.find((p) => p.id === 'creditPack.basic')?.priceKopecks).toBe(27_000)
        },
        { timeout: 5000, interval: 50 },
      )
      expect((await load('ru')).headers.get('ETag')).not.toBe(before.headers.get('ETag'))
    } finally {
      writeDataset(25_000)
      await vi.waitFor(
        async () => {
          const { packs } = await load('ru')
          expect(packs.find((p) => p.id === 'creditPack.basic')?.priceKopecks).toBe(25_000)
        },
        { timeout: 5000, interval: 50 },
      )
    }
  })

  it('answers 503, not cached, when the content source is down and has nothing cached', async () => {
    const { getContentSource } = await import('~/content/index.server')
    const { ContentUnavailableError } = await import('~/content/source')
    vi.spyOn(getContentSource(), 'creditPacks').mockRejectedValue(new ContentUnavailableError('down'))
    const { result, headers } = await load('en')
    expect(result.init?.status).toBe(503)
    expect(result.data).toMatchObject({ state: 'unavailable', packs: [] })
    expect(headers.get('Cache-Control')).toBe('no-store')
  })

  it('404s an unknown language', async () => {
    expect(statusOf(await thrownBy(() => pricing.loader(args('/de/pricing', { lang: 'de' }) as never)))).toBe(404)
  })
})
