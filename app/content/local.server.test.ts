import { appendFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { logger } from '~/platform/log.server'
import { SANITY_FIXTURE_DATASET as FIXTURE } from '../../tests/mocks/sanity'
import { createLocalContentSource, parseDatasetNdjson, type LocalContentSource } from './local.server'

const open: LocalContentSource[] = []
const tempDirs: string[] = []

function source(file: string, options?: Parameters<typeof createLocalContentSource>[1]) {
  const created = createLocalContentSource(file, { debounceMs: 10, ...options })
  open.push(created)
  return created
}

async function tempCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'palitra-content-'))
  tempDirs.push(dir)
  const file = path.join(dir, 'production.ndjson')
  await writeFile(file, await readFile(FIXTURE, 'utf8'))
  return file
}

function newPrivacyVersion(version: number) {
  return {
    _id: `privacy-ru-v${version}`,
    _type: 'legalDocument',
    kind: 'privacy',
    locale: 'ru',
    version,
    effectiveFrom: '2026-02-01T00:00:00+03:00',
    title: 'Политика обработки персональных данных',
    changeSummary: 'Правка на диске.',
    material: false,
    body: [
      {
        _type: 'block',
        _key: 'b1',
        style: 'normal',
        markDefs: [],
        children: [{ _type: 'span', text: 'Новый текст.', marks: [] }],
      },
    ],
  }
}

const waitOpts = { timeout: 3000, interval: 20 }

afterEach(async () => {
  vi.restoreAllMocks()
  for (const s of open.splice(0)) s.close()
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('local content source', () => {
  test('lists published versions, highest first, with summary fields only', async () => {
    const versions = await source(FIXTURE, { watch: false }).listVersions('privacy', 'ru')
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1])
    expect(versions[2]).toEqual({
      id: 'privacy-ru-v1',
      kind: 'privacy',
      locale: 'ru',
      version: 1,
      effectiveFrom: '2025-03-01T00:00:00+03:00',
      title: 'Политика обработки персональных данных',
      changeSummary: 'Первая опубликованная редакция.',
      material: false,
    })
  })

  test('returns one version with its body, null when absent', async () => {
    const local = source(FIXTURE, { watch: false })
    const doc = await local.getDocument('privacy', 'en', 2)
    expect(doc).toMatchObject({ id: 'privacy-en-v2', version: 2, material: true })
    expect(doc?.body[0]).toMatchObject({ _type: 'block', style: 'h2' })
    expect(await local.getDocument('privacy', 'en', 7)).toBeNull()
    expect(await local.getDocument('cookies', 'ru', 1)).toBeNull()
  })

  test('resolves site settings per locale with Russian as the fallback', async () => {
    const local = source(FIXTURE, { watch: false })
    expect(await local.getSiteSettings('ru')).toEqual({
      operatorName: 'ООО «Вымышленная Палитра»',
      legalAddress: 'Нигдеград, ул. Примерная, д. 1',
      registrationNumbers: [
        { label: 'ОГРН', value: '0000000000000' },
        { label: 'ИНН', value: '0000000000' },
      ],
      contactEmail: 'hello@palitra.example',
      dataRequestEmail: 'privacy@palitra.example',
      dataRequestPostalAddress: 'Нигдеград, а/я 0',
      euRepresentative: null,
    })
    expect(await local.getSiteSettings('en')).toMatchObject({
      operatorName: 'Fictional Palitra LLC',
      legalAddress: '1 Example St, Nowhereville',
      registrationNumbers: [
        { label: 'Primary state registration number', value: '0000000000000' },
        { label: 'ИНН', value: '0000000000' },
      ],
      dataRequestPostalAddress: 'Нигдеград, а/я 0',
      euRepresentative: null,
    })
  })

  test('drafts and release versions are never returned', async () => {
    const local = source(FIXTURE, { watch: false })
    const ru = await local.listVersions('privacy', 'ru')
    expect(ru.map((v) => v.id)).toEqual(['privacy-ru-v3', 'privacy-ru-v2', 'privacy-ru-v1'])
    expect((await local.getDocument('privacy', 'ru', 2))?.title).toBe('Политика обработки персональных данных')
    expect(await local.getDocument('privacy', 'ru', 4)).toBeNull()
    expect((await local.listVersions('privacy', 'en')).map((v) => v.version)).toEqual([2, 1])
  })

  test('invalid documents are logged and skipped', async () => {
    const logged = vi.spyOn(logger, 'error')
    const local = source(FIXTURE, { watch: false })
    expect((await local.listVersions('terms', 'ru')).map((v) => v.version)).toEqual([1])
    expect(await local.getDocument('consent', 'ru', 1)).toBeNull()
    const ids = logged.mock.calls.map(([fields]) => (fields as { documentId?: string }).documentId)
    expect(ids).toEqual(['terms-ru-v2', 'consent-ru-v1'])
  })

  test('a malformed line is logged and skipped; the rest is served', async () => {
    const warned = vi.spyOn(logger, 'warn')
    const file = await tempCopy()
    await appendFile(file, '{"_id": "broken", "_type": "legalDocument", \n')
    const local = source(file, { watch: false })
    expect((await local.listVersions('privacy', 'ru')).map((v) => v.version)).toEqual([3, 2, 1])
    expect(warned).toHaveBeenCalledWith(
      expect.objectContaining({ file, line: 14 }),
      expect.stringContaining('malformed'),
    )
  })

  test('health: ok with legal documents, an error when the file cannot be read', async () => {
    await expect(source(FIXTURE, { watch: false }).checkHealth()).resolves.toBeUndefined()
    const missing = source(path.join(tmpdir(), 'palitra-no-such-dataset.ndjson'), { watch: false })
    await expect(missing.checkHealth()).rejects.toThrow(/could not be read/)
    await expect(missing.listVersions('privacy', 'ru')).rejects.toThrow(/could not be read/)
  })

  test('a file edited in place is re-read without a restart', async () => {
    const file = await tempCopy()
    const local = source(file)
    expect((await local.listVersions('privacy', 'ru')).map((v) => v.version)).toEqual([3, 2, 1])

    await appendFile(file, JSON.stringify(newPrivacyVersion(5)) + '\n')
    await vi.waitFor(async () => {
      expect((await local.listVersions('privacy', 'ru')).map((v) => v.version)).toEqual([5, 3, 2, 1])
    }, waitOpts)
    expect((await local.getDocument('privacy', 'ru', 5))?.changeSummary).toBe('Правка на диске.')
  })

  test('a file replaced by rename (how many editors save) keeps being watched', async () => {
    const file = await tempCopy()
    const local = source(file)
    await local.listVersions('privacy', 'ru')
    const original = await readFile(file, 'utf8')

    for (const version of [6, 7]) {
      const temp = `${file}.tmp`
      await writeFile(temp, original + JSON.stringify(newPrivacyVersion(version)) + '\n')
      await rename(temp, file)
      await vi.waitFor(async () => {
        expect((await local.listVersions('privacy', 'ru'))[0]?.version).toBe(version)
      }, waitOpts)
    }
  })

  test('a file that disappears keeps the last good data, logged as an error, and is stale until it is back', async () => {
    const error = vi.spyOn(logger, 'error')
    const file = await tempCopy()
    const good = await readFile(file, 'utf8')
    const local = source(file)
    expect((await local.listVersions('privacy', 'ru')).map((v) => v.version)).toEqual([3, 2, 1])
    expect(local.freshness()).toBe('ok')

    await rm(file)
    await vi.waitFor(
      () =>
        expect(error).toHaveBeenCalledWith(
          expect.objectContaining({ event: 'content.dataset.refused', file, reason: 'unreadable' }),
          expect.stringContaining('keeping the last good data'),
        ),
      waitOpts,
    )
    expect((await local.listVersions('privacy', 'ru')).map((v) => v.version)).toEqual([3, 2, 1])
    expect(local.freshness()).toBe('stale')

    await writeFile(file, good)
    await vi.waitFor(() => expect(local.freshness()).toBe('ok'), waitOpts)
  })

  test.each([
    [
      'cut short in the middle of a line',
      (good: string) => good.slice(0, good.lastIndexOf('{"_id"') + 30),
      'malformed-lines',
    ],
    ['garbled', () => '\u0000\u0001 not json at all\n\u00ff\n', 'malformed-lines'],
    ['emptied', () => '', 'empty'],
    ['left with no legal document', () => '{"_id":"siteSettings","_type":"siteSettings"}\n', 'no-legal-documents'],
  ])('a file %s is refused: the last good data stays and freshness says stale', async (_what, damage, reason) => {
    const error = vi.spyOn(logger, 'error')
    const onChange = vi.fn()
    const file = await tempCopy()
    const good = await readFile(file, 'utf8')
    const local = source(file, { onChange })
    const before = await local.listVersions('privacy', 'ru')
    const settings = await local.getSiteSettings('en')

    await writeFile(file, damage(good))
    await vi.waitFor(
      () =>
        expect(error).toHaveBeenCalledWith(
          expect.objectContaining({ event: 'content.dataset.refused', file, reason }),
          expect.any(String),
        ),
      waitOpts,
    )
    expect(await local.listVersions('privacy', 'ru')).toEqual(before)
    expect(await local.getSiteSettings('en')).toEqual(settings)
    await expect(local.checkHealth()).resolves.toBeUndefined()
    expect(local.freshness()).toBe('stale')
    expect(onChange).not.toHaveBeenCalled()

    // A good file with a new version is read again.
    await writeFile(file, good + JSON.stringify(newPrivacyVersion(5)) + '\n')
    await vi.waitFor(async () => expect((await local.listVersions('privacy', 'ru'))[0]?.version).toBe(5), waitOpts)
    expect(local.freshness()).toBe('ok')
  })

  test('stat polling (for mounts without file events) notices changes too', async () => {
    const file = await tempCopy()
    const local = source(file, { watch: 'poll', pollIntervalMs: 20 })
    await local.listVersions('privacy', 'ru')
    await appendFile(file, JSON.stringify(newPrivacyVersion(8)) + '\n')
    await vi.waitFor(async () => {
      expect((await local.listVersions('privacy', 'ru'))[0]?.version).toBe(8)
    }, waitOpts)
  })

  test('after close() the file is no longer watched', async () => {
    const file = await tempCopy()
    const local = source(file)
    await local.listVersions('privacy', 'ru')
    local.close()
    await appendFile(file, JSON.stringify(newPrivacyVersion(9)) + '\n')
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect((await local.listVersions('privacy', 'ru'))[0]?.version).toBe(3)
  })
})

describe('parseDatasetNdjson', () => {
  test('keeps published documents and skips blank lines, drafts, versions and non-documents', () => {
    const text = [
      '{"_id":"a","_type":"legalDocument"}',
      '',
      '{"_id":"drafts.a","_type":"legalDocument"}',
      '{"_id":"versions.r1.a","_type":"legalDocument"}',
      '[1,2,3]',
      '{"_type":"noId"}',
      '{"_id":"b"}',
    ].join('\n')
    expect(parseDatasetNdjson(text, 'inline').map((d) => d._id)).toEqual(['a', 'b'])
  })
})
