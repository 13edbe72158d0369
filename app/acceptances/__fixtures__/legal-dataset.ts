import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createLocalContentSource, type LocalContentSource } from '~/content/local.server'

/** For tests: one published legal document as `sanity dataset export` writes it. */
export function legalDoc(kind: string, locale: string, version: number, effectiveFrom: string, material = false) {
  return {
    _id: `legal.${kind}.${locale}.v${version}`,
    _type: 'legalDocument',
    kind,
    locale,
    version,
    effectiveFrom,
    title: `${kind} ${locale} v${version}`,
    material,
    changeSummary: version === 1 ? 'First version.' : `Summary of version ${version}.`,
    body: [
      {
        _type: 'block',
        _key: 'p',
        style: 'normal',
        markDefs: [],
        children: [{ _type: 'span', text: `Text of ${kind} ${locale} version ${version}.`, marks: [] }],
      },
    ],
  }
}

/**
 * For tests: a fixed timeline of versions (dates in 2026, far from the real
 * clock's concerns), served by a local content source over a temporary file.
 *
 * terms ru:   v1 Jan, v2 Mar (material), v3 Apr, v4 Jun
 * privacy ru: v1 Jan, v2 May
 * consent ru: v1 Jan, v2 Jul (material)
 * terms en:   v1 Jan, v2 Mar (material); privacy en, consent en: v1 Jan
 * cookies:    none in ru; en v1 only from 2027
 */
export const TIMELINE = {
  jan: new Date('2026-02-01T12:00:00Z'),
  mar: new Date('2026-03-15T12:00:00Z'),
  apr: new Date('2026-04-15T12:00:00Z'),
  may: new Date('2026-05-15T12:00:00Z'),
  jun: new Date('2026-06-15T12:00:00Z'),
  jul: new Date('2026-07-15T12:00:00Z'),
}

export const timelineDocuments = [
  legalDoc('terms', 'ru', 1, '2026-01-01T00:00:00Z'),
  legalDoc('terms', 'ru', 2, '2026-03-01T00:00:00Z', true),
  legalDoc('terms', 'ru', 3, '2026-04-01T00:00:00Z'),
  legalDoc('terms', 'ru', 4, '2026-06-01T00:00:00Z'),
  legalDoc('privacy', 'ru', 1, '2026-01-01T00:00:00Z'),
  legalDoc('privacy', 'ru', 2, '2026-05-01T00:00:00Z'),
  legalDoc('consent', 'ru', 1, '2026-01-01T00:00:00Z'),
  legalDoc('consent', 'ru', 2, '2026-07-01T00:00:00Z', true),
  legalDoc('terms', 'en', 1, '2026-01-01T00:00:00Z'),
  legalDoc('terms', 'en', 2, '2026-03-01T00:00:00Z', true),
  legalDoc('privacy', 'en', 1, '2026-01-01T00:00:00Z'),
  legalDoc('consent', 'en', 1, '2026-01-01T00:00:00Z'),
  legalDoc('cookies', 'en', 1, '2027-01-01T00:00:00Z'),
]

export function createTestContentSource(documents: unknown[] = timelineDocuments): {
  source: LocalContentSource
  cleanup(): void
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'palitra-consent-'))
  const file = path.join(dir, 'dataset.ndjson')
  writeFileSync(file, documents.map((d) => JSON.stringify(d)).join('\n') + '\n')
  const source = createLocalContentSource(file, { watch: false })
  return {
    source,
    cleanup() {
      source.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
