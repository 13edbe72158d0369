import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Locale } from './ui-text'

/**
 * What the "fixture" server serves (tests/fixtures/e2e/dataset.ndjson, made
 * by build-dataset.mjs next to it), read from the file itself so the tests
 * and the data cannot drift apart.
 */

type FixtureDocument = {
  _id: string
  _type: string
  kind: string
  locale: Locale
  version: number
  title: string
  changeSummary: string | null
  material: boolean
  body: Array<{ _type: string; caption?: string; rows: Array<{ cells: string[] }> }>
}

type FixtureSettings = {
  operatorName: Record<Locale, string>
  contactEmail: string
  dataRequestEmail: string
}

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/e2e/dataset.ndjson')
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { _id: string; _type: string })

export const settings = rows.find((row) => row._id === 'siteSettings') as unknown as FixtureSettings

export function fixtureDocument(kind: string, locale: Locale, version: number): FixtureDocument {
  const found = rows.find(
    (row): row is FixtureDocument =>
      row._type === 'legalDocument' &&
      !row._id.startsWith('drafts.') &&
      (row as FixtureDocument).kind === kind &&
      (row as FixtureDocument).locale === locale &&
      (row as FixtureDocument).version === version,
  )
  if (!found) throw new Error(`the e2e dataset has no ${kind} ${locale} v${version}`)
  return found
}

/** The privacy policy's shape in the dataset: v1 superseded, v2 in force, v3 future. */
export const PRIVACY = { superseded: 1, inForce: 2, future: 3 } as const

/** Effective dates as the site prints them (long date, Moscow time). */
export const EFFECTIVE_DATE: Record<Locale, Record<1 | 2 | 3, string>> = {
  ru: { 1: '1 марта 2025 г.', 2: '1 сентября 2025 г.', 3: '1 января 2099 г.' },
  en: { 1: '1 March 2025', 2: '1 September 2025', 3: '1 January 2099' },
}
