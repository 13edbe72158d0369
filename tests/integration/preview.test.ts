import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as PreviewRoute from '~/routes/$lang_.$kind.preview.$version'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources, statusOf, thrownBy } from './support'

// The draft preview route against the process-wide database and a content
// dataset written here, holding drafts and the secrets the Studio would make.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-preview-route-'))
const datasetPath = path.join(dir, 'dataset.ndjson')

const block = (key: string, style: string, text: string) => ({
  _type: 'block',
  _key: key,
  style,
  markDefs: [],
  children: [{ _type: 'span', text, marks: [] }],
})
const doc = (
  id: string,
  locale: string,
  version: number,
  effectiveFrom: string,
  text: string,
  extra: Record<string, unknown> = {},
) => ({
  _id: id,
  _type: 'legalDocument',
  kind: 'privacy',
  locale,
  version,
  effectiveFrom,
  title: locale === 'ru' ? 'Политика' : 'Policy',
  material: false,
  changeSummary: `Summary ${version}`,
  body: [
    block('a', 'h2', '1. Intro'),
    block('b', 'normal', text),
    { _type: 'registerTable', _key: 'r', table: 'cookies' },
  ],
  ...extra,
})
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()
const secret = (id: string, value: string, updatedAt: string) => ({
  _id: `drafts.${id}`,
  _type: 'sanity.previewUrlSecret',
  _updatedAt: updatedAt,
  secret: value,
  source: 'palitra-preview',
  studioUrl: 'https://studio.palitra.example/',
  userId: 'editor',
})

const FRESH = 'fresh-secret-value'
const EXPIRED = 'expired-secret-value'

writeFileSync(
  datasetPath,
  [
    doc('privacy-ru-v1', 'ru', 1, '2020-01-01T00:00:00Z', 'Первая редакция.'),
    doc('privacy-ru-v2', 'ru', 2, '2021-01-01T00:00:00Z', 'Вторая редакция, мы храним журналы тридцать дней.'),
    doc('privacy-ru-v3', 'ru', 3, '2099-01-01T00:00:00Z', 'Будущая редакция.'),
    // A draft of a version already published: its number is not a draft's to preview.
    doc('drafts.privacy-ru-v2', 'ru', 2, '2021-01-01T00:00:00Z', 'Правка опубликованной.'),
    doc('drafts.privacy-ru-v4', 'ru', 4, '2099-06-01T00:00:00Z', 'Черновик, мы храним журналы четырнадцать дней.', {
      material: true,
      changeSummary: 'Журналы хранятся меньше.',
    }),
    doc('privacy-en-v1', 'en', 1, '2020-01-01T00:00:00Z', 'First version.'),
    // Dated in the past: in force the moment it is published.
    doc('drafts.privacy-en-v2', 'en', 2, '2022-01-01T00:00:00Z', 'Second version, shorter logs.'),
    secret('fresh', FRESH, minutesAgo(5)),
    secret('old', EXPIRED, minutesAgo(90)),
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

let dropOwnDatabase: () => Promise<void> = async () => {}
let route: typeof PreviewRoute

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  route = await import('~/routes/$lang_.$kind.preview.$version')
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

function load(lang: string, kind: string, version: string, query = `?sanity-preview-secret=${FRESH}`) {
  return route.loader({
    request: new Request(`http://localhost/${lang}/${kind}/preview/${version}${query}`),
    params: { lang, kind, version },
    context: {},
  } as never) as unknown as Promise<DataResult>
}

async function archivedCount() {
  const { getDb } = await import('~/platform/db/client.server')
  const { allArchivedVersions } = await import('~/legal/index.server')
  return (await allArchivedVersions(await getDb())).length
}

describe('the preview of a draft', () => {
  it('shows the draft as it will be served, with the diff from the version in force, and archives nothing', async () => {
    const result = await load('ru', 'privacy', '4')
    const page = result.data as {
      draft: { version: number; material: boolean; changeSummary: string; body: Array<{ _type: string }> }
      status: string
      inForce: { version: number }
      announced: boolean
      comparison: { wordsInserted: number; wordsDeleted: number }
    }
    expect(page.draft).toMatchObject({ version: 4, material: true, changeSummary: 'Журналы хранятся меньше.' })
    // The register table is filled in, as archiving would.
    expect(page.draft.body.map((b) => b._type)).toEqual(['block', 'block', 'table'])
    expect(page.status).toBe('future')
    expect(page.inForce.version).toBe(2)
    // Version 3 takes effect first, so the page in force announces 3, not 4.
    expect(page.announced).toBe(false)
    expect(page.comparison.wordsInserted).toBeGreaterThan(0)
    expect(page.comparison.wordsDeleted).toBeGreaterThan(0)
    expect(await archivedCount()).toBe(0)
  })

  it('is never cached and never indexed', async () => {
    const result = await load('ru', 'privacy', '4')
    const headers = new Headers(result.init?.headers)
    expect(headers.get('Cache-Control')).toBe('no-store, private')
    expect(headers.get('X-Robots-Tag')).toBe('noindex, nofollow')
    expect(headers.get('ETag')).toBeNull()
    const meta = route.meta({ data: result.data } as never)
    expect(meta).toContainEqual({ name: 'robots', content: 'noindex, nofollow' })
  })

  it('a draft dated in the past takes effect on publishing; the English one compares with English version 1', async () => {
    const result = await load('en', 'privacy', '2')
    expect(result.data).toMatchObject({ status: 'in-force', inForce: { version: 1 }, announced: false })
    expect(await archivedCount()).toBe(0)
  })

  it('has no action: nothing can be posted to it, so nothing can be accepted', () => {
    expect('action' in route).toBe(false)
  })
})

describe('a preview that cannot be shown is a localized 404, never cached', () => {
  it.each([
    ['a wrong secret', 'ru', 'privacy', '4', '?sanity-preview-secret=nope'],
    ['an expired secret', 'ru', 'privacy', '4', `?sanity-preview-secret=${EXPIRED}`],
    ['no secret', 'ru', 'privacy', '4', ''],
    ['an empty secret', 'ru', 'privacy', '4', '?sanity-preview-secret='],
    ['an unknown kind', 'ru', 'nonsense', '4', `?sanity-preview-secret=${FRESH}`],
    ['an unknown language', 'de', 'privacy', '4', `?sanity-preview-secret=${FRESH}`],
    ['a malformed number', 'ru', 'privacy', '04', `?sanity-preview-secret=${FRESH}`],
    ['a published version', 'ru', 'privacy', '2', `?sanity-preview-secret=${FRESH}`],
    ['no such draft', 'ru', 'privacy', '9', `?sanity-preview-secret=${FRESH}`],
    ['a draft in the other language only', 'en', 'privacy', '4', `?sanity-preview-secret=${FRESH}`],
  ])('%s', async (_case, lang, kind, version, query) => {
    const thrown = await thrownBy(() => load(lang, kind, version, query))
    expect(statusOf(thrown)).toBe(404)
    const refusal = thrown as DataResult
    expect(new Headers(refusal.init?.headers).get('Cache-Control')).toBe('no-store, private')
    expect(typeof refusal.data).toBe('string')
    if (lang === 'ru') expect(String(refusal.data)).toMatch(/[а-я]/)
    expect(await archivedCount()).toBe(0)
  })

  it('preview switched off (Sanity without a read token) is a 404 too', async () => {
    const { previewPage } = await import('~/flows/pages/index.server')
    const thrown = await thrownBy(() =>
      previewPage(
        new Request(`http://localhost/ru/privacy/preview/4?sanity-preview-secret=${FRESH}`),
        { lang: 'ru', kind: 'privacy', version: '4' },
        { access: null },
      ),
    )
    expect(statusOf(thrown)).toBe(404)
  })
})
