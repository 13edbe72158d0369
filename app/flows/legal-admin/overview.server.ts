import { type VersionLookupOptions, ASKED_KINDS, type NoVersionInForceReason } from '~/acceptances/index.server'
import type { Database } from '~/platform/db/client.server'
import { requestsSummary, type RequestsSummary } from '~/privacy-requests/index.server'
import { LOCALES, type Locale } from '~/platform/i18n/locales'
import { DOCUMENT_KINDS, type DocumentKind } from '~/platform/document-kinds'
import {
  accountStandings,
  inForceKey,
  versionStats,
  versionsInForce,
  type StandingCounts,
  type VersionStats,
} from './stats.server'

/** One document kind in one language on the overview: its version in force and who has accepted it. */
export type InForceRow = {
  kind: DocumentKind
  locale: Locale
} & (
  | {
      state: 'ok'
      documentVersionId: string
      version: number
      title: string
      /** ISO 8601 UTC. */
      effectiveFrom: string
      material: boolean
      /** The highest material version up to the one in force, or null. */
      lastMaterialVersion: number | null
      /** Ledger rows giving this exact version (every event, every subject). */
      given: number
      withdrawn: number
      /** Cookie categories refused from the start ("only essential"), counted apart from withdrawals. */
      declined: number
      /** Active accounts by standing; null for kinds the site does not ask account holders to accept (cookies). */
      accounts: StandingCounts | null
    }
  | { state: 'none'; reason: NoVersionInForceReason }
)

export type LegalOverview = {
  inForce: InForceRow[]
  requests: RequestsSummary
}

export async function legalOverview(
  db: Database,
  opts: { now?: Date; deps?: VersionLookupOptions['deps'] } = {},
): Promise<LegalOverview> {
  const now = opts.now ?? new Date()
  // Resolving the versions in force may archive a version served for the first
  // time, so it runs before the counts read the archive.
  const inForce = await versionsInForce({ now, deps: opts.deps })
  const stats = await versionStats(db)
  const standings = await accountStandings(db, inForce)
  const requests = await requestsSummary(db, now)

  const statsById = new Map<string, VersionStats>(stats.map((s) => [s.id, s]))
  const asked = new Set<DocumentKind>(ASKED_KINDS)
  const rows: InForceRow[] = []
  for (const kind of DOCUMENT_KINDS) {
    for (const locale of LOCALES) {
      const entry = inForce.get(inForceKey(kind, locale))!
      if (entry.state !== 'ok') {
        rows.push({ kind, locale, state: 'none', reason: entry.reason })
        continue
      }
      const { current, lastMaterialVersion } = entry.version
      const counted = statsById.get(current.documentVersionId)
      rows.push({
        kind,
        locale,
        state: 'ok',
        documentVersionId: current.documentVersionId,
        version: current.version,
        title: current.title,
        effectiveFrom: current.effectiveFrom,
        material: current.material,
        lastMaterialVersion,
        given: counted?.given ?? 0,
        withdrawn: counted?.withdrawn ?? 0,
        declined: counted?.declined ?? 0,
        accounts: asked.has(kind) ? (standings.get(inForceKey(kind, locale)) ?? null) : null,
      })
    }
  }
  return { inForce: rows, requests }
}
