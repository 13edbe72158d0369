import { asc, desc, eq } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { legalDocumentVersions as table } from './schema'
import type { ArchivedVersionSummary } from './archive.server'

/**
 * The archive as the legal team's views list it: which versions exist and
 * the hash each was archived with, without bodies or texts (the archive
 * stays small, one row per published version, so it is read whole).
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

/** One archived version by its row id (the id ledger rows and the CSV export name), or null. */
export async function archivedVersionById(db: Database, id: string): Promise<ArchiveEntry | null> {
  const [row] = await db.select(columns).from(table).where(eq(table.id, id)).limit(1)
  return row ? toEntry(row) : null
}
