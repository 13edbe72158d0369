import { sql } from 'drizzle-orm'
import { check, index, pgTable, primaryKey, text, timestamp, unique } from 'drizzle-orm/pg-core'
import { LOCALES } from '~/platform/i18n/locales'
import { oneOf } from '~/platform/db/sql'

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
    /**
     * When the person proved they receive mail at the current address (the
     * link of a verification e-mail), or when a sign-in provider vouched for
     * it. Null: not verified; such an account cannot buy (the receipt would go
     * to an address nobody confirmed). Accounts from before verification
     * existed start as null. A trigger (migration 0013) clears it whenever
     * the address changes.
     */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    unique('users_email_normalized_key').on(t.emailNormalized),
    check('users_locale_check', oneOf(sql`${t.locale}`, LOCALES)),
    check('users_deleted_has_no_email', sql`${t.deletedAt} is null or ${t.emailNormalized} is null`),
    check('users_verified_has_email', sql`${t.emailVerifiedAt} is null or ${t.emailNormalized} is not null`),
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

/**
 * Single-use e-mail verification links; only the SHA-256 of the token is
 * stored. Sending a new link replaces the account's earlier ones
 * (replacedAt), so only the newest works. Rows are swept a day after they
 * expire; a change of the account's address deletes them (migration 0013).
 */
export const emailVerificationTokens = pgTable(
  'email_verification_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
    replacedAt: timestamp('replaced_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('email_verification_tokens_hash_check', sql`${t.tokenHash} ~ '^[0-9a-f]{64}$'`),
    index('email_verification_tokens_user_idx').on(t.userId),
    index('email_verification_tokens_expires_idx').on(t.expiresAt),
  ],
)

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
  (t) => [
    index('guests_linked_user_idx').on(t.linkedUserId),
    // The retention job looks for guests not linked to an account and away for 30 days.
    index('guests_last_seen_idx')
      .on(t.lastSeenAt)
      .where(sql`${t.linkedUserId} is null`),
  ],
)

/**
 * When each deleted guest was deleted (deleteInactiveGuests writes it in the
 * transaction that deletes the guest): the start of the 3 years its ledger
 * rows are kept after that (decision 014). Only the random id and the time;
 * removed once the guest's last ledger row is gone.
 */
export const guestDeletions = pgTable('guest_deletions', {
  guestId: text('guest_id').primaryKey(),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

export type UserRow = typeof users.$inferSelect

export type SessionRow = typeof sessions.$inferSelect

export type GuestRow = typeof guests.$inferSelect

export type EmailVerificationTokenRow = typeof emailVerificationTokens.$inferSelect
