import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { LOCALES } from '~/platform/i18n/locales'
import { oneOf } from '~/platform/db/sql'
import { DOCUMENT_KINDS } from '~/platform/document-kinds'
import { users } from '~/identity/schema'
import { legalDocumentVersions } from '~/legal/schema'

/**
 * What became of a notice's e-mail: waiting in the outbox, handed to the mail
 * server, given up after every retry, or not sent because the account has no
 * confirmed address (the notice on the account page is then the only one).
 */
export const NOTICE_MAIL_STATUSES = ['pending', 'sent', 'failed', 'not-sent'] as const

export type NoticeMailStatus = (typeof NOTICE_MAIL_STATUSES)[number]

/**
 * One advance notice of a material version to one account that accepted an
 * earlier version of the document in that language: issued N days before the
 * version takes effect (app/notices/notices.server.ts), as an e-mail and a
 * notice on the account page. Kept while the account exists (register entry
 * `legalNotices`); deleted with it. The unique key makes every version notify
 * an account once, however many instances issue notices at the same time.
 */
export const legalNotices = pgTable(
  'legal_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** The archived version announced. */
    documentVersionId: uuid('document_version_id')
      .notNull()
      .references(() => legalDocumentVersions.id),
    kind: text('kind', { enum: DOCUMENT_KINDS }).notNull(),
    /** The language of the version announced. */
    locale: text('locale', { enum: LOCALES }).notNull(),
    version: integer('version').notNull(),
    /** The version the account had accepted when the notice was issued (the comparison starts there). */
    acceptedVersion: integer('accepted_version').notNull(),
    /** The account's language at the time: the notice and its e-mail are written in it. */
    noticeLocale: text('notice_locale', { enum: LOCALES }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    mailStatus: text('mail_status', { enum: NOTICE_MAIL_STATUSES }).notNull().default('pending'),
    /** When the mail was sent, given up or found unsendable. */
    mailFinishedAt: timestamp('mail_finished_at', { withTimezone: true, mode: 'date' }),
    /** When the person dismissed the notice on the account page. */
    dismissedAt: timestamp('dismissed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    unique('legal_notices_user_version_key').on(t.userId, t.documentVersionId),
    index('legal_notices_version_idx').on(t.documentVersionId),
    check('legal_notices_mail_status_check', oneOf(sql`${t.mailStatus}`, NOTICE_MAIL_STATUSES)),
    check('legal_notices_kind_check', oneOf(sql`${t.kind}`, DOCUMENT_KINDS)),
  ],
)

export type LegalNoticeRow = typeof legalNotices.$inferSelect
