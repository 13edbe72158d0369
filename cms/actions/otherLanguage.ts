/**
 * Does the other language have a version of the same document in force from
 * the same moment? Russian and English are numbered separately, so the check
 * is by effective date, over the rows `fetchSeries` returns for the other
 * language (published versions and drafts alike).
 */
import { isPublishedDocumentId, type StoredVersion } from '../schemaTypes/rules'
import { LOCALE_TITLES, LOCALES, type Locale } from '../schemaTypes/vocabulary'

export function otherLocale(locale: Locale): Locale {
  return LOCALES.find((candidate) => candidate !== locale) ?? locale
}

export interface CounterpartVersion {
  version: number
  published: boolean
}

/** The other language's versions (published first, then drafts) that take effect at exactly `effectiveFrom`. */
export function counterpartsAt(rows: readonly StoredVersion[], effectiveFrom: unknown): CounterpartVersion[] {
  if (typeof effectiveFrom !== 'string') return []
  const at = new Date(effectiveFrom).getTime()
  if (Number.isNaN(at)) return []
  const found: CounterpartVersion[] = []
  for (const row of rows) {
    if (row._id.startsWith('versions.') || typeof row.version !== 'number') continue
    if (typeof row.effectiveFrom !== 'string' || new Date(row.effectiveFrom).getTime() !== at) continue
    found.push({ version: row.version, published: isPublishedDocumentId(row._id) })
  }
  return found.sort((a, b) => Number(b.published) - Number(a.published) || a.version - b.version)
}

/**
 * The warning the confirmation shows when the other language has nothing
 * taking effect at the same moment, or null when it does.
 */
export function otherLanguageWarning(
  locale: Locale,
  rows: readonly StoredVersion[],
  effectiveFrom: unknown,
): string | null {
  if (counterpartsAt(rows, effectiveFrom).length > 0) return null
  const other = LOCALE_TITLES[otherLocale(locale)]
  return `The ${other} text has no version (published or draft) in force from the same moment. Readers of the two languages would be shown different versions; publish a matching ${other} version too, unless this change concerns one language only.`
}

/** What the confirmation says when the other language does have a matching version. */
export function describeCounterpart(
  locale: Locale,
  rows: readonly StoredVersion[],
  effectiveFrom: unknown,
): string | null {
  const [first] = counterpartsAt(rows, effectiveFrom)
  if (!first) return null
  const other = LOCALE_TITLES[otherLocale(locale)]
  return `${other}: version ${first.version} (${first.published ? 'published' : 'draft'}) takes effect at the same moment.`
}
