import { inArray } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { legalDocumentVersions as table } from './schema'
import type { ArchivedVersionSummary } from './archive.server'

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
