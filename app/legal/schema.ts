import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { LOCALES } from '~/platform/i18n/locales'
import { oneOf } from '~/platform/db/sql'
import { DOCUMENT_KINDS } from '~/platform/document-kinds'
import type { PortableBody } from '~/content'

/**
 * The legal archive: one immutable row per published version the site has
 * served, with the SHA-256 of its rendered plain text. It is the system of
 * record for what people accepted (Sanity keeps history only for a while).
 * A trigger (migration 0001) refuses UPDATE, DELETE and TRUNCATE.
 */
export const legalDocumentVersions = pgTable(
  'legal_document_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: DOCUMENT_KINDS }).notNull(),
    locale: text('locale', { enum: LOCALES }).notNull(),
    version: integer('version').notNull(),
    effectiveFrom: timestamp('effective_from', { withTimezone: true, mode: 'date' }).notNull(),
    title: text('title').notNull(),
    body: jsonb('body').$type<PortableBody>().notNull(),
    changeSummary: text('change_summary'),
    material: boolean('material').notNull().default(false),
    plainText: text('plain_text').notNull(),
    sha256: text('sha256').notNull(),
    sourceDocumentId: text('source_document_id').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    unique('legal_document_versions_kind_locale_version_key').on(t.kind, t.locale, t.version),
    check('legal_document_versions_kind_check', oneOf(sql`${t.kind}`, DOCUMENT_KINDS)),
    check('legal_document_versions_locale_check', oneOf(sql`${t.locale}`, LOCALES)),
    check('legal_document_versions_version_check', sql`${t.version} >= 1`),
    check('legal_document_versions_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
  ],
)

export type LegalDocumentVersionRow = typeof legalDocumentVersions.$inferSelect

export type NewLegalDocumentVersionRow = typeof legalDocumentVersions.$inferInsert

/** What a delivery of the Sanity publish webhook led to (app/legal/publications.server.ts). */
export const DELIVERY_OUTCOMES = [
  /** A legal version this delivery archived: the archive did not hold it before. */
  'archived',
  /** A legal version the archive already held with the same text (a page view or an earlier delivery came first). */
  'already-archived',
  /** The archive holds different text under this version number; the archived text stays. */
  'conflict',
  /** The content source has no valid published version under that number (yet): nothing archived. */
  'not-found',
  /** The content source or the database failed; Sanity is answered 503 and delivers again. */
  'failed',
  /** A legal document was deleted or unpublished in Sanity; the archive keeps what it holds. */
  'deleted',
  /** Any other document (operator details, credit packs): caches dropped, nothing archived. */
  'cache-invalidated',
] as const

export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number]

/**
 * Every genuine delivery of the Sanity webhook (refused ones are summarized in
 * refused_webhooks): who published which revision of which document, and what
 * the site did with it. The audit trail of publishing, kept here because
 * Sanity's own history expires; append-only like the archive (migration 0022).
 * `publisherId` and the approval name members of the legal team, never people
 * who use the service.
 */
export const sanityDeliveries = pgTable(
  'sanity_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Sanity's `idempotency-key` header: the same key on a repeated delivery of one event. */
    deliveryKey: text('delivery_key'),
    documentId: text('document_id').notNull(),
    documentType: text('document_type'),
    /** `_rev` of the published document: the exact revision Sanity stored. */
    revision: text('revision'),
    /** `delta::operation()`: create, update or delete. */
    operation: text('operation'),
    /** `identity()`: the Sanity user id of whoever made the change. */
    publisherId: text('publisher_id'),
    kind: text('kind', { enum: DOCUMENT_KINDS }),
    locale: text('locale', { enum: LOCALES }),
    version: integer('version'),
    /** The document's `approval` field as published (who approved which content). */
    approval: jsonb('approval').$type<Record<string, unknown>>(),
    /**
     * Whether the approval's content hash is the hash of what was published
     * (app/legal/approval.server.ts); null when there was no approval hash or
     * nothing was published to compare.
     */
    approvalMatches: boolean('approval_matches'),
    outcome: text('outcome', { enum: DELIVERY_OUTCOMES }).notNull(),
    archivedVersionId: uuid('archived_version_id').references(() => legalDocumentVersions.id),
    /** Why a delivery ended 'not-found', 'conflict' or 'failed', in words for the legal view. */
    detail: text('detail'),
  },
  (t) => [
    index('sanity_deliveries_received_idx').on(t.receivedAt),
    index('sanity_deliveries_version_idx').on(t.kind, t.locale, t.version),
    check('sanity_deliveries_outcome_check', oneOf(sql`${t.outcome}`, DELIVERY_OUTCOMES)),
  ],
)

export type SanityDeliveryRow = typeof sanityDeliveries.$inferSelect
