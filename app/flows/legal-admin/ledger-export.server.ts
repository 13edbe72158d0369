import type { Database } from '~/platform/db/client.server'
import type { AcceptanceRow } from '~/acceptances'
import { ledgerPageOfVersion } from '~/acceptances/index.server'
import { archivedVersionsById } from '~/legal/index.server'
import { logger } from '~/platform/log.server'
import { csvRecord, type CsvValue } from './csv'

/**
 * The ledger rows of one archived version as CSV, the evidence the legal
 * team hands over in a dispute. The archive says which version it is; the
 * ledger's rows are read in pages (ledgerPageOfVersion: keyset pagination on
 * (recorded_at, id)), so a version accepted millions of times is streamed
 * without ever holding the whole ledger in memory.
 */

/** Column names in file order: stable, English, machine-readable (docs/legal-admin.md describes each). */
export const LEDGER_CSV_COLUMNS = [
  'record_id',
  'subject_type',
  'subject_id',
  'document_kind',
  'locale',
  'version',
  'document_version_id',
  'content_sha256',
  'event',
  'state',
  'scope',
  'wording',
  'recorded_at_utc',
  'ip',
  'user_agent',
  'action_type',
  'action_id',
] as const

export const LEDGER_EXPORT_BATCH_SIZE = 500

export type ExportedVersion = { id: string; kind: string; locale: string; version: number }

/** The archived version a CSV is asked for, or null when the archive has no such row. */
export async function findExportVersion(db: Database, documentVersionId: string): Promise<ExportedVersion | null> {
  const archived = (await archivedVersionsById(db, [documentVersionId])).get(documentVersionId)
  if (!archived) return null
  return { id: archived.id, kind: archived.kind, locale: archived.locale, version: archived.version }
}

export function ledgerCsvFileName(version: ExportedVersion): string {
  return `palitra-acceptances-${version.kind}-${version.locale}-v${version.version}.csv`
}

function subjectOf(row: AcceptanceRow): [type: string, id: string] {
  if (row.userId !== null) return ['user', row.userId]
  if (row.guestId !== null) return ['guest', row.guestId]
  return ['cookie-consent', row.consentId ?? '']
}

export function ledgerCsvValues(row: AcceptanceRow): CsvValue[] {
  const [subjectType, subjectId] = subjectOf(row)
  return [
    row.id,
    subjectType,
    subjectId,
    row.kind,
    row.locale,
    row.version,
    row.documentVersionId,
    row.contentSha256,
    row.event,
    row.state,
    row.scope,
    row.wording,
    row.recordedAt.toISOString(),
    row.ip,
    row.userAgent,
    row.actionType,
    row.actionId,
  ]
}

/**
 * The file as a byte stream: a UTF-8 byte-order mark (so spreadsheets read
 * Cyrillic wording correctly), the header record, then one record per ledger
 * row, oldest first. Each pull reads one batch.
 */
export function ledgerCsvStream(
  db: Database,
  version: ExportedVersion,
  options: { batchSize?: number } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const batchSize = options.batchSize ?? LEDGER_EXPORT_BATCH_SIZE
  let after: string | null = null
  let started = false
  let rows = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true
        controller.enqueue(encoder.encode(`\uFEFF${csvRecord(LEDGER_CSV_COLUMNS)}`))
        return
      }
      try {
        const batch = await ledgerPageOfVersion(db, version.id, after, batchSize)
        if (batch.length > 0) {
          controller.enqueue(encoder.encode(batch.map((row) => csvRecord(ledgerCsvValues(row))).join('')))
          after = batch.at(-1)!.id
          rows += batch.length
        }
        if (batch.length < batchSize) {
          logger.info(
            { event: 'legal_admin.ledger_export.done', documentVersionId: version.id, rows },
            'ledger CSV export written',
          )
          controller.close()
        }
      } catch (error) {
        logger.error(
          { err: error, event: 'legal_admin.ledger_export.failed', documentVersionId: version.id, rows },
          'ledger CSV export failed part-way',
        )
        // The client sees a broken download rather than a file that looks complete.
        controller.error(error)
      }
    },
  })
}
