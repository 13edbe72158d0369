import { sql } from 'drizzle-orm'
import { check, date, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { LOCALES } from '~/platform/i18n/locales'
import { oneOf } from '~/platform/db/sql'
import { users, guests } from '~/identity/schema'

/**
 * Exceptions to "Monday to Friday are working days", edited by the legal
 * team: public holidays (kind 'holiday', also when they fall on a weekday
 * by transfer) and weekend days made working days by a transfer ('workday').
 * Migration 0009 seeds the Russian calendar for 2026 and 2027.
 */
export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const

export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number]

export const calendarDays = pgTable(
  'calendar_days',
  {
    day: date('day', { mode: 'string' }).primaryKey(),
    kind: text('kind', { enum: CALENDAR_DAY_KINDS }).notNull(),
    note: text('note').notNull(),
    updatedBy: text('updated_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('calendar_days_kind_check', oneOf(sql`${t.kind}`, CALENDAR_DAY_KINDS))],
)

export const REQUEST_KINDS = ['access', 'correction', 'deletion', 'portability', 'objection', 'withdrawal'] as const

export type RequestKind = (typeof REQUEST_KINDS)[number]

/** Which law the requester invokes: 152-FZ or the GDPR. The periods, by law and kind: app/privacy-requests/deadlines.ts. */
export const REQUEST_REGIMES = ['ru', 'gdpr'] as const

export type RequestRegime = (typeof REQUEST_REGIMES)[number]

/** awaiting-confirmation: an e-mail request whose address is not yet confirmed; the clock starts at confirmation. */
export const REQUEST_STATUSES = ['awaiting-confirmation', 'open', 'completed'] as const

export type RequestStatus = (typeof REQUEST_STATUSES)[number]

export const REQUEST_OUTCOMES = ['fulfilled', 'refused'] as const

export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number]

export const dataSubjectRequests = pgTable(
  'data_subject_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The number people and the legal team quote. */
    number: integer('number').generatedAlwaysAsIdentity().notNull(),
    kind: text('kind', { enum: REQUEST_KINDS }).notNull(),
    regime: text('regime', { enum: REQUEST_REGIMES }).notNull(),
    status: text('status', { enum: REQUEST_STATUSES }).notNull(),
    outcome: text('outcome', { enum: REQUEST_OUTCOMES }),
    locale: text('locale', { enum: LOCALES }).notNull(),
    /** Where replies go: the account's address, or the address the requester confirmed. */
    email: text('email').notNull(),
    /** Set when the request was made while signed in: identified by the session. */
    userId: text('user_id').references(() => users.id),
    /** Set when the request came from a browser with a guest session (the guest's data). */
    guestId: text('guest_id').references(() => guests.id),
    details: text('details').notNull().default(''),
    /** SHA-256 of the single-use confirmation token e-mailed to a signed-out requester. */
    confirmTokenHash: text('confirm_token_hash'),
    confirmExpiresAt: timestamp('confirm_expires_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** When the request counts as received (identity established): the deadline runs from here. */
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }),
    /** The first deadline (a Moscow calendar date, inclusive). */
    originalDueOn: date('original_due_on', { mode: 'string' }),
    /** The deadline in force: originalDueOn, or later once extended. */
    dueOn: date('due_on', { mode: 'string' }),
    extendedAt: timestamp('extended_at', { withTimezone: true, mode: 'date' }),
    extensionReason: text('extension_reason'),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    completionNote: text('completion_note'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    unique('data_subject_requests_number_key').on(t.number),
    unique('data_subject_requests_confirm_token_key').on(t.confirmTokenHash),
    check('data_subject_requests_kind_check', oneOf(sql`${t.kind}`, REQUEST_KINDS)),
    check('data_subject_requests_regime_check', oneOf(sql`${t.regime}`, REQUEST_REGIMES)),
    check('data_subject_requests_status_check', oneOf(sql`${t.status}`, REQUEST_STATUSES)),
    check(
      'data_subject_requests_received_has_due',
      sql`${t.status} = 'awaiting-confirmation' or (${t.receivedAt} is not null and ${t.dueOn} is not null and ${t.originalDueOn} is not null)`,
    ),
    check(
      'data_subject_requests_completed_has_outcome',
      sql`(${t.status} = 'completed') = (${t.completedAt} is not null and ${t.outcome} is not null)`,
    ),
    check(
      'data_subject_requests_extension_reasoned',
      sql`${t.extendedAt} is null or (${t.regime} = 'ru' and length(trim(${t.extensionReason})) > 0)`,
    ),
    index('data_subject_requests_queue_idx').on(t.status, t.dueOn),
    index('data_subject_requests_user_idx').on(t.userId),
  ],
)

/** Every status change of a request, who made it and why. Append-only (migration 0009). */
export const dataSubjectRequestEvents = pgTable(
  'data_subject_request_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => dataSubjectRequests.id),
    /** created, confirmed, extended, completed, mail-failed */
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    /** The legal-team member who acted; null for the requester or the system. */
    actorUserId: text('actor_user_id').references(() => users.id),
    note: text('note'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('data_subject_request_events_request_idx').on(t.requestId, t.at)],
)

export type CalendarDayRow = typeof calendarDays.$inferSelect

export type DataSubjectRequestRow = typeof dataSubjectRequests.$inferSelect

export type DataSubjectRequestEventRow = typeof dataSubjectRequestEvents.$inferSelect
