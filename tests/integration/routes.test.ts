import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { encodeSignatureHeader } from '@sanity/webhook'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type * as IndexRoute from '~/routes/_index'
import type * as LangRoute from '~/routes/$lang'
import type * as PolicyRoute from '~/routes/$lang.$kind._index'
import type * as VersionRoute from '~/routes/$lang.$kind.v.$version'
import type * as VersionsRoute from '~/routes/$lang.$kind.versions'
import type * as ChangesRoute from '~/routes/$lang.$kind.changes'
import type * as LanguageRoute from '~/routes/language'
import type * as WebhookRoute from '~/routes/webhooks.sanity'
import type * as ReadyzRoute from '~/routes/readyz'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources, statusOf, thrownBy } from './support'

let dropOwnDatabase: () => Promise<void> = async () => {}

// Route loaders and actions against the process-wide database (PGlite under a
// temporary DATA_DIR, or the run's PostgreSQL under `npm run test:pg`) and a
// content dataset written here.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-routes-'))
const datasetPath = path.join(dir, 'dataset.ndjson')
const WEBHOOK_SECRET = 'test-webhook-secret-of-enough-length'

const block = (key: string, style: string, text: string) => ({
  _type: 'block',
  _key: key,
  style,
  markDefs: [],
  children: [{ _type: 'span', text, marks: [] }],
})
const doc = (locale: string, version: number, effectiveFrom: string, text: string) => ({
  _id: `legal.privacy.${locale}.v${version}`,
  _type: 'legalDocument',
  kind: 'privacy',
  locale,
  version,
  effectiveFrom,
  title: locale === 'ru' ? 'Политика' : 'Policy',
  material: version === 2,
  changeSummary: `Summary ${version}`,
  body: [block('a', 'h2', '1. Intro'), block('b', 'normal', text), block('c', 'h2', '2. Rights')],
})
writeFileSync(
  datasetPath,
  [
    doc('ru', 1, '2020-01-01T00:00:00Z', 'Первая редакция.'),
    doc('ru', 2, '2021-01-01T00:00:00Z', 'Вторая редакция.'),
    doc('ru', 3, '2099-01-01T00:00:00Z', 'Будущая редакция.'),
    doc('en', 1, '2020-01-01T00:00:00Z', 'First version.'),
    {
      _id: 'siteSettings',
      _type: 'siteSettings',
      operatorName: { ru: 'ООО «Тест»', en: 'Test LLC' },
      contactEmail: 'hello@palitra.example',
      dataRequestEmail: 'privacy@palitra.example',
    },
  ]
    .map((d) => JSON.stringify(d))
    .join('\n') + '\n',
)

process.env.DATA_DIR = dir
process.env.CONTENT_DATASET = datasetPath
process.env.SANITY_WEBHOOK_SECRET = WEBHOOK_SECRET

const request = (url: string, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${url}`, { headers })
const args = (url: string, params: Record<string, string>, headers?: Record<string, string>) => ({
  request: request(url, headers),
  params,
  context: {},
})

let routes: {
  index: typeof IndexRoute
  lang: typeof LangRoute
  policy: typeof PolicyRoute
  version: typeof VersionRoute
  versions: typeof VersionsRoute
  changes: typeof ChangesRoute
  language: typeof LanguageRoute
  webhook: typeof WebhookRoute
  readyz: typeof ReadyzRoute
}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  // Opening and migrating the database is the slow part; do it once up front.
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    index: await import('~/routes/_index'),
    lang: await import('~/routes/$lang'),
    policy: await import('~/routes/$lang.$kind._index'),
    version: await import('~/routes/$lang.$kind.v.$version'),
    versions: await import('~/routes/$lang.$kind.versions'),
    changes: await import('~/routes/$lang.$kind.changes'),
    language: await import('~/routes/language'),
    webhook: await import('~/routes/webhooks.sanity'),
    readyz: await import('~/routes/readyz'),
  }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

describe('/ picks a language', () => {
  it.each([
    [{ Cookie: 'lng=en' }, '/en'],
    [{ 'Accept-Language': 'en-US,en;q=0.9' }, '/en'],
    [{ 'Accept-Language': 'de-DE,de;q=0.9' }, '/ru'],
    [{ 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.8' }, '/en'],
    [{ Cookie: 'lng=ru', 'Accept-Language': 'en' }, '/ru'],
    [{}, '/ru'],
  ])('%o → %s', async (headers, location) => {
    const response = await routes.index.loader(args('/', {}, headers) as never)
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe(location)
  })
})

describe('language prefix', () => {
  it('accepts ru and en and 404s anything else', async () => {
    const ok = (await routes.lang.loader(args('/en', { lang: 'en' }) as never)) as unknown as DataResult
    expect(ok.data.locale).toBe('en')
    expect((ok.data.settings as { operatorName: string }).operatorName).toBe('Test LLC')
    expect(ok.data.viewer).toBeNull()
    expect(statusOf(await thrownBy(() => routes.lang.loader(args('/de', { lang: 'de' }) as never)))).toBe(404)
  })
})

describe('pages without a language prefix', () => {
  // What an archived legal text links to, and what Remix gives the `$lang`
  // route for it: the first segment as the "language".
  const langless = (url: string, headers?: Record<string, string>) =>
    thrownBy(() =>
      routes.lang.loader(
        args(url, { lang: new URL(url, 'http://localhost').pathname.split('/')[1]! }, headers) as never,
      ),
    )

  it.each([
    ['/account/delete', { Cookie: 'lng=en' }, '/en/account/delete'],
    ['/account/export', { 'Accept-Language': 'en-US,en;q=0.9' }, '/en/account/export'],
    ['/account/delete', { Cookie: 'lng=ru', 'Accept-Language': 'en' }, '/ru/account/delete'],
    ['/account/export?format=json&x=1', {}, '/ru/account/export?format=json&x=1'],
    ['/account/delete/', { 'Accept-Language': 'de-DE,de;q=0.9' }, '/ru/account/delete'],
    ['/privacy', { Cookie: 'lng=en' }, '/en/privacy'],
    ['/terms/v/1', {}, '/ru/terms/v/1'],
    ['/privacy/request', { Cookie: 'lng=en' }, '/en/privacy/request'],
  ])('%s with %o → %s', async (url, headers, location) => {
    const response = await langless(url, headers)
    expect(response).toBeInstanceOf(Response)
    expect((response as Response).status).toBe(302)
    expect((response as Response).headers.get('Location')).toBe(location)
    expect((response as Response).headers.get('Vary')).toBe('Cookie, Accept-Language')
  })

  it('404s language-less paths that are not pages of the site, so nothing bounces', async () => {
    for (const url of ['/account/unknown', '/de/privacy', '/fr', '/EN/privacy', '/privacy/v/abc', '/logout']) {
      const thrown = await langless(url, { Cookie: 'lng=en' })
      expect(thrown, url).not.toBeInstanceOf(Response)
      expect(statusOf(thrown), url).toBe(404)
    }
  })
})

describe('policy page loader', () => {
  it('serves the version in force with an ETag, announcing the future version', async () => {
    const result = (await routes.policy.loader(
      args('/ru/privacy', { lang: 'ru', kind: 'privacy' }) as never,
    )) as unknown as DataResult
    const page = result.data as {
      state: string
      document: { version: number; sha256: string }
      next: { version: number }
    }
    expect(page.state).toBe('ok')
    expect(page.document.version).toBe(2)
    expect(page.next.version).toBe(3)
    const headers = new Headers(result.init?.headers)
    expect(headers.get('ETag')).toMatch(/^"[\w-]{32}"$/)
    expect(headers.get('Cache-Control')).toContain('s-maxage')
    const again = (await routes.policy.loader(
      args('/ru/privacy', { lang: 'ru', kind: 'privacy' }) as never,
    )) as unknown as DataResult
    expect(new Headers(again.init?.headers).get('ETag')).toBe(headers.get('ETag'))
  })

  it('404s an unknown kind and a kind missing in the language, saying where it exists', async () => {
    expect(
      statusOf(await thrownBy(() => routes.policy.loader(args('/ru/nope', { lang: 'ru', kind: 'nope' }) as never))),
    ).toBe(404)
    const missing = (await routes.policy.loader(
      args('/en/terms', { lang: 'en', kind: 'terms' }) as never,
    )) as unknown as DataResult
    expect(missing.init?.status).toBe(404)
    expect(missing.data.state).toBe('missing')
  })
})

describe('version, archive and changes loaders', () => {
  it('serves an exact old version marked as superseded', async () => {
    const result = (await routes.version.loader(
      args('/ru/privacy/v/1', { lang: 'ru', kind: 'privacy', version: '1' }) as never,
    )) as unknown as DataResult
    expect(result.data.status).toBe('superseded')
    expect(result.data.inForce).toBe(2)
  })

  it.each(['0', '01', 'abc', '9', '1.5'])('404s version %s', async (version) => {
    const thrown = await thrownBy(() =>
      routes.version.loader(args(`/ru/privacy/v/${version}`, { lang: 'ru', kind: 'privacy', version }) as never),
    )
    expect(statusOf(thrown)).toBe(404)
  })

  it('lists versions newest first', async () => {
    const result = (await routes.versions.loader(
      args('/en/privacy/versions', { lang: 'en', kind: 'privacy' }) as never,
    )) as unknown as DataResult
    expect((result.data.versions as Array<{ version: number }>).map((v) => v.version)).toEqual([1])
  })

  it('defaults to the previous version against the one in force', async () => {
    const result = (await routes.changes.loader(
      args('/ru/privacy/changes', { lang: 'ru', kind: 'privacy' }) as never,
    )) as unknown as DataResult
    expect((result.data.from as { version: number }).version).toBe(1)
    expect((result.data.to as { version: number }).version).toBe(2)
    expect(result.data.wordsInserted).toBeGreaterThan(0)
  })

  it.each(['from=x&to=2', 'from=2&to=1', 'from=2&to=2', 'from=-1&to=2'])(
    'answers %s with a localized 400',
    async (query) => {
      const thrown = await thrownBy(() =>
        routes.changes.loader(args(`/ru/privacy/changes?${query}`, { lang: 'ru', kind: 'privacy' }) as never),
      )
      expect(statusOf(thrown)).toBe(400)
      expect((thrown as { data: string }).data).toMatch(/Выберите две существующие версии/)
    },
  )

  it('404s versions that do not exist', async () => {
    const thrown = await thrownBy(() =>
      routes.changes.loader(args('/ru/privacy/changes?from=1&to=7', { lang: 'ru', kind: 'privacy' }) as never),
    )
    expect(statusOf(thrown)).toBe(404)
  })
})

describe('/language', () => {
  it('remembers the language and returns to the same page in it', async () => {
    const response = await routes.language.loader(args('/language?lang=en&next=%2Fen%2Fprivacy%3Fx%3D1', {}) as never)
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/en/privacy?x=1')
    expect(response.headers.get('Set-Cookie')).toMatch(/^lng=en;.*Max-Age=31536000/)
  })

  it.each(['//evil.example/en', 'https://evil.example/en', '/ru/privacy', '/en\\@evil.example', '/enx'])(
    'never redirects off the chosen language (%s)',
    async (next) => {
      const response = await routes.language.loader(
        args(`/language?lang=en&next=${encodeURIComponent(next)}`, {}) as never,
      )
      expect(response.headers.get('Location')).toBe('/en')
    },
  )

  it.each([
    '/en/\r\nSet-Cookie: a=b',
    '/en/\n',
    '/en/\u0000',
    '/en/%0d%0a',
    '/en\t/evil.example',
    '/en/../..//evil.example',
    '/en/%2e%2e/%2e%2e//evil.example',
  ])('answers a malformed next (%j) with a redirect to the language home, never a 500', async (next) => {
    const response = await routes.language.loader(
      args(`/language?lang=en&next=${encodeURIComponent(next)}`, {}) as never,
    )
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/en')
  })

  it('re-serializes what it accepts, so the Location header is always plain ASCII', async () => {
    const response = await routes.language.loader(
      args(`/language?lang=ru&next=${encodeURIComponent('/ru/privacy?q=привет')}`, {}) as never,
    )
    expect(response.headers.get('Location')).toBe('/ru/privacy?q=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82')
  })

  it('refuses an unknown language', async () => {
    expect(statusOf(await thrownBy(() => routes.language.loader(args('/language?lang=de', {}) as never)))).toBe(400)
  })
})

describe('/webhooks/sanity', () => {
  const post = (body: string, signature?: string) => ({
    request: new Request('http://localhost/webhooks/sanity', {
      method: 'POST',
      body,
      headers: signature ? { 'sanity-webhook-signature': signature, 'content-type': 'application/json' } : {},
    }),
    params: {},
    context: {},
  })

  it('refuses a missing or forged signature with 401', async () => {
    const body = JSON.stringify({ _id: 'legal.privacy.ru.v2', _type: 'legalDocument' })
    expect((await routes.webhook.action(post(body) as never)).status).toBe(401)
    const forged = await encodeSignatureHeader(body, Date.now(), 'another-secret')
    expect((await routes.webhook.action(post(body, forged) as never)).status).toBe(401)
  })

  it('refuses a signature older than five minutes', async () => {
    const body = JSON.stringify({ _id: 'x' })
    const old = await encodeSignatureHeader(body, Date.now() - 6 * 60_000, WEBHOOK_SECRET)
    const response = await routes.webhook.action(post(body, old) as never)
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ reason: 'expired' })
  })

  it('invalidates the content cache for a good signature', async () => {
    const { getContentSource } = await import('~/content/index.server')
    const invalidate = vi.spyOn(getContentSource(), 'invalidate')
    const body = JSON.stringify({ _id: 'legal.privacy.ru.v3', _type: 'legalDocument' })
    const signature = await encodeSignatureHeader(body, Date.now(), WEBHOOK_SECRET)
    const response = await routes.webhook.action(post(body, signature) as never)
    expect(response.status).toBe(200)
    expect(invalidate).toHaveBeenCalled()
    invalidate.mockRestore()
  })

  it('archives the published version at once and records who published which revision', async () => {
    const { getDb } = await import('~/platform/db/client.server')
    const { getArchivedVersion } = await import('~/legal/archive.server')
    const { recentDeliveries } = await import('~/legal/index.server')
    const body = JSON.stringify({
      _id: 'legal.privacy.ru.v3',
      _type: 'legalDocument',
      _rev: 'rev-published-3',
      kind: 'privacy',
      locale: 'ru',
      version: 3,
      operation: 'create',
      publishedBy: 'p-legal-team-member',
      approval: null,
    })
    const signature = await encodeSignatureHeader(body, Date.now(), WEBHOOK_SECRET)
    const response = await routes.webhook.action(post(body, signature) as never)
    expect(response.status).toBe(200)
    const answer = (await response.json()) as { outcome: string; archivedVersionId: string }
    expect(['archived', 'already-archived']).toContain(answer.outcome)
    const archived = await getArchivedVersion(await getDb(), 'privacy', 'ru', 3)
    expect(archived?.id).toBe(answer.archivedVersionId)
    expect(archived?.plainText).toContain('Будущая редакция.')
    const [last] = await recentDeliveries(await getDb(), 1)
    expect(last).toMatchObject({
      documentId: 'legal.privacy.ru.v3',
      revision: 'rev-published-3',
      publisherId: 'p-legal-team-member',
      outcome: answer.outcome,
    })
  })

  it('answers 400 to a signed body that names no document', async () => {
    const body = JSON.stringify({ _type: 'legalDocument' })
    const signature = await encodeSignatureHeader(body, Date.now(), WEBHOOK_SECRET)
    expect((await routes.webhook.action(post(body, signature) as never)).status).toBe(400)
  })
})

describe('/readyz', () => {
  it('is not ready, naming the setting, while an enabled outside service is not disclosed by the privacy policy in force', async () => {
    const { resetEnvForTests } = await import('~/platform/env.server')
    const { resetDisclosureCache } = await import('~/legal/disclosure.server')
    const { logger } = await import('~/platform/log.server')
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    Object.assign(process.env, { IMAGE_ENGINE: 'openai', OPENAI_API_KEY: 'sk-test' })
    resetEnvForTests()
    resetDisclosureCache()
    try {
      const response = await routes.readyz.loader()
      const body = (await response.json()) as { checks: Record<string, string> }
      expect(response.status).toBe(503)
      expect(body.checks.database).toBe('ok')
      expect(body.checks.disclosures).toContain('IMAGE_ENGINE=openai')
      expect(body.checks.disclosures).toContain('does not disclose it')
      expect(error).toHaveBeenCalledWith(
        expect.objectContaining({ event: 'register.undisclosed-integration', processor: 'openai-images' }),
        expect.any(String),
      )
    } finally {
      delete process.env.IMAGE_ENGINE
      delete process.env.OPENAI_API_KEY
      resetEnvForTests()
      resetDisclosureCache()
      error.mockRestore()
    }
  })

  it('is ready when the database and the dataset answer', async () => {
    const response = await routes.readyz.loader()
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { database: 'ok', content: 'ok', disclosures: 'ok' },
    })
  })
})
