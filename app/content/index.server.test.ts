import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { parseEnv, resetEnvForTests } from '~/platform/env.server'
import { server } from '../../tests/mocks'
import { SANITY_FIXTURE_DATASET, sanityMock } from '../../tests/mocks/sanity'
import { closeContentSource, createContentSource, getContentSource } from './index.server'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => sanityMock.reset())
afterEach(() => {
  closeContentSource()
  vi.unstubAllEnvs()
  resetEnvForTests()
})
afterAll(() => server.close())

describe('createContentSource', () => {
  test('without SANITY_PROJECT_ID: the local dataset, cached', async () => {
    const env = parseEnv({ CONTENT_DATASET: SANITY_FIXTURE_DATASET })
    const source = createContentSource(env, { local: { watch: false } })
    expect(source.name).toBe('local')
    expect((await source.listVersions('privacy', 'ru')).map((v) => v.version)).toEqual([3, 2, 1])
    expect(sanityMock.requests).toHaveLength(0)
    source.close()
  })

  test('an edit to the local file reaches readers at once, not after the cache ttl', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'palitra-index-'))
    const file = path.join(dir, 'production.ndjson')
    try {
      await writeFile(file, await readFile(SANITY_FIXTURE_DATASET, 'utf8'))
      const clock = 0 // frozen: the cache never expires on its own
      const source = createContentSource(parseEnv({ CONTENT_DATASET: file, CONTENT_CACHE_TTL_SECONDS: '3600' }), {
        now: () => clock,
        local: { debounceMs: 10 },
      })
      expect((await source.getSiteSettings('en'))?.operatorName).toBe('Fictional Palitra LLC')

      const edited = (await readFile(file, 'utf8')).replace('Fictional Palitra LLC', 'Renamed Fictional LLC')
      await writeFile(file, edited)
      await vi.waitFor(
        async () => {
          expect((await source.getSiteSettings('en'))?.operatorName).toBe('Renamed Fictional LLC')
        },
        { timeout: 3000, interval: 20 },
      )
      source.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('with SANITY_PROJECT_ID: Sanity, cached for the configured ttl', async () => {
    let clock = 0
    const env = parseEnv({ SANITY_PROJECT_ID: sanityMock.projectId, CONTENT_CACHE_TTL_SECONDS: '30' })
    const source = createContentSource(env, { now: () => clock })
    expect(source.name).toBe('sanity')

    await source.getSiteSettings('en')
    await source.getSiteSettings('en')
    expect(sanityMock.requests).toHaveLength(1)
    clock += 31_000
    await source.getSiteSettings('en')
    await vi.waitFor(() => expect(sanityMock.requests).toHaveLength(2), { timeout: 2000, interval: 10 })
  })
})

describe('getContentSource', () => {
  test('returns one instance per process, also across module reloads', async () => {
    vi.stubEnv('CONTENT_DATASET', SANITY_FIXTURE_DATASET)
    vi.stubEnv('SANITY_PROJECT_ID', '')
    resetEnvForTests()
    const first = getContentSource()
    expect(getContentSource()).toBe(first)

    vi.resetModules() // what a Vite dev reload does to this module
    const reloaded = await import('./index.server')
    expect(reloaded.getContentSource()).toBe(first)
    expect(first.name).toBe('local')
  })
})
