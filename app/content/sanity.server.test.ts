import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { logger } from '~/platform/log.server'
import { server } from '../../tests/mocks'
import { sanityMock } from '../../tests/mocks/sanity'
import { createCachedContentSource } from './cache.server'
import { LEGAL_DOCUMENT_VERSIONS_QUERY } from './queries'
import {
  createPreviewSanityClient,
  createPublishedSanityClient,
  createSanityContentSource,
  createSanityPreviewSource,
  type SanityContentConfig,
} from './sanity.server'
import { ContentUnavailableError } from './source'

const config: SanityContentConfig = {
  projectId: sanityMock.projectId,
  dataset: sanityMock.dataset,
  apiVersion: '2025-02-19',
  timeoutMs: 150,
  maxRetries: 0,
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => sanityMock.reset())
afterEach(() => vi.restoreAllMocks())
afterAll(() => {
  sanityMock.reset()
  server.close()
})

describe('Sanity content source', () => {
  test('reads published versions from the API CDN with a GET query', async () => {
    const source = createSanityContentSource(config)
    const versions = await source.listVersions('privacy', 'ru')

    expect(versions.map((v) => v.version)).toEqual([3, 2, 1])
    expect(versions[1]).toMatchObject({
      id: 'privacy-ru-v2',
      title: 'Политика обработки персональных данных',
      material: true,
      effectiveFrom: '2025-09-01T00:00:00+03:00',
    })
    expect(sanityMock.requests).toHaveLength(1)
    expect(sanityMock.requests[0]).toMatchObject({
      method: 'GET',
      host: 'apicdn',
      apiVersion: '2025-02-19',
      perspective: 'published',
      authorized: false,
      params: { kind: 'privacy', locale: 'ru' },
    })
  })

  test('returns one version with its body, and null for a version that does not exist', async () => {
    const source = createSanityContentSource(config)
    const doc = await source.getDocument('terms', 'ru', 1)
    expect(doc?.body.map((block) => block._type)).toEqual(['block', 'table', 'block'])
    expect(await source.getDocument('terms', 'ru', 99)).toBeNull()
  })

  test('resolves site settings for the locale, falling back to Russian', async () => {
    const source = createSanityContentSource(config)
    const en = await source.getSiteSettings('en')
    expect(en).toMatchObject({
      operatorName: 'Fictional Palitra LLC',
      dataRequestPostalAddress: 'Нигдеград, а/я 0',
      registrationNumbers: [
        { label: 'Primary state registration number', value: '0000000000000' },
        { label: 'ИНН', value: '0000000000' },
      ],
    })
  })

  test('long queries go out as POST and get the same answer', async () => {
    const client = createPublishedSanityClient(config)
    // A big parameter pushes the query string past the client's GET limit.
    const params = { kind: 'privacy', locale: 'en', padding: 'x'.repeat(12_000) }
    const result = await client.fetch<Array<{ version: number }>>(LEGAL_DOCUMENT_VERSIONS_QUERY, params)

    expect(result.map((v) => v.version)).toEqual([2, 1])
    expect(sanityMock.requests[0]).toMatchObject({ method: 'POST', perspective: 'published' })
    expect(sanityMock.requests[0]?.params).toMatchObject({ kind: 'privacy', locale: 'en' })
  })

  test('drafts and release versions stay invisible to the site', async () => {
    const source = createSanityContentSource(config)
    const ru = await source.listVersions('privacy', 'ru')
    const en = await source.listVersions('privacy', 'en')
    expect(ru.map((v) => v.title)).not.toContain('ЧЕРНОВИК политики')
    expect(ru.map((v) => v.version)).not.toContain(4)
    expect(en.map((v) => v.version)).toEqual([2, 1])
  })

  test('the preview source needs a token and sees drafts, bypassing the CDN', async () => {
    expect(() => createPreviewSanityClient(config)).toThrow(/SANITY_READ_TOKEN/)
    const preview = createSanityPreviewSource({ ...config, token: 'test-token' })
    const versions = await preview.listVersions('privacy', 'ru')

    expect(versions.map((v) => v.version)).toEqual([4, 3, 2, 1])
    expect(versions.find((v) => v.version === 2)?.title).toBe('ЧЕРНОВИК политики')
    expect(sanityMock.requests[0]).toMatchObject({ host: 'api', perspective: 'drafts', authorized: true })
  })

  test('an invalid document is logged with its id and skipped', async () => {
    const logged = vi.spyOn(logger, 'error')
    const source = createSanityContentSource(config)

    const terms = await source.listVersions('terms', 'ru')
    expect(terms.map((v) => v.version)).toEqual([1])
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ documentId: 'terms-ru-v2', issues: expect.any(Array) }),
      expect.stringContaining('failed validation'),
    )

    // Valid metadata but a javascript: link in the body: never served, not even in part.
    expect(await source.getDocument('consent', 'ru', 1)).toBeNull()
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ documentId: 'consent-ru-v1' }), expect.any(String))
  })

  test('health check passes on a dataset with legal documents and fails on an empty one', async () => {
    const source = createSanityContentSource(config)
    await expect(source.checkHealth()).resolves.toBeUndefined()
    sanityMock.useDocuments([])
    await expect(source.checkHealth()).rejects.toThrow(/no legal documents/)
  })

  test('a hung Sanity fails the call after the timeout instead of hanging it', async () => {
    sanityMock.hang()
    const source = createSanityContentSource(config)
    const started = Date.now()
    await expect(source.listVersions('privacy', 'ru')).rejects.toThrow(/timed out after 150 ms/)
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('Sanity source behind the cache', () => {
  function setup() {
    let clock = Date.parse('2026-01-10T12:00:00Z')
    const cached = createCachedContentSource(createSanityContentSource(config), {
      ttlSeconds: 60,
      now: () => clock,
    })
    return { cached, advance: (seconds: number) => (clock += seconds * 1000) }
  }

  test('a 500 on refresh: the stale version keeps being served', async () => {
    const warned = vi.spyOn(logger, 'warn')
    const { cached, advance } = setup()
    const first = await cached.listVersions('privacy', 'ru')

    sanityMock.failWith(500)
    advance(61)
    expect(await cached.listVersions('privacy', 'ru')).toEqual(first)
    await vi.waitFor(() => expect(warned).toHaveBeenCalled(), { timeout: 2000, interval: 10 })
    expect(sanityMock.requests).toHaveLength(2)

    // Still down much later: still the last good answer.
    advance(3600)
    expect(await cached.listVersions('privacy', 'ru')).toEqual(first)
  })

  test('a timeout on refresh: the stale version keeps being served', async () => {
    const warned = vi.spyOn(logger, 'warn')
    const { cached, advance } = setup()
    const first = await cached.getDocument('privacy', 'ru', 2)
    expect(first?.version).toBe(2)

    sanityMock.hang()
    advance(61)
    expect(await cached.getDocument('privacy', 'ru', 2)).toEqual(first)
    await vi.waitFor(
      () =>
        expect(warned).toHaveBeenCalledWith(
          expect.objectContaining({ err: expect.stringMatching(/timed out/) }),
          expect.any(String),
        ),
      { timeout: 2000, interval: 10 },
    )
    expect(await cached.getDocument('privacy', 'ru', 2)).toEqual(first)
  })

  test('nothing cached and Sanity failing: ContentUnavailableError', async () => {
    const { cached } = setup()
    sanityMock.failWith(500)
    await expect(cached.listVersions('privacy', 'ru')).rejects.toBeInstanceOf(ContentUnavailableError)
    sanityMock.reset()
    sanityMock.hang()
    await expect(cached.getSiteSettings('ru')).rejects.toBeInstanceOf(ContentUnavailableError)
  })
})
