import { asc, desc, inArray } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { legalDocumentVersions as table } from './schema'
import type { ArchivedVersionSummary } from './archive.server'

/**
 * The archive as other parts read it: the legal team's views list which
 * versions exist and the hash each was archived with, without bodies or texts
 * (the archive stays small, one row per published version, so it is read
 * whole); the ledger looks up the versions its rows name.
 */

export type ArchiveEntry = Pick<
  ArchivedVersionSummary,
  'id' | 'kind' | 'locale' | 'version' | 'title' | 'effectiveFrom' | 'material' | 'sha256'
>

const columns = {
  id: table.id,
  kind: table.kind,
  locale: table.locale,
  version: table.version,
  title: table.title,
  effectiveFrom: table.effectiveFrom,
  material: table.material,
  sha256: table.sha256,
}

function toEntry(row: { effectiveFrom: Date } & Omit<ArchiveEntry, 'effectiveFrom'>): ArchiveEntry {
  return { ...row, effectiveFrom: row.effectiveFrom.toISOString() }
}

/** Every archived version of every kind and locale: kind, then locale, newest version first. */
export async function allArchivedVersions(db: Database): Promise<ArchiveEntry[]> {
  const rows = await db.select(columns).from(table).orderBy(asc(table.kind), asc(table.locale), desc(table.version))
  return rows.map(toEntry)
}

/**
 * Archived versions by their row ids, for the parts that keep those ids (the
 * acceptance ledger names the version each row accepted). One query for the
 * whole list; an id the archive does not hold is simply absent from the map.
 * Archive rows never change, so the answer holds for the caller's whole
 * transaction.
 */
export async function archivedVersionsById(
  db: Database,
  ids: readonly string[],
): Promise<Map<string, ArchivedVersionSummary>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map()
  const rows = await db
    .select({
      id: table.id,
      kind: table.kind,
      locale: table.locale,
      version: table.version,
      effectiveFrom: table.effectiveFrom,
      title: table.title,
      changeSummary: table.changeSummary,
      material: table.material,
      sha256: table.sha256,
      sourceDocumentId: table.sourceDocumentId,
      firstSeenAt: table.firstSeenAt,
    })
    .from(table)
    .where(inArray(table.id, unique))
  return new Map(
    rows.map((row) => [
      row.id,
      { ...row, effectiveFrom: row.effectiveFrom.toISOString(), firstSeenAt: row.firstSeenAt.toISOString() },
    ]),
  )
}
