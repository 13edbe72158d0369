import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { logger } from '~/platform/log.server'
import { getArchivedVersion } from './archive.server'
import { createLocalContentSource } from '~/content/local.server'
import { ContentUnavailableError, type ContentSource } from '~/content/source'
import { clearArchivedMemo, getChangesPage, getPolicyPage, getVersionList, getVersionPage } from './documents.server'
import { renderPlainText, sha256Hex } from './plain-text'

const NOW = new Date('2026-06-01T12:00:00Z')

function legalDoc(
  kind: string,
  locale: string,
  version: number,
  effectiveFrom: string,
  text: string,
  material = false,
) {
  return {
    _id: `legal.${kind}.${locale}.v${version}`,
    _type: 'legalDocument',
    kind,
    locale,
    version,
    effectiveFrom,
    title: `${kind} ${locale} title`,
    material,
    changeSummary: version === 1 ? 'First version.' : `Summary of version ${version}.`,
    body: [
      {
        _type: 'block',
        _key: 'h',
        style: 'h2',
        markDefs: [],
        children: [{ _type: 'span', text: '1. Scope', marks: [] }],
      },
      { _type: 'block', _key: 'p', style: 'normal', markDefs: [], children: [{ _type: 'span', text, marks: [] }] },
    ],
  }
}

const baseDocuments = [
  legalDoc('privacy', 'ru', 1, '2026-01-01T00:00:00Z', 'Мы храним журналы девяносто дней.'),
  legalDoc('privacy', 'ru', 2, '2026-05-01T00:00:00Z', 'Мы храним журналы тридцать дней.', true),
  legalDoc('privacy', 'ru', 3, '2026-09-01T00:00:00Z', 'Мы храним журналы четырнадцать дней.'),
  legalDoc('terms', 'ru', 1, '2026-01-01T00:00:00Z', 'Условия только на русском.'),
  legalDoc('cookies', 'ru', 1, '2026-07-01T00:00:00Z', 'Ещё не действует.'),
  legalDoc('cookies', 'en', 1, '2026-01-01T00:00:00Z', 'Essential cookies only.'),
  legalDoc('cookies', 'en', 2, '2026-02-01T00:00:00Z', 'Essential and analytics cookies.'),
]

let database: TestDatabase
let dir: string
let datasetPath: string
let source: ReturnType<typeof createLocalContentSource>

function writeDataset(documents: unknown[]) {
  writeFileSync(datasetPath, documents.map((d) => JSON.stringify(d)).join('\n') + '\n')
}

beforeAll(async () => {
  database = await createTestDatabase()
  dir = mkdtempSync(path.join(tmpdir(), 'palitra-documents-'))
  datasetPath = path.join(dir, 'dataset.ndjson')
  writeDataset(baseDocuments)
  source = createLocalContentSource(datasetPath, { watch: false })
})

afterAll(async () => {
  source.close()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => clearArchivedMemo())

const deps = () => ({ db: database.db, source })

describe('getPolicyPage', () => {
  it('serves the version in force, announces the next one, and archives what it serves', async () => {
    const page = await getPolicyPage('privacy', 'ru', NOW, deps())
    expect(page.state).toBe('ok')
    if (page.state !== 'ok') return
    expect(page.document.version).toBe(2)
    expect(page.inForce).toBe(2)
    expect(page.previous).toBe(1)
    expect(page.next?.version).toBe(3)
    expect(page.fromArchive).toBe(false)
    expect(page.versions.map((v) => [v.version, v.status])).toEqual([
      [3, 'future'],
      [2, 'in-force'],
      [1, 'superseded'],
    ])
    const archived = await getArchivedVersion(database.db, 'privacy', 'ru', 2)
    expect(archived?.sha256).toBe(sha256Hex(renderPlainText(page.document)))
    expect(archived?.plainText).toContain('тридцать дней')
    expect(page.document.sha256).toBe(archived?.sha256)
  })

  it('keeps serving the archived text when the source later changes an archived version, and says so loudly', async () => {
    await getPolicyPage('privacy', 'ru', NOW, deps())
    const errorSpy = vi.spyOn(logger, 'error')
    const changedSource = createLocalContentSource(
      writeAlternate(
        baseDocuments.map((d) =>
          d._id === 'legal.privacy.ru.v2'
            ? legalDoc('privacy', 'ru', 2, d.effectiveFrom, 'Подменённый текст.', true)
            : d,
        ),
      ),
      { watch: false },
    )
    try {
      clearArchivedMemo()
      const page = await getPolicyPage('privacy', 'ru', NOW, { db: database.db, source: changedSource })
      expect(page.state).toBe('ok')
      if (page.state !== 'ok') return
      expect(page.document.plainText).toContain('тридцать дней')
      expect(page.document.plainText).not.toContain('Подменённый')
      expect(errorSpy).toHaveBeenCalledWith(
        expect.objectContaining({ event: 'legal.archive.conflict', version: 2 }),
        expect.any(String),
      )
    } finally {
      changedSource.close()
      errorSpy.mockRestore()
    }
  })

  it('falls back to the archive when the content source is unreachable', async () => {
    await getPolicyPage('privacy', 'ru', NOW, deps())
    clearArchivedMemo()
    const down: ContentSource = {
      name: 'sanity',
      listVersions: () => Promise.reject(new ContentUnavailableError('down')),
      getDocument: () => Promise.reject(new ContentUnavailableError('down')),
      getSiteSettings: () => Promise.reject(new ContentUnavailableError('down')),
      creditPacks: () => Promise.reject(new ContentUnavailableError('down')),
      approvedContent: () => Promise.reject(new ContentUnavailableError('down')),
      checkHealth: () => Promise.reject(new ContentUnavailableError('down')),
    }
    const page = await getPolicyPage('privacy', 'ru', NOW, { db: database.db, source: down })
    expect(page.state).toBe('ok')
    if (page.state !== 'ok') return
    expect(page.fromArchive).toBe(true)
    expect(page.document.version).toBe(2)
    expect(page.document.plainText).toContain('тридцать дней')
  })

  it('serves the newest earlier version when the one in force cannot be served', async () => {
    const brokenBody: ContentSource = {
      ...source,
      name: 'local',
      listVersions: (k, l) => source.listVersions(k, l),
      getDocument: (k, l, v) => (v === 2 ? Promise.resolve(null) : source.getDocument(k, l, v)),
      getSiteSettings: (l) => source.getSiteSettings(l),
      checkHealth: () => source.checkHealth(),
    }
    const page = await getPolicyPage('cookies', 'en', NOW, { db: database.db, source: brokenBody })
    expect(page.state).toBe('ok')
    if (page.state !== 'ok') return
    expect(page.document.version).toBe(1)
    expect(page.inForce).toBe(1)
  })

  it('says when a kind exists only in the other language', async () => {
    const page = await getPolicyPage('terms', 'en', NOW, deps())
    expect(page).toEqual({ state: 'missing', otherLocale: 'ru' })
    expect(await getPolicyPage('consent', 'en', NOW, deps())).toEqual({ state: 'missing', otherLocale: null })
  })

  it('reports a kind whose only version has not yet taken effect', async () => {
    const page = await getPolicyPage('cookies', 'ru', NOW, deps())
    expect(page.state).toBe('not-in-force')
    expect(page.state === 'not-in-force' && page.next?.version).toBe(1)
    expect(await getArchivedVersion(database.db, 'cookies', 'ru', 1)).toBeNull()
  })
})

describe('getVersionPage and getVersionList', () => {
  it('marks old and future versions and refuses unknown ones', async () => {
    const old = await getVersionPage('privacy', 'ru', 1, NOW, deps())
    expect(old?.status).toBe('superseded')
    expect(old?.inForce).toBe(2)
    expect(old?.previous).toBeNull()
    const future = await getVersionPage('privacy', 'ru', 3, NOW, deps())
    expect(future?.status).toBe('future')
    expect(future?.previous).toBe(2)
    expect(await getVersionPage('privacy', 'ru', 4, NOW, deps())).toBeNull()
    expect(await getVersionPage('privacy', 'en', 1, NOW, deps())).toBeNull()
  })

  it('lists versions newest first with their status', async () => {
    const list = await getVersionList('privacy', 'ru', NOW, deps())
    expect(list.inForce).toBe(2)
    expect(list.versions.map((v) => v.version)).toEqual([3, 2, 1])
    expect(list.versions[1]?.material).toBe(true)
  })

  it('moves the version in force forward when time passes', async () => {
    const later = await getPolicyPage('privacy', 'ru', new Date('2026-09-01T00:00:00Z'), deps())
    expect(later.state === 'ok' && later.document.version).toBe(3)
    expect(later.state === 'ok' && later.next).toBeNull()
  })
})

describe('getChangesPage', () => {
  it('diffs two versions word by word with every change summary in between', async () => {
    const changes = await getChangesPage('privacy', 'ru', 1, 3, NOW, deps())
    expect(changes).not.toBeNull()
    expect(changes!.summaries.map((s) => s.version)).toEqual([2, 3])
    expect(changes!.wordsDeleted).toBeGreaterThan(0)
    expect(changes!.wordsInserted).toBeGreaterThan(0)
    const segments = changes!.paragraphs.flatMap((p) => p.segments)
    expect(segments).toContainEqual({ type: 'delete', text: 'девяносто' })
    expect(segments).toContainEqual({ type: 'insert', text: 'четырнадцать' })
  })

  it('refuses reversed, equal and unknown versions', async () => {
    expect(await getChangesPage('privacy', 'ru', 2, 1, NOW, deps())).toBeNull()
    expect(await getChangesPage('privacy', 'ru', 2, 2, NOW, deps())).toBeNull()
    expect(await getChangesPage('privacy', 'ru', 1, 9, NOW, deps())).toBeNull()
  })
})

let alternateCount = 0
function writeAlternate(documents: unknown[]) {
  const file = path.join(dir, `alternate-${alternateCount++}.ndjson`)
  writeFileSync(file, documents.map((d) => JSON.stringify(d)).join('\n') + '\n')
  return file
}
