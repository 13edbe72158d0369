import { asc, desc, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '~/platform/db/client.server'
import { signalChange, watchChanges, type ChangeWatch } from '~/platform/db/change-signal.server'
import { DOCUMENT_KINDS, type DocumentKind } from '~/platform/document-kinds'
import { LOCALES, type Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { unavailableKind } from '~/platform/unavailable.server'
import { ContentUnavailableError, type ContentSource } from '~/content/index.server'
import { approvalCovers } from './approval.server'
import { archiveVersion } from './archive.server'
import { clearArchivedMemo } from './documents.server'
import { sanityDeliveries, type DeliveryOutcome, type SanityDeliveryRow } from './schema'

/**
 * What the Sanity webhook sends, as configured in docs/sanity-dataset.md
 * ("The publish webhook"): the projection
 * `{_id, _type, _rev, kind, locale, version, "operation": delta::operation(), "publishedBy": identity(), approval}`.
 * Only `_id` is required: a webhook configured with the older projection
 * `{_id, _type}` still drops caches; it just archives nothing at once.
 */
const deliverySchema = z.object({
  _id: z.string().min(1).max(200),
  _type: z.string().max(100).nullish(),
  _rev: z.string().max(100).nullish(),
  kind: z.enum(DOCUMENT_KINDS).nullish().catch(null),
  locale: z.enum(LOCALES).nullish().catch(null),
  version: z.number().int().min(1).max(1_000_000).nullish().catch(null),
  operation: z.enum(['create', 'update', 'delete']).nullish().catch(null),
  publishedBy: z.string().max(200).nullish(),
  approval: z.record(z.string(), z.unknown()).nullish().catch(null),
})

export type PublishDelivery = z.infer<typeof deliverySchema> & {
  /** Sanity's `idempotency-key` header. */
  deliveryKey?: string | null
}

/** The payload as a delivery, or null when it is not one (no document id). */
export function parseDelivery(payload: unknown, deliveryKey?: string | null): PublishDelivery | null {
  const parsed = deliverySchema.safeParse(payload)
  return parsed.success ? { ...parsed.data, deliveryKey: deliveryKey?.slice(0, 200) ?? null } : null
}

export type DeliveryResult = { outcome: DeliveryOutcome; deliveryId: string; archivedVersionId: string | null }

export interface PublicationDeps {
  db: Database
  /** Published content past every cache (getUncachedContentSource). */
  source: ContentSource
  /** Drops this process's content cache (the other instances follow the change signal). */
  invalidateCache: () => void
  /** Waits before the one retry of a version the API does not return yet (tests pass 0). */
  retryDelayMs?: number
}

/**
 * Handles one verified delivery: drops the caches of every instance, and for
 * a published legal version archives it at once, fetched past the CDN, so a
 * version published with a future date is in the archive (and in the legal
 * view) from the moment it is published, not from its first reader. Every
 * delivery is recorded with what came of it. A failure to archive is
 * recorded as 'failed' and thrown, so Sanity is answered 503 and delivers
 * again; the archive's insert is idempotent, so a repeat is harmless.
 */
export async function receivePublication(deps: PublicationDeps, delivery: PublishDelivery): Promise<DeliveryResult> {
  deps.invalidateCache()
  clearArchivedMemo()
  const isLegal = delivery._type === 'legalDocument'
  const base = {
    deliveryKey: delivery.deliveryKey ?? null,
    documentId: delivery._id,
    documentType: delivery._type ?? null,
    revision: delivery._rev ?? null,
    operation: delivery.operation ?? null,
    publisherId: delivery.publishedBy ?? null,
    kind: delivery.kind ?? null,
    locale: delivery.locale ?? null,
    version: delivery.version ?? null,
    approval: delivery.approval ?? null,
  }

  let outcome: DeliveryOutcome = 'cache-invalidated'
  let archivedVersionId: string | null = null
  let detail: string | null = null
  let failure: unknown = null
  let approvalMatches: boolean | null = null

  if (isLegal && delivery.operation === 'delete') {
    outcome = 'deleted'
    detail = 'Deleted or unpublished in Sanity; the archive keeps every version it holds.'
  } else if (isLegal && delivery.kind && delivery.locale && delivery.version) {
    try {
      const found = await fetchPublished(deps, delivery.kind, delivery.locale, delivery.version)
      if (!found) {
        outcome = 'not-found'
        detail = 'The content source returns no valid published version under this number.'
      } else {
        const archived = await archiveVersion(deps.db, found)
        archivedVersionId = archived.id
        outcome = archived.conflict ? 'conflict' : archived.created ? 'archived' : 'already-archived'
        if (delivery.approval)
          approvalMatches = approvalCovers(delivery.approval, await deps.source.approvedContent(found.id))
        if (approvalMatches === false) {
          logger.error(
            { event: 'legal.approval.mismatch', documentId: found.id, revision: delivery._rev },
            'a legal version was published with an approval that does not cover its text',
          )
        }
        if (archived.conflict) {
          detail = 'The archive holds different text under this version number; the archived text is kept.'
        } else if (found.id !== delivery._id) {
          detail = `The content source answers this version with document ${found.id}.`
        }
      }
    } catch (error) {
      failure = error
      outcome = 'failed'
      detail = errorSummary(error)
    }
  } else if (isLegal) {
    outcome = 'not-found'
    detail = 'The delivery names no kind, language and version: check the webhook projection.'
  }

  const [row] = await deps.db
    .insert(sanityDeliveries)
    .values({ ...base, outcome, archivedVersionId, detail, approvalMatches })
    .returning({ id: sanityDeliveries.id })
  // After the record, so that a change is never signalled without its trace.
  await signalChange(deps.db, 'content')
  // The archive changed after the memo was cleared above; clear it again for the next reader.
  clearArchivedMemo()
  const level = outcome === 'failed' || outcome === 'conflict' || outcome === 'not-found' ? 'error' : 'info'
  logger[level](
    {
      event: 'sanity.webhook.delivery',
      outcome,
      documentId: delivery._id,
      documentType: delivery._type,
      revision: delivery._rev,
      kind: delivery.kind,
      locale: delivery.locale,
      version: delivery.version,
      publisher: delivery.publishedBy,
    },
    `Sanity delivery: ${outcome}`,
  )
  if (failure) throw failure
  return { outcome, deliveryId: row!.id, archivedVersionId }
}

/**
 * The version from the content source; asked once more after a moment when
 * it is not there yet (the API can lag the mutation that fired the webhook).
 */
async function fetchPublished(deps: PublicationDeps, kind: DocumentKind, locale: Locale, version: number) {
  const first = await deps.source.getDocument(kind, locale, version)
  if (first) return first
  await new Promise((resolve) => setTimeout(resolve, deps.retryDelayMs ?? 1000))
  deps.invalidateCache()
  return deps.source.getDocument(kind, locale, version)
}

function errorSummary(error: unknown): string {
  if (error instanceof ContentUnavailableError) return 'The content source did not answer.'
  const kind = unavailableKind(error)
  if (kind === 'database') return 'The database did not answer.'
  if (kind === 'network') return 'The content source could not be reached.'
  return error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500)
}

/**
 * Archives one published version now (the legal view's button for versions
 * published before the webhook archived them); true when it was not archived before.
 */
export async function archivePublishedVersion(
  db: Database,
  source: ContentSource,
  kind: DocumentKind,
  locale: Locale,
  version: number,
): Promise<boolean> {
  const document = await source.getDocument(kind, locale, version)
  if (!document) return false
  const result = await archiveVersion(db, document)
  clearArchivedMemo()
  return result.created
}

/** Who published a version: the first delivery that brought it to the archive. */
export type PublicationRecord = {
  kind: DocumentKind
  locale: Locale
  version: number
  documentId: string
  revision: string | null
  publisherId: string | null
  /** ISO 8601 UTC. */
  receivedAt: string
  approval: Record<string, unknown> | null
  /** Whether the approval covers the published text (null: nothing to compare). */
  approvalMatches: boolean | null
}

/**
 * The first delivery of every version that reached the archive (archived,
 * already archived, or in conflict): who published it, which revision, and
 * the approval it carried. A later delivery of the same version (a repeat,
 * or an edit Sanity allowed) does not replace it; the delivery log keeps all.
 */
export async function firstPublications(db: Database): Promise<PublicationRecord[]> {
  const t = sanityDeliveries
  const rows = await db
    .selectDistinctOn([t.kind, t.locale, t.version], {
      kind: t.kind,
      locale: t.locale,
      version: t.version,
      documentId: t.documentId,
      revision: t.revision,
      publisherId: t.publisherId,
      receivedAt: t.receivedAt,
      approval: t.approval,
      approvalMatches: t.approvalMatches,
    })
    .from(t)
    .where(inArray(t.outcome, ['archived', 'already-archived', 'conflict']))
    .orderBy(t.kind, t.locale, t.version, asc(t.receivedAt))
  return rows.flatMap((row) =>
    row.kind && row.locale && row.version !== null
      ? [{ ...row, kind: row.kind, locale: row.locale, version: row.version, receivedAt: row.receivedAt.toISOString() }]
      : [],
  )
}

/** The newest deliveries first (the legal view). */
export async function recentDeliveries(db: Database, limit = 50): Promise<SanityDeliveryRow[]> {
  return db.select().from(sanityDeliveries).orderBy(desc(sanityDeliveries.receivedAt)).limit(limit)
}

/**
 * Drops this process's content caches whenever another instance signals a
 * publish, within `intervalMs` of it. Started with the server.
 */
export function followContentChanges(db: Database, invalidateCache: () => void, intervalMs: number): ChangeWatch {
  return watchChanges(
    db,
    'content',
    (generation) => {
      invalidateCache()
      clearArchivedMemo()
      logger.info({ event: 'content.changed-elsewhere', generation }, 'content changed; caches dropped')
    },
    intervalMs,
  )
}
