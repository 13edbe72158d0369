import { LRUCache } from 'lru-cache'
import { getDb, type Database } from '~/platform/db/client.server'
import { isLocale, otherLocale, type Locale } from '~/platform/i18n/locales'
import { unavailableKind } from '~/platform/unavailable.server'
import { logger } from '~/platform/log.server'
import { archiveVersion, getArchivedVersion, listArchivedVersions, type ArchivedVersion } from './archive.server'
import { getContentSource, ContentUnavailableError, type ContentSource } from '~/content/index.server'
import { diffPlainText, groupByParagraph, tableOfParagraph, type DiffParagraph } from './diff'
import { effectiveVersion, nextAnnouncedVersion, previousVersion } from './effective-version'
import type { DocumentKind, SiteSettings } from '~/content'

/**
 * What the site shows of its legal documents. Content comes from the content
 * source (Sanity or the local dataset); every version served is snapshotted
 * into the archive first and the archived snapshot is what gets rendered, so
 * the text on the page is always the text whose hash we hold.
 */

export type VersionStatus = 'in-force' | 'future' | 'superseded'

export type VersionInfo = {
  version: number
  effectiveFrom: string
  title: string
  changeSummary: string | null
  material: boolean
  status: VersionStatus
}

export type PolicyPage =
  | {
      state: 'ok'
      document: ArchivedVersion
      versions: VersionInfo[]
      inForce: number
      /** The next version already published with a future date, if any. */
      next: VersionInfo | null
      previous: number | null
      /** True when the content source was unreachable and the archive answered. */
      fromArchive: boolean
    }
  | { state: 'missing'; otherLocale: Locale | null }
  | { state: 'not-in-force'; next: VersionInfo | null }

export type Deps = { db: Database; source: ContentSource }

async function defaultDeps(): Promise<Deps> {
  return { db: await getDb(), source: getContentSource() }
}

// Archived rows never change, so each process can keep the ones it has read
// (the most recently used ones: version numbers come from URLs).
const archivedMemo = new LRUCache<string, ArchivedVersion>({ max: 1000 })
const memoKey = (kind: DocumentKind, locale: Locale, version: number) => `${kind}/${locale}/${version}`

// The archive listing only grows; this process forgets its copy when it
// archives a version itself, and re-reads it after a short while to see what
// other instances archived. While the database does not answer, the copy it
// last read keeps the policy pages up (docs/decisions/017).
const ARCHIVE_LIST_TTL_MS = 30_000
const archivedListMemo = new LRUCache<string, Awaited<ReturnType<typeof listArchivedVersions>>>({
  max: 100, // one per kind and locale
  ttl: ARCHIVE_LIST_TTL_MS,
  // A list past its ttl is read again, but kept as the fallback.
  noDeleteOnStaleGet: true,
  // The wall clock, as everywhere else here (and as tests move it).
  perf: { now: () => Date.now() },
})

async function archivedList(db: Database, kind: DocumentKind, locale: Locale) {
  const key = `${kind}/${locale}`
  const fresh = archivedListMemo.get(key)
  if (fresh) return fresh
  try {
    const list = await listArchivedVersions(db, kind, locale)
    archivedListMemo.set(key, list)
    return list
  } catch (error) {
    const last = archivedListMemo.peek(key, { allowStale: true })
    const kindOfFailure = unavailableKind(error)
    if (!last || (kindOfFailure !== 'database' && kindOfFailure !== 'network')) throw error
    logger.warn(
      { event: 'archive.list.stale', kind, locale, err: error },
      'the database is unavailable; serving the archive list read earlier',
    )
    return last
  }
}

/** Statuses relative to `now`: the highest version whose date has come is in force. */
export function classifyVersions(
  versions: Array<Omit<VersionInfo, 'status'>>,
  now: Date,
): { versions: VersionInfo[]; inForce: number | null } {
  const sorted = [...versions].sort((a, b) => b.version - a.version)
  const inForce = effectiveVersion(sorted, now)?.version ?? null
  return {
    inForce,
    versions: sorted.map((v) => ({
      ...v,
      status:
        inForce !== null && v.version === inForce
          ? 'in-force'
          : Date.parse(v.effectiveFrom) > now.getTime()
            ? 'future'
            : 'superseded',
    })),
  }
}

/**
 * Every version known for a kind and locale: what the source publishes, merged
 * with the archive (the archive wins for a version it holds; it also keeps
 * versions the source no longer returns). When the source is unreachable the
 * archive alone answers.
 */
async function knownVersions(deps: Deps, kind: DocumentKind, locale: Locale) {
  const archived = await archivedList(deps.db, kind, locale)
  let fromArchive = false
  let published: Array<Omit<VersionInfo, 'status'>> = []
  try {
    published = await deps.source.listVersions(kind, locale)
  } catch (error) {
    if (!(error instanceof ContentUnavailableError)) throw error
    logger.warn({ kind, locale, err: error }, 'content source unavailable; serving the archive')
    fromArchive = true
  }
  const byVersion = new Map<number, Omit<VersionInfo, 'status'>>()
  for (const v of published) byVersion.set(v.version, pickInfo(v))
  for (const v of archived) byVersion.set(v.version, pickInfo(v))
  return { list: [...byVersion.values()], fromArchive }
}

function pickInfo(v: Omit<VersionInfo, 'status'>): Omit<VersionInfo, 'status'> {
  return {
    version: v.version,
    effectiveFrom: v.effectiveFrom,
    title: v.title,
    changeSummary: v.changeSummary,
    material: v.material,
  }
}

/**
 * One exact version as archived. The first time a process needs a version it
 * asks the source too and hands the result to archiveVersion, which snapshots
 * a new version or, for one already archived, logs a conflict if the text has
 * changed; either way the archived snapshot is what is returned.
 */
async function loadVersion(deps: Deps, kind: DocumentKind, locale: Locale, version: number) {
  const key = memoKey(kind, locale, version)
  const memo = archivedMemo.get(key)
  if (memo) return memo
  let fromSource = null
  try {
    fromSource = await deps.source.getDocument(kind, locale, version)
  } catch (error) {
    if (!(error instanceof ContentUnavailableError)) throw error
  }
  const archived = fromSource
    ? await archiveVersion(deps.db, fromSource)
    : await getArchivedVersion(deps.db, kind, locale, version)
  if (!archived) return null
  if (fromSource) archivedListMemo.delete(`${kind}/${locale}`)
  archivedMemo.set(key, archived)
  return archived
}

export async function getPolicyPage(
  kind: DocumentKind,
  locale: Locale,
  now = new Date(),
  deps?: Deps,
): Promise<PolicyPage> {
  const d = deps ?? (await defaultDeps())
  const { list, fromArchive } = await knownVersions(d, kind, locale)
  if (list.length === 0) {
    const other = otherLocale(locale)
    const otherVersions = await knownVersions(d, kind, other)
    return { state: 'missing', otherLocale: otherVersions.list.length ? other : null }
  }
  const { versions, inForce } = classifyVersions(list, now)
  const next = nextAnnouncedVersion(versions, now)
  if (inForce === null) return { state: 'not-in-force', next }
  // A version whose body failed validation is listed but cannot be served;
  // the newest earlier version that can be served stays in force.
  for (const candidate of versions.filter((v) => v.version <= inForce)) {
    const document = await loadVersion(d, kind, locale, candidate.version)
    if (!document) {
      logger.error({ kind, locale, version: candidate.version }, 'version in force cannot be served; falling back')
      continue
    }
    const previous = previousVersion(versions, candidate.version)?.version ?? null
    return { state: 'ok', document, versions, inForce: candidate.version, next, previous, fromArchive }
  }
  throw new ContentUnavailableError(`no servable version of ${kind}/${locale}`)
}

export async function getVersionList(kind: DocumentKind, locale: Locale, now = new Date(), deps?: Deps) {
  const d = deps ?? (await defaultDeps())
  const { list, fromArchive } = await knownVersions(d, kind, locale)
  return { ...classifyVersions(list, now), fromArchive }
}

/** One exact version with its place among the others, or null when it does not exist. */
export async function getVersionPage(
  kind: DocumentKind,
  locale: Locale,
  version: number,
  now = new Date(),
  deps?: Deps,
) {
  const d = deps ?? (await defaultDeps())
  const { list } = await knownVersions(d, kind, locale)
  if (!list.some((v) => v.version === version)) return null
  const document = await loadVersion(d, kind, locale, version)
  if (!document) return null
  const { versions, inForce } = classifyVersions(list, now)
  const status = versions.find((v) => v.version === version)!.status
  const previous = previousVersion(versions, version)?.version ?? null
  return { document, status, inForce, previous, versions }
}

export type ChangesPage = {
  from: ArchivedVersion
  to: ArchivedVersion
  /** Change summaries of every version after `from` up to `to`, oldest first. */
  summaries: VersionInfo[]
  versions: VersionInfo[]
  paragraphs: DiffParagraph[]
  wordsInserted: number
  wordsDeleted: number
}

/** The word-level difference between two versions, or null when either does not exist or from >= to. */
export async function getChangesPage(
  kind: DocumentKind,
  locale: Locale,
  from: number,
  to: number,
  now = new Date(),
  deps?: Deps,
): Promise<ChangesPage | null> {
  if (from >= to) return null
  const d = deps ?? (await defaultDeps())
  const { list } = await knownVersions(d, kind, locale)
  if (!list.some((v) => v.version === from) || !list.some((v) => v.version === to)) return null
  const [a, b] = await Promise.all([loadVersion(d, kind, locale, from), loadVersion(d, kind, locale, to)])
  if (!a || !b) return null
  const { versions } = classifyVersions(list, now)
  return {
    from: a,
    to: b,
    versions,
    summaries: versions.filter((v) => v.version > from && v.version <= to).reverse(),
    ...comparePlainTexts(a.plainText, b.plainText),
  }
}

export type TextComparison = Pick<ChangesPage, 'paragraphs' | 'wordsInserted' | 'wordsDeleted'>

/** The word-level difference of two rendered texts, paragraph by paragraph, as the changes page shows it. */
export function comparePlainTexts(from: string, to: string): TextComparison {
  const diff = diffPlainText(from, to)
  return {
    // A table stays a table on the page: its paragraph carries the row-by-row difference too.
    paragraphs: groupByParagraph(diff.segments).map((paragraph) => {
      const table = tableOfParagraph(paragraph)
      return table ? { ...paragraph, table } : paragraph
    }),
    wordsInserted: diff.wordsInserted,
    wordsDeleted: diff.wordsDeleted,
  }
}

/**
 * Every version the site knows of a kind and locale (the content source's
 * published list merged with the archive), read without archiving anything.
 */
export async function publishedVersions(kind: DocumentKind, locale: Locale, deps?: Deps) {
  const d = deps ?? (await defaultDeps())
  return (await knownVersions(d, kind, locale)).list
}

/** Operator details for a locale; null (and logged) when the source cannot say. */
export async function getSiteSettings(locale: string): Promise<SiteSettings | null> {
  if (!isLocale(locale)) return null
  try {
    return await getContentSource().getSiteSettings(locale)
  } catch (error) {
    logger.warn({ err: error }, 'site settings unavailable')
    return null
  }
}

/** For tests: forget the archived rows this process has read. */
export function clearArchivedMemo() {
  archivedMemo.clear()
  archivedListMemo.clear()
}
