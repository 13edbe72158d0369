import { readFileSync } from 'node:fs'
import path from 'node:path'
import { approvedContentHash } from '../../../app/legal/approval.server'
import { isDraftId, isVersionId, type StoredDocument } from './content-lake'
import type { StandInUser } from './stand-in'
import { ROOT } from './studio-server'

/** The dataset every test starts from: the shipped seed (what `sanity dataset import` would load). */
export const SEED_FILE = path.join(ROOT, 'cms/seed/production.ndjson')

export type Kind = 'privacy' | 'terms' | 'cookies' | 'consent'
export type Locale = 'ru' | 'en'

/** The list titles the Studio shows (cms/schemaTypes/vocabulary.ts). */
export const KIND_TITLES: Record<Kind, string> = {
  privacy: 'Privacy policy',
  terms: 'Terms of service (public offer)',
  cookies: 'Cookie policy',
  consent: 'Consent to personal-data processing',
}
export const LOCALE_TITLES: Record<Locale, string> = { ru: 'Russian', en: 'English' }

export interface LegalDocument extends StoredDocument {
  _type: 'legalDocument'
  kind: Kind
  locale: Locale
  version: number
  effectiveFrom?: string
  title?: string
  body?: unknown[]
  changeSummary?: string
  material?: boolean
}

let seed: StoredDocument[] | undefined

export function seedDocuments(): StoredDocument[] {
  seed ??= readFileSync(SEED_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as StoredDocument)
  return structuredClone(seed)
}

export function isLegalDocument(document: StoredDocument | undefined | null): document is LegalDocument {
  return document?._type === 'legalDocument'
}

/** The published versions of one kind and language, lowest number first. */
export function publishedVersions(documents: readonly StoredDocument[], kind: Kind, locale: Locale): LegalDocument[] {
  return documents
    .filter(isLegalDocument)
    .filter((doc) => doc.kind === kind && doc.locale === locale && !isDraftId(doc._id) && !isVersionId(doc._id))
    .sort((a, b) => a.version - b.version)
}

/** The highest published version of a series: the one “New version from this one” is used on. */
export function lastPublished(documents: readonly StoredDocument[], kind: Kind, locale: Locale): LegalDocument {
  const last = publishedVersions(documents, kind, locale).at(-1)
  if (!last) throw new Error(`the dataset has no published ${kind}/${locale}`)
  return last
}

/** How the Studio's preview titles a version (cms/schemaTypes/legalDocument.ts). */
export function versionTitle(kind: Kind, locale: Locale, version: number): string {
  return `${KIND_TITLES[kind]} · ${locale.toUpperCase()} · v${version}`
}

/** The API's and the rules' date format (`2026-12-13 21:00 UTC`). */
export function formatMoment(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

const DAY = 24 * 60 * 60 * 1000

/**
 * A moment the next version may take effect: a whole hour, `days` after both
 * now and the last published version's date, so the rules accept it whatever
 * day the suite runs.
 */
export function validEffectiveFrom(previous: LegalDocument, days = 30): string {
  const base = Math.max(Date.now(), new Date(previous.effectiveFrom ?? 0).getTime())
  const at = new Date(base + days * DAY)
  at.setUTCMinutes(0, 0, 0)
  return at.toISOString()
}

let keys = 0
/** A `_key` as the Studio makes them: unique within an array. */
export function key(): string {
  keys += 1
  return `k${Date.now().toString(36)}${keys.toString(36)}`
}

/** A portable-text paragraph. */
export function paragraph(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    _type: 'block',
    _key: key(),
    style: 'normal',
    markDefs: [],
    children: [{ _type: 'span', _key: key(), text, marks: [] }],
    ...extra,
  }
}

/**
 * An unpublished next version of a series that passes every rule: the next
 * number, a date after the last version, a title, text and a change summary.
 * `overrides` breaks whatever a test needs broken; a field set to undefined is left out.
 */
export function nextVersionDraft(
  documents: readonly StoredDocument[],
  kind: Kind,
  locale: Locale,
  overrides: Partial<Record<keyof LegalDocument, unknown>> = {},
): LegalDocument {
  const last = lastPublished(documents, kind, locale)
  const id = `drafts.studio-suite-${kind}-${locale}-v${last.version + 1}`
  const draft: Record<string, unknown> = {
    _id: id,
    _type: 'legalDocument',
    _rev: 'studio-suite-draft',
    _createdAt: new Date().toISOString(),
    _updatedAt: new Date().toISOString(),
    kind,
    locale,
    version: last.version + 1,
    effectiveFrom: validEffectiveFrom(last),
    title: last.title,
    body: [paragraph('This version was written by the Studio suite.')],
    changeSummary: 'Clarified how long we keep request logs.',
    material: false,
    ...overrides,
  }
  for (const [field, value] of Object.entries(draft)) if (value === undefined) delete draft[field]
  return draft as LegalDocument
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The draft with an approval by `user` of exactly its content, hashed as the
 * site hashes it (app/legal/approval.server.ts), as “Approve for publishing”
 * would have recorded it.
 */
export function approvedBy<T extends StoredDocument>(draft: T, user: StandInUser, approvedAt = new Date()): T {
  return {
    ...draft,
    approval: {
      userId: user.id,
      name: user.name,
      email: user.email,
      approvedAt: approvedAt.toISOString(),
      contentHash: approvedContentHash(draft),
    },
  }
}
