import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { LOCALES } from '~/platform/i18n/locales'
import { oneOf } from '~/platform/db/sql'
import { users } from '~/identity/schema'

/**
 * registration: the e-mail after sign-up (confirm the address, and the
 * versions accepted); verification: a new confirmation link asked for from
 * the account; payment: the receipt of acceptance after a confirmed payment;
 * registration-attempt: someone tried to register with the address of an
 * existing account (the page said the same as for a new one);
 * legal-notice: a material version of a document the account accepted takes
 * effect soon (the reference is the legal_notices row).
 */
export const OUTBOX_MAIL_KINDS = [
  'registration',
  'verification',
  'payment',
  'registration-attempt',
  'legal-notice',
] as const

export type OutboxMailKind = (typeof OUTBOX_MAIL_KINDS)[number]

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'dropped'] as const

export type OutboxStatus = (typeof OUTBOX_STATUSES)[number]

/**
 * Mail owed to a person, written in the same transaction as the event that
 * owes it (an account created, a payment confirmed), then sent after the
 * commit and retried until it goes. The row names what to send, never the
 * text or the address: the message is put together when it is sent, from
 * the account and the acceptance ledger. The unique key makes each event
 * owe its mail once (a payment confirmed twice still mails once); senders
 * claim rows with FOR UPDATE SKIP LOCKED, so one row is sent by one
 * instance. Sent, failed and dropped rows are deleted after 30 days.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: OUTBOX_MAIL_KINDS }).notNull(),
    /** One mail per cause: 'registration:<user id>', 'payment:<order id>', 'verification:<random>'. */
    dedupeKey: text('dedupe_key').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** What the mail is about besides the account: the order id of a payment mail. */
    referenceId: text('reference_id'),
    locale: text('locale', { enum: LOCALES }).notNull(),
    /** The site's address the links are built on (PUBLIC_URL, or the request's origin outside production). */
    baseUrl: text('base_url').notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** While sending: a sender that dies leaves the row to be taken again once this has passed. */
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** When it was sent, failed for good, or dropped (nothing left to send: the account was deleted). */
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    unique('mail_outbox_dedupe_key').on(t.dedupeKey),
    check('mail_outbox_kind_check', oneOf(sql`${t.kind}`, OUTBOX_MAIL_KINDS)),
    check('mail_outbox_status_check', oneOf(sql`${t.status}`, OUTBOX_STATUSES)),
    check('mail_outbox_locale_check', oneOf(sql`${t.locale}`, LOCALES)),
    index('mail_outbox_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'sending')`),
    index('mail_outbox_user_idx').on(t.userId),
    index('mail_outbox_finished_idx').on(t.finishedAt),
  ],
)

export type MailOutboxRow = typeof mailOutbox.$inferSelect
