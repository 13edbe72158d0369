import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { createCachedContentSource } from '~/content/cache.server'
import { createLocalContentSource, type LocalContentSource } from '~/content/local.server'
import { CREDIT_PACKS_QUERY } from '~/content/queries'
import { createSanityContentSource } from '~/content/sanity.server'
import { ContentUnavailableError, type ContentSource } from '~/content/source'
import { logger } from '~/platform/log.server'
import { CREDIT_PACK_LIMITS as STUDIO_LIMITS } from '../../cms/schemaTypes/creditPackRules'
import { server } from '../../tests/mocks'
import { sanityMock } from '../../tests/mocks/sanity'
import { CREDIT_PACK_LIMITS, compareCreditPacks, creditPackSchema, type CreditPack } from '~/content/credit-pack'
import { findCreditPack, listCreditPacks } from './packs.server'

// A dataset in `sanity dataset export` form: packs out of order, one off sale,
// one without the flag, a draft, and three the site must refuse.
const pack = (id: string, fields: Record<string, unknown>) => ({
  _id: id,
  _type: 'creditPack',
  _rev: `rev-${id}`,
  _createdAt: '2026-02-20T09:00:00.000Z',
  _updatedAt: '2026-02-20T09:00:00.000Z',
  name: { _type: 'localizedString', ru: `Пакет ${id}`, en: `Pack ${id}` },
  description: { _type: 'localizedText', ru: `Описание ${id}`, en: `Description ${id}` },
  active: true,
  ...fields,
})

const DOCUMENTS = [
  { _id: 'siteSettings', _type: 'siteSettings', contactEmail: 'a@palitra.example' },
  pack('creditPack.large', {
    credits: 1000,
    priceKopecks: 169_000,
    order: 40,
    badge: { _type: 'localizedString', ru: 'Выгоднее всего', en: 'Best value' },
  }),
  pack('creditPack.basic', { credits: 100, priceKopecks: 25_000, order: 20 }),
  pack('creditPack.popular', {
    credits: 300,
    priceKopecks: 59_000,
    order: 30,
    badge: { _type: 'localizedString', ru: 'Популярный' },
  }),
  pack('creditPack.start', { credits: 30, priceKopecks: 9900, order: 10, badge: { ru: ' ', en: '' } }),
  // Same order as basic: the smaller pack comes first.
  pack('creditPack.tie', { credits: 50, priceKopecks: 14_000, order: 20 }),
  pack('creditPack.retired', { credits: 20, priceKopecks: 7900, order: 5, active: false }),
  pack('creditPack.unflagged', { credits: 40, priceKopecks: 9000, order: 15, active: undefined }),
  pack('drafts.creditPack.next', { credits: 500, priceKopecks: 90_000, order: 35 }),
  pack('creditPack.fractional', { credits: 10, priceKopecks: 990.5, order: 1 }),
  pack('creditPack.free', { credits: 10, priceKopecks: 0, order: 2 }),
  pack('creditPack.nameless', {
    credits: 10,
    priceKopecks: 1000,
    order: 3,
    name: { _type: 'localizedString', ru: 'Без перевода' },
  }),
]

const ON_SALE = ['creditPack.start', 'creditPack.tie', 'creditPack.basic', 'creditPack.popular', 'creditPack.large']
const INVALID = ['creditPack.fractional', 'creditPack.free', 'creditPack.nameless']

const one = (priceKopecks: number): CreditPack => ({
  id: 'creditPack.a',
  credits: 100,
  priceKopecks,
  name: { ru: 'А', en: 'A' },
  description: { ru: 'а', en: 'a' },
  order: 1,
})

const dir = mkdtempSync(path.join(tmpdir(), 'palitra-packs-'))
const datasetPath = path.join(dir, 'dataset.ndjson')
writeFileSync(datasetPath, DOCUMENTS.map((d) => JSON.stringify(d)).join('\n') + '\n')

let local: LocalContentSource

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' })
  local = createLocalContentSource(datasetPath, { watch: false })
})
afterEach(() => {
  vi.restoreAllMocks()
  sanityMock.reset()
})
afterAll(() => {
  local.close()
  server.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('listCreditPacks', () => {
  test('lists only packs on sale, by order, then size', async () => {
    const packs = await listCreditPacks(local)
    expect(packs.map((p) => p.id)).toEqual(ON_SALE)
  })

  test('returns both languages, whole kopecks and credits, and no CMS system fields', async () => {
    const [start, , basic, popular, large] = await listCreditPacks(local)
    expect(basic).toEqual({
      id: 'creditPack.basic',
      credits: 100,
      priceKopecks: 25_000,
      name: { ru: 'Пакет creditPack.basic', en: 'Pack creditPack.basic' },
      description: { ru: 'Описание creditPack.basic', en: 'Description creditPack.basic' },
      order: 20,
    })
    expect(large?.badge).toEqual({ ru: 'Выгоднее всего', en: 'Best value' })
    // A badge in one language only is kept for that language; a blank one is no badge.
    expect(popular?.badge).toEqual({ ru: 'Популярный' })
    expect(start).not.toHaveProperty('badge')
  })

  test('logs and skips packs the site cannot sell', async () => {
    const errors = vi.spyOn(logger, 'error')
    const packs = await listCreditPacks(local)
    expect(packs.map((p) => p.id)).toEqual(ON_SALE)
    const skipped = errors.mock.calls
      .filter(([, message]) => message === 'credit pack failed validation and was skipped')
      .map(([fields]) => (fields as { documentId: string }).documentId)
    expect(skipped.sort()).toEqual([...INVALID].sort())
  })

  test('sorts whatever order the source answers in', async () => {
    const source = { creditPacks: async () => (await listCreditPacks(local)).reverse() }
    expect((await listCreditPacks(source)).map((p) => p.id)).toEqual(ON_SALE)
  })

  test('reads the committed seed: four packs on sale, the retired one left out', async () => {
    const seed = createLocalContentSource(path.resolve('cms/seed/production.ndjson'), { watch: false })
    try {
      const packs = await listCreditPacks(seed)
      expect(packs.map((p) => [p.id, p.credits, p.priceKopecks])).toEqual([
        ['creditPack.start', 30, 9900],
        ['creditPack.basic', 100, 25_000],
        ['creditPack.optimal', 300, 59_000],
        ['creditPack.studio', 1000, 169_000],
      ])
      expect(await findCreditPack('creditPack.trial', seed)).toBeNull()
    } finally {
      seed.close()
    }
  })
})

describe('findCreditPack', () => {
  test('finds a pack on sale by id', async () => {
    expect(await findCreditPack('creditPack.popular', local)).toMatchObject({ credits: 300, priceKopecks: 59_000 })
  })

  test.each([
    ['off sale', 'creditPack.retired'],
    ['without the on-sale flag', 'creditPack.unflagged'],
    ['only a draft', 'creditPack.next'],
    ['invalid', 'creditPack.free'],
    ['unknown', 'creditPack.nope'],
    ['empty', ''],
  ])('is null for a pack that is %s', async (_what, id) => {
    expect(await findCreditPack(id, local)).toBeNull()
  })
})

describe('from Sanity', () => {
  test('runs the same query against the API CDN and gets the same packs', async () => {
    sanityMock.useDocuments(DOCUMENTS)
    const sanity = createSanityContentSource({
      projectId: sanityMock.projectId,
      dataset: sanityMock.dataset,
      apiVersion: '2025-02-19',
      timeoutMs: 500,
      maxRetries: 0,
    })
    expect(await listCreditPacks(sanity)).toEqual(await listCreditPacks(local))
    expect(sanityMock.requests).toHaveLength(1)
    expect(sanityMock.requests[0]).toMatchObject({ host: 'apicdn', perspective: 'published', authorized: false })
    expect(sanityMock.requests[0]?.query).toBe(CREDIT_PACKS_QUERY)
  })
})

describe('through the content cache', () => {
  function scripted(answers: Array<CreditPack[] | Error>) {
    const creditPacks = vi.fn(async () => {
      const next = answers.shift()
      if (next instanceof Error) throw next
      return next ?? []
    })
    const source: ContentSource = {
      name: 'sanity',
      listVersions: async () => [],
      getDocument: async () => null,
      getSiteSettings: async () => null,
      creditPacks,
      approvedContent: async () => null,
      checkHealth: async () => {},
    }
    return { source, creditPacks }
  }
  test('caches packs, serves the last good list when the CMS fails, and refetches after invalidate', async () => {
    let clock = 0
    const { source, creditPacks } = scripted([[one(25_000)], new Error('Sanity down'), [one(27_000)]])
    const cache = createCachedContentSource(source, { ttlSeconds: 60, now: () => clock })
    vi.spyOn(logger, 'warn')

    expect((await findCreditPack('creditPack.a', cache))?.priceKopecks).toBe(25_000)
    expect((await listCreditPacks(cache))[0]?.priceKopecks).toBe(25_000)
    expect(creditPacks).toHaveBeenCalledTimes(1)

    // Stale: served at once while a background refresh fails; the old price stays.
    clock += 61_000
    expect((await listCreditPacks(cache))[0]?.priceKopecks).toBe(25_000)
    await vi.waitFor(() => expect(creditPacks).toHaveBeenCalledTimes(2))

    // A publish (webhook) makes the next read wait for the new price.
    cache.invalidate()
    expect((await listCreditPacks(cache))[0]?.priceKopecks).toBe(27_000)
  })

  test('says the content is unavailable when the CMS fails and nothing was cached', async () => {
    const { source } = scripted([new Error('Sanity down')])
    const cache = createCachedContentSource(source, { ttlSeconds: 60 })
    await expect(listCreditPacks(cache)).rejects.toBeInstanceOf(ContentUnavailableError)
  })
})

describe('the pack schema', () => {
  test('uses the limits the Studio enforces', () => {
    expect(CREDIT_PACK_LIMITS).toEqual(STUDIO_LIMITS)
  })

  test('refuses ids that would not fit in a URL path segment', () => {
    const row = { credits: 1, priceKopecks: 100, name: { ru: 'a', en: 'a' }, description: { ru: 'a', en: 'a' } }
    expect(creditPackSchema.safeParse({ ...row, order: 0, id: 'creditPack.ok-1_2' }).success).toBe(true)
    for (const id of ['', 'a/b', 'a b', '../x', 'x'.repeat(129)]) {
      expect(creditPackSchema.safeParse({ ...row, order: 0, id }).success, id).toBe(false)
    }
  })

  test('orders by order, then credits, then id', () => {
    const base = one(100)
    const packs = [
      { ...base, id: 'c', order: 2, credits: 5 },
      { ...base, id: 'b', order: 1, credits: 10 },
      { ...base, id: 'a', order: 1, credits: 10 },
      { ...base, id: 'd', order: 1, credits: 5 },
    ]
    expect([...packs].sort(compareCreditPacks).map((p) => p.id)).toEqual(['d', 'a', 'b', 'c'])
  })
})
