import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { server } from '../../tests/mocks'
import { SANITY_FIXTURE_DATASET, sanityMock } from '../../tests/mocks/sanity'
import { previewAccessFor } from './preview.server'
import { ContentUnavailableError } from './source'

// The preview against Sanity (the msw stand-in runs the GROQ with groq-js):
// which host, perspective and token each call uses.

const fixture = readFileSync(SANITY_FIXTURE_DATASET, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { _id: string })

const secret = (value: string, minutesAgo: number) => ({
  _id: `drafts.secret-${value}`,
  _type: 'sanity.previewUrlSecret',
  _updatedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  secret: value,
  studioUrl: 'https://studio.palitra.example/',
})

const env = {
  SANITY_PROJECT_ID: sanityMock.projectId,
  SANITY_DATASET: sanityMock.dataset,
  SANITY_API_VERSION: '2025-02-19',
  SANITY_READ_TOKEN: 'sk-preview-test',
  contentDatasetPath: SANITY_FIXTURE_DATASET,
  dataDir: '/nonexistent',
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => {
  sanityMock.reset()
  sanityMock.useDocuments([...fixture, secret('fresh', 5), secret('stale', 61)])
})
afterAll(() => {
  sanityMock.reset()
  server.close()
})

const url = (value: string) => `https://palitra.example/ru/privacy/preview/4?sanity-preview-secret=${value}`

describe('preview with Sanity', () => {
  test('secrets are checked with the token, perspective raw, never on the CDN', async () => {
    const access = previewAccessFor(env)!
    expect(await access.validate(url('fresh'))).toBe(true)
    expect(await access.validate(url('stale'))).toBe(false)
    expect(await access.validate(url('unknown'))).toBe(false)
    expect(sanityMock.requests.length).toBeGreaterThan(0)
    for (const request of sanityMock.requests) {
      expect(request).toMatchObject({ host: 'api', perspective: 'raw', authorized: true })
    }
  })

  test('drafts are read with the token and the drafts perspective, never on the CDN', async () => {
    const access = previewAccessFor(env)!
    expect(await access.source.getDocument('privacy', 'ru', 4)).toMatchObject({ version: 4 })
    expect(sanityMock.requests).toHaveLength(1)
    expect(sanityMock.requests[0]).toMatchObject({ host: 'api', perspective: 'drafts', authorized: true })
  })

  test('Sanity failing while a secret is checked is "unavailable", not a refusal', async () => {
    sanityMock.failWith(500)
    const access = previewAccessFor(env)!
    await expect(access.validate(url('fresh'))).rejects.toBeInstanceOf(ContentUnavailableError)
  })
})
