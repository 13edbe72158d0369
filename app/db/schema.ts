import { sql, type SQL } from 'drizzle-orm'
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core'
import { LOCALES } from '~/i18n/locales'
import { DOCUMENT_KINDS, type PortableBody } from '~/legal/types'

/** `column in ('a', 'b')` with literal values: a CHECK in DDL cannot take bind parameters. */
function oneOf(column: SQL, values: readonly string[]): SQL {
  const literals = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')
  return sql`${column} in (${sql.raw(literals)})`
}

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

// ---------------------------------------------------------------------------
// People: accounts, sessions, guests (issue 3)

/**
 * An account. Deleting an account de-identifies the row (e-mail, password and
 * name set to null, deletedAt set) instead of removing it, so the acceptance
 * ledger keeps a pseudonymous subject for the dispute period.
 */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    /** As typed (for display and mail); null once the account is deleted. */
    email: text('email'),
    /** Lower-cased, trimmed, Unicode-normalized: one account per address regardless of case. */
    emailNormalized: text('email_normalized'),
    /** argon2id; null for accounts that only sign in through a provider. */
    passwordHash: text('password_hash'),
    displayName: text('display_name'),
    locale: text('locale', { enum: LOCALES }).notNull().default('ru'),
    roles: text('roles')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    unique('users_email_normalized_key').on(t.emailNormalized),
    check('users_locale_check', oneOf(sql`${t.locale}`, LOCALES)),
    check('users_deleted_has_no_email', sql`${t.deletedAt} is null or ${t.emailNormalized} is null`),
  ],
)

/** lucia sessions; ip and user agent are shown in the account's list of active sessions. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

/** Sign-in through an outside provider (Google, Yandex, VK ID, Telegram). */
export const oauthAccounts = pgTable(
  'oauth_accounts',
  {
    provider: text('provider', { enum: ['google', 'yandex', 'vk', 'telegram'] }).notNull(),
    providerUserId: text('provider_user_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerUserId] })],
)

/** Single-use password reset tokens; only a hash of the token is stored. */
export const passwordResetTokens = pgTable('password_reset_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

/** A guest: someone using the service without an account, identified by a signed cookie. */
export const guests = pgTable(
  'guests',
  {
    id: text('id').primaryKey(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Set when the guest registers: their history and ledger rows belong to that account from then on. */
    linkedUserId: text('linked_user_id').references(() => users.id),
    linkedAt: timestamp('linked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('guests_linked_user_idx').on(t.linkedUserId)],
)

/**
 * Fixed-window counters for rate limits, shared by every instance. One row
 * per key and window; old windows are swept.
 */
export const rateLimitWindows = pgTable(
  'rate_limit_windows',
  {
    key: text('key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
    hits: integer('hits').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
)

// ---------------------------------------------------------------------------
// The acceptance ledger (issue 3)

export const ACCEPTANCE_EVENTS = ['register', 'guest', 'payment', 'reaccept', 'cookie', 'withdrawal'] as const
export type AcceptanceEvent = (typeof ACCEPTANCE_EVENTS)[number]
export const ACCEPTANCE_STATES = ['given', 'withdrawn'] as const
export type AcceptanceState = (typeof ACCEPTANCE_STATES)[number]

/**
 * One row per acceptance (or withdrawal) of one document version: evidence
 * fields after ISO/IEC TS 27560 and clickwrap practice. Append-only: triggers
 * (migration 0003) refuse UPDATE, DELETE and TRUNCATE, except the retention
 * job that erases ip and user agent of rows older than the period the privacy
 * policy names.
 */
export const acceptances = pgTable(
  'acceptances',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Exactly one of userId, guestId and consentId (anonymous cookie consent) is the subject. */
    userId: text('user_id').references(() => users.id),
    guestId: text('guest_id').references(() => guests.id),
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
    // The retention job looks for old rows that still hold an IP or user agent.
    index('acceptances_retention_idx')
      .on(t.recordedAt)
      .where(sql`${t.ip} is not null or ${t.userAgent} is not null`),
  ],
)

export type UserRow = typeof users.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
export type GuestRow = typeof guests.$inferSelect
export type AcceptanceRow = typeof acceptances.$inferSelect
export type NewAcceptanceRow = typeof acceptances.$inferInsert
