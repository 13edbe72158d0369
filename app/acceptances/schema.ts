import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { LOCALES } from '~/platform/i18n/locales'
import { oneOf } from '~/platform/db/sql'
import { DOCUMENT_KINDS } from '~/platform/document-kinds'
import { legalDocumentVersions } from '~/legal/schema'
import { guests, users } from '~/identity/schema'

export const ACCEPTANCE_EVENTS = ['register', 'guest', 'payment', 'reaccept', 'cookie', 'withdrawal'] as const

export type AcceptanceEvent = (typeof ACCEPTANCE_EVENTS)[number]

export const ACCEPTANCE_STATES = ['given', 'withdrawn'] as const

export type AcceptanceState = (typeof ACCEPTANCE_STATES)[number]

/**
 * One row per acceptance (or withdrawal) of one document version: evidence
 * fields after ISO/IEC TS 27560 and clickwrap practice. Append-only: triggers
 * (migration 0003) refuse UPDATE, DELETE and TRUNCATE, except the retention
 * job that erases ip and user agent of rows older than the period the privacy
 * policy names, and the one that deletes rows whose period has ended
 * (migration 0015).
 */
export const acceptances = pgTable(
  'acceptances',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Exactly one of userId, guestId and consentId (anonymous cookie consent) is the subject. */
    userId: text('user_id').references(() => users.id),
    /**
     * The guest's id as plain text, with no foreign key (migration 0010): a
     * guest's data is deleted 30 days after its last visit, but the evidence
     * of what it accepted is kept (the rows may not change), still naming the
     * pseudonymous id it was recorded under. See docs/decisions/012.
     */
    guestId: text('guest_id'),
    consentId: text('consent_id'),
    /** The archived snapshot of the exact text shown. */
    documentVersionId: uuid('document_version_id')
      .notNull()
      .references(() => legalDocumentVersions.id),
    kind: text('kind', { enum: DOCUMENT_KINDS }).notNull(),
    locale: text('locale', { enum: LOCALES }).notNull(),
    version: integer('version').notNull(),
    contentSha256: text('content_sha256').notNull(),
    event: text('event', { enum: ACCEPTANCE_EVENTS }).notNull(),
    state: text('state', { enum: ACCEPTANCE_STATES }).notNull(),
    /** For cookie consent: the category (preferences, analytics); null otherwise. */
    scope: text('scope'),
    /** The wording of the checkbox or button exactly as shown. */
    wording: text('wording').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** What the acceptance covers: e.g. 'account' + user id, 'guest-session' + guest id, 'order' + order id. */
    actionType: text('action_type').notNull(),
    actionId: text('action_id').notNull(),
  },
  (t) => [
    check('acceptances_one_subject', sql`num_nonnulls(${t.userId}, ${t.guestId}, ${t.consentId}) = 1`),
    check('acceptances_event_check', oneOf(sql`${t.event}`, ACCEPTANCE_EVENTS)),
    check('acceptances_state_check', oneOf(sql`${t.state}`, ACCEPTANCE_STATES)),
    check('acceptances_kind_check', oneOf(sql`${t.kind}`, DOCUMENT_KINDS)),
    check('acceptances_sha256_check', sql`${t.contentSha256} ~ '^[0-9a-f]{64}$'`),
    index('acceptances_user_idx').on(t.userId, t.recordedAt),
    index('acceptances_guest_idx').on(t.guestId, t.recordedAt),
    index('acceptances_version_idx').on(t.documentVersionId),
    // Cookie choices by consent id: the export reads them, and the retention job finds the old ones.
    index('acceptances_consent_idx')
      .on(t.consentId, t.recordedAt)
      .where(sql`${t.consentId} is not null`),
    // The retention job looks for old rows that still hold an IP or user agent.
    index('acceptances_retention_idx')
      .on(t.recordedAt)
      .where(sql`${t.ip} is not null or ${t.userAgent} is not null`),
  ],
)

export type AcceptanceRow = typeof acceptances.$inferSelect

export type NewAcceptanceRow = typeof acceptances.$inferInsert

/**
 * An anonymous cookie-consent id: the random id the palitra_consent cookie
 * carries and the ledger records cookie choices under (acceptances.consent_id).
 * It is linked to the account or guest that made a choice with it, when there
 * was one, so the account's consent history and export can include it.
 */
export const cookieConsents = pgTable(
  'cookie_consents',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').references(() => users.id),
    guestId: text('guest_id').references(() => guests.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastChoiceAt: timestamp('last_choice_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('cookie_consents_user_idx').on(t.userId), index('cookie_consents_guest_idx').on(t.guestId)],
)

export type CookieConsentRow = typeof cookieConsents.$inferSelect
