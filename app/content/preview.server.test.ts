import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { SANITY_FIXTURE_DATASET as FIXTURE } from '../../tests/mocks/sanity'
import {
  createLocalPreviewAccess,
  LocalPreviewClient,
  previewAccessFor,
  PREVIEW_SECRETS_FILE,
  writeLocalPreviewSecret,
} from './preview.server'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

const NOW = new Date('2026-12-07T10:00:00Z')
const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString()

function secretDocument(id: string, secret: string, updatedAt: string) {
  return {
    _id: `drafts.${id}`,
    _type: 'sanity.previewUrlSecret',
    _updatedAt: updatedAt,
    secret,
    source: 'palitra-preview',
    studioUrl: 'https://studio.palitra.example/desk',
    userId: 'u1',
  }
}

/** The fixture dataset plus a fresh and an expired secret; a third secret in the side file. */
async function dataset() {
  const dir = await mkdtemp(path.join(tmpdir(), 'palitra-preview-'))
  dirs.push(dir)
  const datasetPath = path.join(dir, 'production.ndjson')
  const lines = [
    (await readFile(FIXTURE, 'utf8')).trimEnd(),
    JSON.stringify(secretDocument('fresh', 'fresh-secret', minutesBefore(10))),
    JSON.stringify(secretDocument('old', 'old-secret', minutesBefore(61))),
  ]
  await writeFile(datasetPath, `${lines.join('\n')}\n`)
  const secretsPath = path.join(dir, PREVIEW_SECRETS_FILE)
  await writeFile(
    secretsPath,
    [
      JSON.stringify(secretDocument('local', 'side-file-secret', minutesBefore(1))),
      // Content in the side file is never content: only secrets are taken from it.
      JSON.stringify({
        _id: 'drafts.terms-ru-v9',
        _type: 'legalDocument',
        kind: 'terms',
        locale: 'ru',
        version: 9,
        effectiveFrom: '2099-01-01T00:00:00+03:00',
        title: 'Не отсюда',
        body: [
          {
            _type: 'block',
            _key: 'a',
            style: 'normal',
            markDefs: [],
            children: [{ _type: 'span', text: 'x', marks: [] }],
          },
        ],
      }),
    ].join('\n'),
  )
  return { datasetPath, secretsPath }
}

const url = (secret: string | null) =>
  `http://localhost/ru/privacy/preview/4${secret === null ? '' : `?sanity-preview-secret=${encodeURIComponent(secret)}`}`

describe('the secret of a preview address on the local dataset', () => {
  test('a secret from the dataset less than an hour old is valid, through validatePreviewUrl', async () => {
    const access = createLocalPreviewAccess({ ...(await dataset()), now: () => NOW })
    expect(await access.validate(url('fresh-secret'))).toBe(true)
  })

  test('a secret from the side file of npm run preview:link is valid too', async () => {
    const access = createLocalPreviewAccess({ ...(await dataset()), now: () => NOW })
    expect(await access.validate(url('side-file-secret'))).toBe(true)
  })

  test('an expired, unknown, empty or missing secret is refused', async () => {
    const access = createLocalPreviewAccess({ ...(await dataset()), now: () => NOW })
    expect(await access.validate(url('old-secret'))).toBe(false)
    expect(await access.validate(url('fresh-secre'))).toBe(false)
    expect(await access.validate(url('fresh-secret '))).toBe(false)
    expect(await access.validate(url(''))).toBe(false)
    expect(await access.validate(url(null))).toBe(false)
  })

  test('a fresh secret expires an hour after it was written', async () => {
    const files = await dataset()
    const later = new Date(NOW.getTime() + 51 * 60_000)
    expect(await createLocalPreviewAccess({ ...files, now: () => later }).validate(url('fresh-secret'))).toBe(false)
  })

  test('a missing side file is no error', async () => {
    const files = await dataset()
    await rm(files.secretsPath)
    const access = createLocalPreviewAccess({ ...files, now: () => NOW })
    expect(await access.validate(url('fresh-secret'))).toBe(true)
    expect(await access.validate(url('side-file-secret'))).toBe(false)
  })
})

describe('a secret written for npm run preview:link', () => {
  test('is valid for an hour; writing another drops the expired ones and keeps the live ones', async () => {
    const files = await dataset()
    const first = await writeLocalPreviewSecret(files.secretsPath, { now: NOW })
    expect(first.expiresAt.toISOString()).toBe('2026-12-07T11:00:00.000Z')
    const at = (minutes: number) =>
      createLocalPreviewAccess({ ...files, now: () => new Date(NOW.getTime() + minutes * 60_000) })
    expect(await at(59).validate(url(first.secret))).toBe(true)
    expect(await at(61).validate(url(first.secret))).toBe(false)
    const secretsIn = async () =>
      (await readFile(files.secretsPath, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { secret: string }).secret)
    const second = await writeLocalPreviewSecret(files.secretsPath, { now: new Date(NOW.getTime() + 30 * 60_000) })
    expect(await secretsIn()).toEqual(['side-file-secret', first.secret, second.secret])
    // Seventy minutes on, every earlier secret has expired and is dropped.
    const third = await writeLocalPreviewSecret(files.secretsPath, { now: new Date(NOW.getTime() + 70 * 60_000) })
    expect(await secretsIn()).toEqual([second.secret, third.secret])
  })

  test('starts the file when DATA_DIR has none', async () => {
    const files = await dataset()
    await rm(files.secretsPath)
    const { secret } = await writeLocalPreviewSecret(files.secretsPath, { now: NOW })
    expect(await createLocalPreviewAccess({ ...files, now: () => NOW }).validate(url(secret))).toBe(true)
  })
})

describe('what the preview reads from the local dataset', () => {
  test('the drafts perspective shows a never-published draft, validated like published content', async () => {
    const access = createLocalPreviewAccess({ ...(await dataset()), now: () => NOW })
    const draft = await access.source.getDocument('privacy', 'ru', 4)
    expect(draft).toMatchObject({ id: 'privacy-ru-v4', kind: 'privacy', locale: 'ru', version: 4 })
    const versions = await access.source.listVersions('privacy', 'ru')
    expect(versions.map((v) => v.version)).toEqual([4, 3, 2, 1])
  })

  test('a draft of a published document takes its place; release versions and side-file content stay out', async () => {
    const access = createLocalPreviewAccess({ ...(await dataset()), now: () => NOW })
    expect(await access.source.getDocument('privacy', 'en', 3)).toBeNull()
    expect(await access.source.getDocument('terms', 'ru', 9)).toBeNull()
    const client = new LocalPreviewClient({ ...(await dataset()), perspective: 'drafts' })
    const ids = await client.fetch<Array<{ _id: string; _originalId?: string }>>(
      '*[_type == "legalDocument" && kind == "privacy" && locale == "ru" && version == 2]{_id, _originalId}',
    )
    expect(ids).toEqual([{ _id: 'privacy-ru-v2', _originalId: 'drafts.privacy-ru-v2' }])
  })

  test('the raw perspective sees drafts under their own ids, and secrets; published sees neither', async () => {
    const client = new LocalPreviewClient(await dataset())
    const raw = await client.withConfig({ perspective: 'raw' }).fetch<string[]>('*[_id in path("drafts.**")]._id')
    expect(raw).toEqual(expect.arrayContaining(['drafts.privacy-ru-v4', 'drafts.fresh', 'drafts.local']))
    const published = await client
      .withConfig({ perspective: 'published' })
      .fetch<string[]>('*[_id in path("drafts.**") || _id in path("versions.**")]._id')
    expect(published).toEqual([])
  })
})

describe('whether preview is on', () => {
  const base = {
    SANITY_DATASET: 'production',
    SANITY_API_VERSION: '2025-02-19',
    contentDatasetPath: FIXTURE,
    dataDir: tmpdir(),
  }

  test('Sanity without a read token: off', () => {
    expect(previewAccessFor({ ...base, SANITY_PROJECT_ID: 'abc123', SANITY_READ_TOKEN: undefined })).toBeNull()
  })

  test('Sanity with a read token, or the local dataset: on', () => {
    expect(previewAccessFor({ ...base, SANITY_PROJECT_ID: 'abc123', SANITY_READ_TOKEN: 'sk-test' })).not.toBeNull()
    expect(previewAccessFor({ ...base, SANITY_PROJECT_ID: undefined, SANITY_READ_TOKEN: undefined })).not.toBeNull()
  })
})
