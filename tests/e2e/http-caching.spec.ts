import { expect, test } from '@playwright/test'

// Public legal pages carry a strong ETag over what they show; a client that
// already has the page gets a 304 without a body.
const PAGES = [
  '/ru/privacy',
  '/en/privacy',
  '/en/privacy/versions',
  '/ru/privacy/v/1',
  '/en/privacy/changes?from=1&to=2',
]

for (const path of PAGES) {
  test(`${path}: ETag and If-None-Match → 304`, async ({ request }) => {
    const first = await request.get(path)
    expect(first.status()).toBe(200)
    const etag = first.headers()['etag']
    expect(etag, 'a strong ETag').toMatch(/^"[^"]+"$/)
    expect(first.headers()['cache-control']).toMatch(/\bpublic\b/)
    expect(first.headers()['cache-control']).toMatch(/max-age=\d+/)

    const again = await request.get(path)
    expect(again.headers()['etag'], 'the same page has the same ETag').toBe(etag)

    const revalidated = await request.get(path, { headers: { 'If-None-Match': etag! } })
    expect(revalidated.status()).toBe(304)
    expect(revalidated.headers()['etag']).toBe(etag)
    expect((await revalidated.body()).length).toBe(0)

    const listed = await request.get(path, { headers: { 'If-None-Match': `"something-else", W/${etag}` } })
    expect(listed.status(), 'a weak form of the tag in a list also matches').toBe(304)

    const stale = await request.get(path, { headers: { 'If-None-Match': '"not-this-one"' } })
    expect(stale.status()).toBe(200)
    expect((await stale.body()).length).toBeGreaterThan(0)
  })
}

test('ETags differ between languages and versions', async ({ request }) => {
  const etags = await Promise.all(
    ['/ru/privacy', '/en/privacy', '/en/privacy/v/1', '/en/privacy/v/3', '/en/privacy/versions'].map(
      async (path) => (await request.get(path)).headers()['etag'],
    ),
  )
  expect(new Set(etags).size).toBe(etags.length)
})

test('a 304 for one language is not given for the other', async ({ request }) => {
  const ru = (await request.get('/ru/privacy')).headers()['etag']!
  const en = await request.get('/en/privacy', { headers: { 'If-None-Match': ru } })
  expect(en.status()).toBe(200)
})
