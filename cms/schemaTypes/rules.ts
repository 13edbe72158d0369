/**
 * Publishing rules for legal documents and site settings.
 *
 * They are plain functions over plain data, so they can be unit-tested without
 * a Studio (rules.test.ts runs under the web app's vitest). The schema wires
 * them to Sanity: it loads the other versions with GROQ and calls them. Each
 * returns `true` or a message written for the legal team.
 *
 * Keep this file free of runtime imports from `sanity`.
 */

export type RuleResult = true | string

/** The highest nesting level of a list the web app accepts (app/content/legal-document.ts). */
export const MAX_LIST_LEVEL = 4

/** Another stored document of the same kind and locale: a published version or a draft. */
export interface SiblingVersion {
  version: number
  published: boolean
  effectiveFrom?: string | null
}

/** A row as GROQ returns it, before we know whose draft it is. */
export interface StoredVersion {
  _id: string
  version?: unknown
  effectiveFrom?: unknown
}

// --- document ids ---------------------------------------------------------

/** `drafts.abc` and `versions.<release>.abc` are copies of the document `abc`. */
export function publishedIdOf(id: string): string {
  if (id.startsWith('drafts.')) return id.slice('drafts.'.length)
  if (id.startsWith('versions.')) return id.split('.').slice(2).join('.')
  return id
}

export function isPublishedDocumentId(id: string): boolean {
  return !id.startsWith('drafts.') && !id.startsWith('versions.')
}

/**
 * Splits what GROQ returned for one kind and locale into the document being
 * checked (is it already published?) and its siblings (every other document).
 * Without a document id, every stored document is a sibling.
 */
export function describeSeries(
  stored: readonly StoredVersion[],
  documentId?: string,
): { isPublished: boolean; siblings: SiblingVersion[] } {
  const ownId = documentId === undefined ? undefined : publishedIdOf(documentId)
  let isPublished = false
  const siblings: SiblingVersion[] = []
  for (const row of stored) {
    if (publishedIdOf(row._id) === ownId) {
      if (isPublishedDocumentId(row._id)) isPublished = true
      continue
    }
    // Content-release copies never reach the site; a draft without a number yet cannot clash.
    if (row._id.startsWith('versions.') || typeof row.version !== 'number') continue
    siblings.push({
      version: row.version,
      published: isPublishedDocumentId(row._id),
      effectiveFrom: typeof row.effectiveFrom === 'string' ? row.effectiveFrom : null,
    })
  }
  return { isPublished, siblings }
}

// --- version numbers ------------------------------------------------------

/**
 * Kind, language and number cannot be changed once set (legalDocument.ts), so
 * a draft whose number was taken meanwhile (somebody else published first)
 * cannot be renumbered: its text moves to a fresh draft instead.
 */
export const START_AGAIN =
  'The number cannot be changed here: copy any text you need, discard this draft, then open the latest published version and choose “New version from this one”.'

/** A draft always gets its number from the list it was created in or from “New version from this one”. */
export const VERSION_MISSING =
  'This draft has no version number, and it cannot be typed in. Discard it and create the version from its kind and language list, or with “New version from this one”.'

export function lastPublishedVersion(siblings: readonly SiblingVersion[]): SiblingVersion | undefined {
  let last: SiblingVersion | undefined
  for (const sibling of siblings) {
    if (sibling.published && (!last || sibling.version > last.version)) last = sibling
  }
  return last
}

/** The number the next version must carry: the last published one + 1, or 1. */
export function nextVersionNumber(siblings: readonly SiblingVersion[]): number {
  return (lastPublishedVersion(siblings)?.version ?? 0) + 1
}

/** One document per kind + locale + version, drafts included. */
export function checkVersionUnique(version: unknown, siblings: readonly SiblingVersion[]): RuleResult {
  if (typeof version !== 'number') return true
  const clash = siblings.find((sibling) => sibling.version === version)
  if (!clash) return true
  // The number is locked once set, so each message says how to get out.
  if (clash.published) {
    return `Version ${version} of this document in this language is already published. Each number can be used once. ${START_AGAIN}`
  }
  return `Version ${version} of this document in this language already exists as an unpublished draft. Each number can be used once. Continue in that draft, or discard one of the two.`
}

/**
 * A new version's number follows the last published one. A document that is
 * already published keeps the number it was published with.
 */
export function checkVersionFollowsLast(
  version: unknown,
  isPublished: boolean,
  siblings: readonly SiblingVersion[],
): RuleResult {
  if (isPublished || typeof version !== 'number') return true
  const last = lastPublishedVersion(siblings)
  const expected = (last?.version ?? 0) + 1
  if (version === expected) return true
  if (!last) {
    return 'Nothing is published yet for this document in this language, so this is version 1. The number cannot be changed here: discard this draft and create the version from its kind and language list.'
  }
  if (version <= last.version) {
    return `Version ${last.version} is already published, so the next version is ${expected}. ${START_AGAIN}`
  }
  return `Version ${last.version} is the last published one; ${version} would leave a gap. Use ${expected}. ${START_AGAIN}`
}

// --- dates ----------------------------------------------------------------

function parseMoment(value: unknown): Date | null {
  if (typeof value !== 'string' || value.trim() === '') return null
  const at = new Date(value)
  return Number.isNaN(at.getTime()) ? null : at
}

/** `2025-09-01 00:00 UTC`: unambiguous for a legal team spread over time zones. */
export function formatMoment(value: Date | string): string {
  const at = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(at.getTime())) return String(value)
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** Required, a real date, and not earlier than the last published version's. */
export function checkEffectiveFrom(
  effectiveFrom: unknown,
  isPublished: boolean,
  siblings: readonly SiblingVersion[],
): RuleResult {
  if (effectiveFrom === undefined || effectiveFrom === null || effectiveFrom === '') {
    return 'Set the date and time from which this version is in force.'
  }
  const at = parseMoment(effectiveFrom)
  if (!at) return 'This is not a valid date and time.'
  if (isPublished) return true
  const last = lastPublishedVersion(siblings)
  const lastAt = parseMoment(last?.effectiveFrom)
  if (last && lastAt && at < lastAt) {
    return `Version ${last.version} takes effect on ${formatMoment(lastAt)}; a later version cannot take effect before it.`
  }
  return true
}

/** A warning, not an error: a version cannot have been in force before anyone could read it. */
export function checkNotBackdated(effectiveFrom: unknown, isPublished: boolean, now: Date): RuleResult {
  const at = parseMoment(effectiveFrom)
  if (isPublished || !at || at >= now) return true
  return 'This date is in the past. Nobody could read this version before it is published, so it should take effect at publication or later.'
}

// --- content --------------------------------------------------------------

/** Readers see the summary on the “what changed” page, so every version after the first needs one. */
export function checkChangeSummary(changeSummary: unknown, version: unknown): RuleResult {
  if (typeof version !== 'number' || version <= 1) return true
  if (typeof changeSummary === 'string' && changeSummary.trim() !== '') return true
  return 'Say what changed since the previous version and why. The site shows this to readers.'
}

/** The web app refuses an empty body and lists nested deeper than it can render. */
export function checkBody(body: unknown): RuleResult {
  if (!Array.isArray(body) || body.length === 0) return 'Write the text of this version.'
  const tooDeep = body.some(
    (block) =>
      typeof block === 'object' && block !== null && typeof block.level === 'number' && block.level > MAX_LIST_LEVEL,
  )
  if (tooDeep) return `Lists can be nested at most ${MAX_LIST_LEVEL} levels deep; the site cannot show deeper ones.`
  return true
}

const WEB_ADDRESS = /^https?:\/\/[^\s/?#]+[^\s]*$/
const EMAIL_LINK = /^mailto:[^\s@]+@[^\s@]+$/
// One leading slash only: `//host/...` would leave the site.
const SITE_PATH = /^\/(?![/\\])[^\s]*$/

export function checkLinkHref(href: unknown): RuleResult {
  if (typeof href !== 'string' || href.trim() === '') return 'Enter the address this link points to.'
  if (WEB_ADDRESS.test(href) || EMAIL_LINK.test(href) || SITE_PATH.test(href)) return true
  return 'Use a web address (https://…), an email link (mailto:…) or a path on this site starting with a single / (for example /ru/privacy).'
}

function cellCount(count: number): string {
  return count === 1 ? '1 cell' : `${count} cells`
}

/** The first row is the header; every row must line up with it. */
export function checkTableRows(rows: unknown): RuleResult {
  if (!Array.isArray(rows) || rows.length < 2) return 'A table needs a header row and at least one row of data.'
  const widths = rows.map((row: unknown) => {
    const cells = typeof row === 'object' && row !== null ? (row as { cells?: unknown }).cells : undefined
    return Array.isArray(cells) ? cells.length : 0
  })
  const header = widths[0] ?? 0
  if (header === 0) return 'The header row (the first row) needs at least one cell.'
  const odd = widths.findIndex((width) => width !== header)
  if (odd === -1) return true
  return `Row ${odd + 1} has ${cellCount(widths[odd] ?? 0)} but the header row has ${cellCount(header)}. Every row needs the same number of cells.`
}

/** A `{ru, en}` value: both languages or (when optional) neither, never one alone. */
export function checkLocalizedText(value: unknown, required: boolean): RuleResult {
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  const filled = (text: unknown) => typeof text === 'string' && text.trim() !== ''
  const ru = filled(record.ru)
  const en = filled(record.en)
  if (ru && en) return true
  if (!ru && !en) return required ? 'Fill in both the Russian and the English text.' : true
  return ru
    ? 'Add the English text too, or the English pages will show nothing here.'
    : 'Add the Russian text too, or the Russian pages will show nothing here.'
}

// --- published versions are frozen -----------------------------------------

/** The fields that make up a version. System fields (_id, _rev, dates) are not content. */
export const VERSION_CONTENT_FIELDS = [
  'kind',
  'locale',
  'version',
  'effectiveFrom',
  'title',
  'body',
  'changeSummary',
  'material',
] as const

// An unset flag is false and an empty summary is no summary: neither is an edit.
function normalizedField(document: Record<string, unknown>, field: string): unknown {
  const value = document[field]
  if (field === 'material') return value === true
  if (field === 'changeSummary') return typeof value === 'string' && value.trim() !== '' ? value : null
  return value ?? null
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i]))
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  // Key order and keys set to undefined do not make content different.
  const keys = new Set([...Object.keys(left), ...Object.keys(right)])
  for (const key of keys) {
    if (!sameValue(left[key], right[key])) return false
  }
  return true
}

export function changedFields(draft: Record<string, unknown>, published: Record<string, unknown>): string[] {
  return VERSION_CONTENT_FIELDS.filter(
    (field) => !sameValue(normalizedField(draft, field), normalizedField(published, field)),
  )
}

/**
 * A draft of a document that is already published may not change it: people
 * have accepted that exact text. Corrections go into a new version.
 */
export function checkPublishedVersionUnchanged(
  draft: Record<string, unknown>,
  published: Record<string, unknown> | null | undefined,
): RuleResult {
  if (!published) return true
  const changed = changedFields(draft, published)
  if (changed.length === 0) return true
  const version = typeof published.version === 'number' ? `Version ${published.version}` : 'This version'
  return `${version} is published and cannot be changed (changed here: ${changed.join(', ')}). Discard this draft and use “New version from this one”.`
}

// --- new version from an existing one ----------------------------------------

export interface NewVersionDraft {
  _type: 'legalDocument'
  kind: unknown
  locale: unknown
  version: number
  title: unknown
  body: unknown
  material: false
}

/**
 * The draft “New version from this one” creates: same kind, locale, title and
 * text; the next number; no effective date and no change summary (the legal
 * team must decide both); not material until someone says so.
 * `series` is every stored document of that kind and locale.
 */
export function newVersionFrom(
  source: Readonly<Record<string, unknown>>,
  series: readonly SiblingVersion[],
): NewVersionDraft {
  return {
    _type: 'legalDocument',
    kind: source.kind,
    locale: source.locale,
    version: nextVersionNumber(series),
    title: source.title,
    // A deep copy, so the new draft never shares objects with the published version.
    body: source.body === undefined ? [] : structuredClone(source.body),
    material: false,
  }
}

/**
 * The ids of the outside services in the site's register of processing
 * (app/platform/processing-register/processors.ts). The Studio is its own package and cannot
 * import the site's code; a test keeps the two lists equal.
 */
export const REGISTER_PROCESSOR_IDS = [
  'hosting',
  'openai-images',
  'yandex-art-images',
  'kandinsky-images',
  'object-storage',
  'smtp',
  'tbank',
  'sanity',
  'google-sign-in',
  'yandex-sign-in',
  'vk-sign-in',
  'telegram-sign-in',
] as const

export function checkRegisterInclude(include: unknown, parent: unknown): RuleResult {
  const table = typeof parent === 'object' && parent !== null ? (parent as { table?: unknown }).table : undefined
  if (table !== 'processors') return true
  if (!Array.isArray(include) || include.length === 0) return 'Choose the outside services this version discloses.'
  const unknown = include.filter((id) => !(REGISTER_PROCESSOR_IDS as readonly unknown[]).includes(id))
  if (unknown.length) return `Not in the register of processing: ${unknown.join(', ')}.`
  if (new Set(include).size !== include.length) return 'Each service once.'
  return true
}
