import { sql } from 'drizzle-orm'
import { boolean, check, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
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
