import { afterEach, describe, expect, test, vi } from 'vitest'
import { logger } from '~/platform/log.server'
import type { LegalDocumentSummary } from './legal-document'
import { createCachedContentSource } from './cache.server'
import { ContentUnavailableError, type ContentSource } from './source'

function summary(version: number): LegalDocumentSummary {
  return {
    id: `privacy-ru-v${version}`,
    kind: 'privacy',
    locale: 'ru',
    version,
    effectiveFrom: '2025-03-01T00:00:00+03:00',
    title: 'Политика',
    changeSummary: null,
    material: false,
  }
}

type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void }
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** A source whose listVersions answers are scripted one call at a time. */
function scriptedSource() {
  const calls: Array<Deferred<LegalDocumentSummary[]>> = []
  const source: ContentSource & { close: () => void } = {
    name: 'local',
    listVersions: vi.fn(() => {
      const call = deferred<LegalDocumentSummary[]>()
      calls.push(call)
      return call.promise
    }),
    getDocument: vi.fn(async () => null),
    getSiteSettings: vi.fn(async () => null),
    creditPacks: vi.fn(async () => []),
    approvedContent: vi.fn(async () => null),
    checkHealth: vi.fn(async () => {}),
    close: vi.fn(),
  }
  return { source, calls }
}

function setup(ttlSeconds = 60) {
  const { source, calls } = scriptedSource()
  let clock = 1_000_000
  const cache = createCachedContentSource(source, { ttlSeconds, now: () => clock })
  return { source, calls, cache, advance: (seconds: number) => (clock += seconds * 1000) }
}

// Lets promise callbacks queued by the cache run.
const settle = () => new Promise((resolve) => setImmediate(resolve))

afterEach(() => vi.restoreAllMocks())

describe('content cache', () => {
  test('serves a fresh answer from memory and shares one fetch between concurrent readers', async () => {
    const { cache, calls, advance } = setup()
    const a = cache.listVersions('privacy', 'ru')
    const b = cache.listVersions('privacy', 'ru')
    expect(calls).toHaveLength(1)
    calls[0]?.resolve([summary(1)])
    expect(await a).toEqual([summary(1)])
    expect(await b).toEqual([summary(1)])

    advance(59)
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(1)])
    expect(calls).toHaveLength(1)
  })

  test('keys are separate per method and arguments', async () => {
    const { cache, calls, source } = setup()
    const ru = cache.listVersions('privacy', 'ru')
    const en = cache.listVersions('privacy', 'en')
    expect(calls).toHaveLength(2)
    calls[0]?.resolve([summary(1)])
    calls[1]?.resolve([])
    expect(await ru).toEqual([summary(1)])
    expect(await en).toEqual([])

    expect(await cache.getDocument('privacy', 'ru', 1)).toBeNull()
    expect(await cache.getDocument('privacy', 'ru', 1)).toBeNull()
    expect(await cache.getDocument('privacy', 'ru', 2)).toBeNull()
    expect(source.getDocument).toHaveBeenCalledTimes(2)
  })

  test('a stale answer is returned at once and refreshed in the background, once per key', async () => {
    const { cache, calls, advance } = setup()
    const first = cache.listVersions('privacy', 'ru')
    calls[0]?.resolve([summary(1)])
    await first

    advance(61)
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(1)])
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(1)])
    expect(calls).toHaveLength(2) // one refresh, not one per reader

    calls[1]?.resolve([summary(2), summary(1)])
    await settle()
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(2), summary(1)])
    expect(calls).toHaveLength(2) // the refreshed answer is fresh again
  })

  test('a failed refresh keeps serving the earlier answer indefinitely, with a warning', async () => {
    const warned = vi.spyOn(logger, 'warn')
    const { cache, calls, advance } = setup()
    const first = cache.listVersions('privacy', 'ru')
    calls[0]?.resolve([summary(1)])
    await first

    advance(61)
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(1)])
    calls[1]?.reject(new Error('Sanity is down'))
    await settle()
    expect(warned).toHaveBeenCalledWith(
      expect.objectContaining({ key: 'versions:privacy:ru', err: 'Sanity is down' }),
      expect.any(String),
    )

    advance(86_400 * 30)
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(1)])
    expect(calls).toHaveLength(3) // it keeps trying in the background
  })

  test('nothing cached and the source fails: ContentUnavailableError carrying the cause', async () => {
    const { cache, calls } = setup()
    const attempt = cache.listVersions('privacy', 'ru')
    const cause = new Error('connection refused')
    calls[0]?.reject(cause)
    const error = await attempt.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ContentUnavailableError)
    expect((error as Error).cause).toBe(cause)

    // The failure is not cached: the next reader tries again.
    const retry = cache.listVersions('privacy', 'ru')
    calls[1]?.resolve([summary(1)])
    expect(await retry).toEqual([summary(1)])
  })

  test('after invalidate() the next reader waits for new content', async () => {
    const { cache, calls } = setup()
    const first = cache.listVersions('privacy', 'ru')
    calls[0]?.resolve([summary(1)])
    await first

    cache.invalidate()
    const next = cache.listVersions('privacy', 'ru')
    expect(calls).toHaveLength(2)
    calls[1]?.resolve([summary(2), summary(1)])
    expect(await next).toEqual([summary(2), summary(1)])
  })

  test('after invalidate() a failing source still falls back to the earlier answer, then stops blocking', async () => {
    const { cache, calls } = setup()
    const first = cache.listVersions('privacy', 'ru')
    calls[0]?.resolve([summary(1)])
    await first

    cache.invalidate()
    const next = cache.listVersions('privacy', 'ru')
    calls[1]?.reject(new Error('timeout'))
    expect(await next).toEqual([summary(1)])

    // Now stale: answered at once while a background refresh runs.
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(1)])
    expect(calls).toHaveLength(3)
  })

  test('a refresh that started before invalidate() does not count as fresh', async () => {
    const { cache, calls, advance } = setup()
    const first = cache.listVersions('privacy', 'ru')
    calls[0]?.resolve([summary(1)])
    await first

    advance(61)
    await cache.listVersions('privacy', 'ru') // starts a background refresh
    cache.invalidate()
    calls[1]?.resolve([summary(1)]) // pre-publish content arrives late
    await settle()

    const next = cache.listVersions('privacy', 'ru')
    expect(calls).toHaveLength(3)
    calls[2]?.resolve([summary(2), summary(1)])
    expect(await next).toEqual([summary(2), summary(1)])
  })

  test('an emptied answer never replaces the last good one: refused, logged, stale, until an answer has content', async () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const { cache, calls, advance } = setup()
    const first = cache.listVersions('privacy', 'ru')
    calls[0]?.resolve([summary(1)])
    expect(await first).toEqual([summary(1)])
    expect(cache.freshness()).toBe('ok')

    // A publish (webhook) after which the source answers with nothing: an emptied dataset.
    cache.invalidate()
    const emptied = cache.listVersions('privacy', 'ru')
    calls[1]?.resolve([])
    expect(await emptied).toEqual([summary(1)])
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'content.answer.refused', key: 'versions:privacy:ru' }),
      expect.any(String),
    )
    expect(cache.freshness()).toBe('stale')
    // Served at once from now on, asked again only after another ttl.
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(1)])
    expect(calls).toHaveLength(2)

    advance(61)
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(1)])
    calls[2]?.resolve([summary(2), summary(1)])
    await settle()
    expect(await cache.listVersions('privacy', 'ru')).toEqual([summary(2), summary(1)])
    expect(cache.freshness()).toBe('ok')
  })

  test('operator details that vanish are refused too; credit packs may become empty (every pack off sale is an edit)', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const { source } = scriptedSource()
    const settings = { operatorName: 'Probe LLC' } as never
    vi.mocked(source.getSiteSettings).mockResolvedValueOnce(settings).mockResolvedValue(null)
    const pack = { id: 'p', credits: 10 } as never
    vi.mocked(source.creditPacks).mockResolvedValueOnce([pack]).mockResolvedValue([])
    const cache = createCachedContentSource(source, { ttlSeconds: 60 })
    expect(await cache.getSiteSettings('en')).toBe(settings)
    expect(await cache.creditPacks()).toEqual([pack])
    cache.invalidate()
    expect(await cache.getSiteSettings('en')).toBe(settings)
    expect(await cache.creditPacks()).toEqual([])
    expect(cache.freshness()).toBe('stale')
  })

  test('freshness repeats what the source says about its own refusals', () => {
    const { source } = scriptedSource()
    const freshness = vi.fn(() => 'stale' as const)
    const cache = createCachedContentSource({ ...source, freshness }, { ttlSeconds: 60 })
    expect(cache.freshness()).toBe('stale')
    freshness.mockReturnValue('ok' as never)
    expect(cache.freshness()).toBe('ok')
  })

  test('health checks go straight to the source; close() reaches it', async () => {
    const { cache, source } = setup()
    await cache.checkHealth()
    await cache.checkHealth()
    expect(source.checkHealth).toHaveBeenCalledTimes(2)
    cache.close()
    expect((source as { close: () => void }).close).toHaveBeenCalledOnce()
  })

  test('the bound drops the answer read least recently, not the one fetched first', async () => {
    const { source } = scriptedSource()
    const cache = createCachedContentSource(source, { ttlSeconds: 60, maxEntries: 2 })
    await cache.getDocument('privacy', 'ru', 1)
    await cache.getDocument('privacy', 'ru', 2)
    await cache.getDocument('privacy', 'ru', 1) // read again: now the most recently used
    await cache.getDocument('privacy', 'ru', 3) // evicts version 2
    await cache.getDocument('privacy', 'ru', 1)
    expect(source.getDocument).toHaveBeenCalledTimes(3)
    await cache.getDocument('privacy', 'ru', 2)
    expect(source.getDocument).toHaveBeenCalledTimes(4)
  })

  test('the number of cached answers is bounded', async () => {
    const { source } = scriptedSource()
    const cache = createCachedContentSource(source, { ttlSeconds: 60, maxEntries: 2 })
    await cache.getDocument('privacy', 'ru', 1)
    await cache.getDocument('privacy', 'ru', 2)
    await cache.getDocument('privacy', 'ru', 3) // evicts version 1
    await cache.getDocument('privacy', 'ru', 3)
    await cache.getDocument('privacy', 'ru', 1)
    expect(source.getDocument).toHaveBeenCalledTimes(4)
  })
})
