import type { Database } from '~/platform/db/client.server'
import type { Locale } from '~/platform/i18n/locales'
import type { ContentSource } from '~/content/index.server'
import { DOCUMENT_KINDS, type DocumentKind } from '~/platform/document-kinds'
import { allArchivedVersions, renderPlainText, sha256Hex, resolveRegisterTables } from '~/legal/index.server'
import { logger } from '~/platform/log.server'

/**
 * The archive check: does the content source (Sanity, or the local seed
 * dataset) still hold each archived version with the very text whose hash
 * the archive holds? The source's document is rendered to plain text and
 * hashed with the functions archiveVersion uses (~/legal/plain-text.ts), so
 * "matches" means the same bytes the archive hashed.
 *
 * The source is asked as little as the ContentSource interface allows: one
 * cached listing per kind and language, then one cached fetch per version
 * the listing names (versions it does not list are missing without a
 * fetch), a few at a time. A failed health check answers "unavailable" for
 * everything without asking for any document.
 */

export const ARCHIVE_CHECK_STATES = ['matches', 'differs', 'missing', 'unavailable'] as const
export type ArchiveCheckState = (typeof ARCHIVE_CHECK_STATES)[number]

export type ArchiveCheckEntry = {
  id: string
  kind: DocumentKind
  locale: Locale
  version: number
  title: string
  archivedSha256: string
  state: ArchiveCheckState
  /** SHA-256 of the source's current text of this version, when it differs. */
  sourceSha256: string | null
}

export type ArchiveCheckResult = {
  source: ContentSource['name']
  /** ISO 8601 UTC. */
  checkedAt: string
  /** False when the source failed its health check: every entry is then 'unavailable'. */
  reachable: boolean
  entries: ArchiveCheckEntry[]
  counts: Record<ArchiveCheckState, number>
}

const PARALLEL_FETCHES = 4

/** Runs `task` over `items` with at most `limit` running at once, keeping the order of the results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  async function worker() {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export async function checkArchive(db: Database, source: ContentSource, now = new Date()): Promise<ArchiveCheckResult> {
  const archived = await allArchivedVersions(db)

  const reachable = await source.checkHealth().then(
    () => true,
    (error: unknown) => {
      logger.warn({ err: error, event: 'legal_admin.archive_check.unreachable' }, 'archive check: source unavailable')
      return false
    },
  )

  // One listing per (kind, locale) that has archived versions; null when the listing failed.
  const listed = new Map<string, Set<number> | null>()
  if (reachable) {
    const pairs = [...new Set(archived.map((row) => `${row.kind}:${row.locale}`))]
    await mapLimited(pairs, PARALLEL_FETCHES, async (pair) => {
      const [kind, locale] = pair.split(':') as [DocumentKind, Locale]
      try {
        const versions = await source.listVersions(kind, locale)
        listed.set(pair, new Set(versions.map((v) => v.version)))
      } catch (error) {
        logger.warn({ err: error, kind, locale, event: 'legal_admin.archive_check.list_failed' }, 'archive check')
        listed.set(pair, null)
      }
    })
  }

  const entries = await mapLimited(archived, PARALLEL_FETCHES, async (row): Promise<ArchiveCheckEntry> => {
    const entry = {
      id: row.id,
      kind: row.kind,
      locale: row.locale,
      version: row.version,
      title: row.title,
      archivedSha256: row.sha256,
      sourceSha256: null,
    }
    if (!reachable) return { ...entry, state: 'unavailable' }
    const versions = listed.get(`${row.kind}:${row.locale}`)
    if (versions === null || versions === undefined) return { ...entry, state: 'unavailable' }
    if (!versions.has(row.version)) return { ...entry, state: 'missing' }
    try {
      const document = await source.getDocument(row.kind, row.locale, row.version)
      // Listed but not served: gone since the listing, or its body no longer passes validation.
      if (!document) return { ...entry, state: 'missing' }
      // Register tables as the register holds them today: a register change shows as 'differs'.
      const sourceSha256 = sha256Hex(renderPlainText(resolveRegisterTables(document)))
      return sourceSha256 === row.sha256 ? { ...entry, state: 'matches' } : { ...entry, state: 'differs', sourceSha256 }
    } catch (error) {
      logger.warn(
        {
          err: error,
          kind: row.kind,
          locale: row.locale,
          version: row.version,
          event: 'legal_admin.archive_check.fetch_failed',
        },
        'archive check',
      )
      return { ...entry, state: 'unavailable' }
    }
  })

  const counts = Object.fromEntries(ARCHIVE_CHECK_STATES.map((s) => [s, 0])) as Record<ArchiveCheckState, number>
  for (const entry of entries) counts[entry.state] += 1
  const kindOrder = (kind: DocumentKind) => DOCUMENT_KINDS.indexOf(kind)
  entries.sort(
    (a, b) => kindOrder(a.kind) - kindOrder(b.kind) || a.locale.localeCompare(b.locale) || b.version - a.version,
  )
  return { source: source.name, checkedAt: now.toISOString(), reachable, entries, counts }
}
