import { appendFileSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Locale } from './ui-text'

/**
 * What the "accounts" and "reaccept" servers serve
 * (tests/fixtures/e2e/accounts-dataset.ndjson, made by
 * build-accounts-dataset.mjs), read from the file itself so the tests and the
 * data cannot drift apart; and the edit reaccept.spec.ts makes to the
 * reaccept server's copy of it.
 */

export type AccountsKind = 'terms' | 'privacy' | 'consent' | 'cookies'

type DatasetDocument = {
  _id: string
  _type: string
  kind: AccountsKind
  locale: Locale
  version: number
  effectiveFrom: string
  title: string
  material: boolean
  changeSummary: string | null
  body: unknown[]
  [field: string]: unknown
}

export const ACCOUNTS_DATASET = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../fixtures/e2e/accounts-dataset.ndjson',
)

function legalDocuments(file: string): DatasetDocument[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DatasetDocument)
    .filter((row) => row._type === 'legalDocument' && !row._id.startsWith('drafts.'))
}

/** The version in force of a kind in a dataset file: the highest one already effective. */
export function documentInForce(kind: AccountsKind, locale: Locale, file = ACCOUNTS_DATASET): DatasetDocument {
  const now = Date.now()
  const candidates = legalDocuments(file).filter(
    (d) => d.kind === kind && d.locale === locale && Date.parse(d.effectiveFrom) <= now,
  )
  if (candidates.length === 0) throw new Error(`${file} has no ${kind} ${locale} in force`)
  return candidates.reduce((a, b) => (b.version > a.version ? b : a))
}

/** What registration shows: the documents and the hidden `shownVersions` value the form carries. */
export const REGISTER_KINDS = ['terms', 'privacy', 'consent'] as const
export const GUEST_KINDS = ['terms', 'privacy', 'consent'] as const

export function shownVersions(kinds: readonly AccountsKind[], locale: Locale, file = ACCOUNTS_DATASET): string {
  return kinds.map((kind) => `${kind}:${documentInForce(kind, locale, file).version}`).join(',')
}

export type NewVersion = {
  kind: AccountsKind
  version: number
  title: string
  changeSummary: string
  effectiveFrom: string
}

/**
 * Appends the next version of `kind` in each locale to a dataset file, as
 * the legal team publishing it in Sanity would: one document per language,
 * version = in force + 1, effective from `effectiveFrom(version)` (in the
 * past, so it is in force at once). One append call, so the server re-reads
 * it once.
 */
export function appendNextVersion(
  file: string,
  kind: AccountsKind,
  {
    material,
    effectiveFrom: effectiveFromOf,
    marker,
  }: { material: boolean; effectiveFrom: (version: number) => string; marker: string },
): Record<Locale, NewVersion> {
  const added = {} as Record<Locale, NewVersion>
  const lines: string[] = []
  for (const locale of ['ru', 'en'] as const) {
    const current = documentInForce(kind, locale, file)
    const version = current.version + 1
    const effectiveFrom = effectiveFromOf(version)
    const changeSummary =
      locale === 'ru'
        ? `Существенное изменение для проверки (${marker}).`
        : `A significant change under test (${marker}).`
    lines.push(
      JSON.stringify({
        ...current,
        _id: `e2e-accounts.${kind}.${locale}.v${version}`,
        _rev: `e2e-accounts-${kind}-${locale}-${version}-added`,
        _updatedAt: new Date().toISOString(),
        version,
        effectiveFrom,
        material,
        changeSummary,
        body: [
          ...current.body,
          {
            _type: 'block',
            _key: `added-${kind}-${locale}-${version}`,
            style: 'normal',
            markDefs: [],
            children: [{ _type: 'span', _key: `added-span-${version}`, text: `${marker} ${locale}`, marks: [] }],
          },
        ],
      }),
    )
    added[locale] = { kind, version, title: current.title, changeSummary, effectiveFrom }
  }
  appendFileSync(file, lines.join('\n') + '\n')
  return added
}
