import { and, asc, desc, eq, inArray, lte } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { legalDocumentVersions, type LegalDocumentVersionRow } from './schema'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { renderPlainText, sha256Hex } from './plain-text'
import { resolveRegisterTables, usesRegister } from './register-tables.server'
import type { DocumentKind, LegalDocument, PortableBody } from '~/content'

/**
 * One archived version as the site serves it: plain data with ISO date
 * strings, ready for a Remix loader. `id` is the archive row id;
 * `sourceDocumentId` is the Sanity document it was taken from.
 */
export type ArchivedVersion = {
  id: string
  kind: DocumentKind
  locale: Locale
  version: number
  /** ISO 8601, UTC. */
  effectiveFrom: string
  title: string
  body: PortableBody
  changeSummary: string | null
  material: boolean
  /** The text the hash covers (see plain-text.ts). */
  plainText: string
  /** SHA-256 of plainText, lowercase hex. */
  sha256: string
  sourceDocumentId: string
  /** ISO 8601, UTC: when this server first archived the version. */
  firstSeenAt: string
}

/** An archived version without its body and text (archive listings). */
export type ArchivedVersionSummary = Omit<ArchivedVersion, 'body' | 'plainText'>

export type ArchiveResult = ArchivedVersion & {
  /**
   * True when the content source now offers different text under a version
   * number that is already archived. The archived row is returned unchanged
   * and stays what the site serves for that version.
   */
  conflict: boolean
  /** True when this call wrote the row: the archive did not hold the version before. */
  created: boolean
}

const table = legalDocumentVersions

/** The columns of a summary: everything but the body and its plain text. */
const summaryColumns = {
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
}

function toSummary(
  row: Omit<ArchivedVersionSummary, 'effectiveFrom' | 'firstSeenAt'> & { effectiveFrom: Date; firstSeenAt: Date },
): ArchivedVersionSummary {
  return { ...row, effectiveFrom: row.effectiveFrom.toISOString(), firstSeenAt: row.firstSeenAt.toISOString() }
}

/**
 * Snapshots a published version the first time the site serves it. Later
 * calls return the archived row; the archive is never overwritten.
 */
export async function archiveVersion(db: Database, source: LegalDocument): Promise<ArchiveResult> {
  // Register tables are filled in now and archived as filled: the hash covers the rows shown.
  const doc = resolveRegisterTables(source)
  const plainText = renderPlainText(doc)
  const sha256 = sha256Hex(plainText)

  // The usual case is a version archived long ago: one read, no write.
  let archived = await findRow(db, doc.kind, doc.locale, doc.version)
  if (!archived) {
    const [inserted] = await db
      .insert(table)
      .values({
        kind: doc.kind,
        locale: doc.locale,
        version: doc.version,
        effectiveFrom: new Date(doc.effectiveFrom),
        title: doc.title,
        body: doc.body,
        changeSummary: doc.changeSummary,
        material: doc.material,
        plainText,
        sha256,
        sourceDocumentId: doc.id,
      })
      // Another request or instance may archive the same version at the same
      // moment; the first insert wins and the others read its row.
      .onConflictDoNothing({ target: [table.kind, table.locale, table.version] })
      .returning()
    if (inserted) {
      logger.info(
        { event: 'legal.archive.created', kind: doc.kind, locale: doc.locale, version: doc.version, sha256 },
        'archived a legal document version',
      )
      return { ...toArchivedVersion(inserted), conflict: false, created: true }
    }
    archived = await findRow(db, doc.kind, doc.locale, doc.version)
    if (!archived) {
      throw new Error(`legal archive: ${doc.kind}/${doc.locale} v${doc.version} neither inserted nor found`)
    }
  }

  if (archived.sha256 !== sha256) {
    logger.error(
      {
        event: 'legal.archive.conflict',
        kind: doc.kind,
        locale: doc.locale,
        version: doc.version,
        archivedSha256: archived.sha256,
        offeredSha256: sha256,
        sourceDocumentId: doc.id,
        usesRegister: usesRegister(source),
      },
      usesRegister(source)
        ? 'legal document or the register of processing it shows changed without a new version number; the archived text is kept and served: publish a new version'
        : 'legal document changed without a new version number; the archived text is kept and served',
    )
    return { ...toArchivedVersion(archived), conflict: true, created: false }
  }
  warnOnMetadataDrift(archived, doc)
  return { ...toArchivedVersion(archived), conflict: false, created: false }
}

// Same text, different metadata: not a conflict (the hash covers the text),
// but the effective date decides which version is in force, so say so.
function warnOnMetadataDrift(archived: LegalDocumentVersionRow, doc: LegalDocument) {
  const fields: string[] = []
  if (archived.effectiveFrom.getTime() !== Date.parse(doc.effectiveFrom)) fields.push('effectiveFrom')
  if (archived.changeSummary !== doc.changeSummary) fields.push('changeSummary')
  if (archived.material !== doc.material) fields.push('material')
  if (fields.length === 0) return
  logger.warn(
    { event: 'legal.archive.metadata_drift', kind: doc.kind, locale: doc.locale, version: doc.version, fields },
    'legal document metadata changed after archiving; the archived values are kept',
  )
}

/** One exact archived version, or null. */
export async function getArchivedVersion(
  db: Database,
  kind: DocumentKind,
  locale: Locale,
  version: number,
): Promise<ArchivedVersion | null> {
  const row = await findRow(db, kind, locale, version)
  return row ? toArchivedVersion(row) : null
}

/** Every archived version of a kind in a locale, highest version first. */
export async function listArchivedVersions(
  db: Database,
  kind: DocumentKind,
  locale: Locale,
): Promise<ArchivedVersionSummary[]> {
  const rows = await db
    .select(summaryColumns)
    .from(table)
    .where(and(eq(table.kind, kind), eq(table.locale, locale)))
    .orderBy(desc(table.version))
  return rows.map(toSummary)
}

/**
 * The archived version in force at `now`: the highest version whose
 * effective date has come. Used when the content source is unreachable.
 */
export async function latestArchivedInForce(
  db: Database,
  kind: DocumentKind,
  locale: Locale,
  now: Date = new Date(),
): Promise<ArchivedVersion | null> {
  const [row] = await db
    .select()
    .from(table)
    .where(and(eq(table.kind, kind), eq(table.locale, locale), lte(table.effectiveFrom, now)))
    .orderBy(desc(table.version))
    .limit(1)
  return row ? toArchivedVersion(row) : null
}

async function findRow(db: Database, kind: DocumentKind, locale: Locale, version: number) {
  const [row] = await db
    .select()
    .from(table)
    .where(and(eq(table.kind, kind), eq(table.locale, locale), eq(table.version, version)))
    .limit(1)
  return row
}

function toArchivedVersion(row: LegalDocumentVersionRow): ArchivedVersion {
  return {
    id: row.id,
    kind: row.kind,
    locale: row.locale,
    version: row.version,
    effectiveFrom: row.effectiveFrom.toISOString(),
    title: row.title,
    body: row.body,
    changeSummary: row.changeSummary,
    material: row.material,
    plainText: row.plainText,
    sha256: row.sha256,
    sourceDocumentId: row.sourceDocumentId,
    firstSeenAt: row.firstSeenAt.toISOString(),
  }
}

/**
 * Every archived version of every kind and locale, without bodies (the
 * archive holds one row per published version, so the legal team's views
 * read it whole): kind, then locale, newest version first.
 */
export async function allArchivedVersions(db: Database): Promise<ArchivedVersionSummary[]> {
  const rows = await db
    .select(summaryColumns)
    .from(table)
    .orderBy(asc(table.kind), asc(table.locale), desc(table.version))
  return rows.map(toSummary)
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
  const rows = await db.select(summaryColumns).from(table).where(inArray(table.id, unique))
  return new Map(rows.map((row) => [row.id, toSummary(row)]))
}
