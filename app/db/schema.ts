import { sql, type SQL } from 'drizzle-orm'
import {
  boolean,
  check,
  date,
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
// People: accounts, sessions, guests

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

/**
 * A bounded summary of each refused webhook call (a bad token or signature, a
 * body that is not a notification): when, which webhook, why, how long the
 * body was and its SHA-256. Never the body, never the sender's address: the
 * table holds no personal data. Kept at most REFUSED_WEBHOOK_CAP rows and
 * REFUSED_WEBHOOK_KEEP_DAYS days (app/security/refused-webhooks.server.ts).
 */
export const refusedWebhooks = pgTable(
  'refused_webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** tbank, sanity */
    webhook: text('webhook').notNull(),
    /** bad-token, malformed, missing, bad-signature, expired */
    reason: text('reason').notNull(),
    byteLength: integer('byte_length').notNull(),
    /** Hex SHA-256 of the body exactly as received. */
    bodySha256: text('body_sha256').notNull(),
  },
  (t) => [index('refused_webhooks_received_idx').on(t.receivedAt)],
)

// ---------------------------------------------------------------------------
// The acceptance ledger

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

export type UserRow = typeof users.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
export type GuestRow = typeof guests.$inferSelect
export type AcceptanceRow = typeof acceptances.$inferSelect
export type NewAcceptanceRow = typeof acceptances.$inferInsert

// ---------------------------------------------------------------------------
// Credits

/**
 * Who holds credits and owns generations: `user:<id>` or `guest:<id>`. One
 * text key lets the ledger, the balance and the jobs name their holder the
 * same way; the user_id/guest_id columns beside it carry the foreign keys.
 */
export type CreditOwner = `user:${string}` | `guest:${string}`

export const CREDIT_REASONS = ['grant', 'purchase', 'generation', 'refund', 'adjustment'] as const
export type CreditReason = (typeof CREDIT_REASONS)[number]

/**
 * The current balance of each holder, kept beside the ledger and changed only
 * in the same transaction as a ledger row. The CHECK makes a negative balance
 * impossible whatever the code does.
 */
export const creditBalances = pgTable(
  'credit_balances',
  {
    owner: text('owner').$type<CreditOwner>().primaryKey(),
    userId: text('user_id').references(() => users.id),
    guestId: text('guest_id').references(() => guests.id),
    balance: integer('balance').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('credit_balances_not_negative', sql`${t.balance} >= 0`),
    check('credit_balances_one_holder', sql`num_nonnulls(${t.userId}, ${t.guestId}) = 1`),
    check(
      'credit_balances_owner_matches',
      sql`${t.owner} = coalesce('user:' || ${t.userId}, 'guest:' || ${t.guestId})`,
    ),
  ],
)

/**
 * Every movement of credits, as a signed integer, with what caused it
 * (reference type and id: 'job' + job id, 'order' + order id, 'guest' + guest
 * id for the welcome grant, 'guest-link' + guest id when a guest's credits
 * move to the account it registered). Append-only (migration 0006). The
 * unique key makes each cause count once per holder: a job is charged once
 * and refunded at most once, an order credits once.
 */
export const creditMovements = pgTable(
  'credit_movements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    owner: text('owner')
      .$type<CreditOwner>()
      .notNull()
      .references(() => creditBalances.owner),
    delta: integer('delta').notNull(),
    reason: text('reason', { enum: CREDIT_REASONS }).notNull(),
    referenceType: text('reference_type').notNull(),
    referenceId: text('reference_id').notNull(),
    /** The balance right after this movement: the ledger can be audited row by row. */
    balanceAfter: integer('balance_after').notNull(),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('credit_movements_delta_not_zero', sql`${t.delta} <> 0`),
    check('credit_movements_balance_after_not_negative', sql`${t.balanceAfter} >= 0`),
    check('credit_movements_reason_check', oneOf(sql`${t.reason}`, CREDIT_REASONS)),
    unique('credit_movements_once_per_cause').on(t.owner, t.reason, t.referenceType, t.referenceId),
    index('credit_movements_owner_idx').on(t.owner, t.createdAt),
  ],
)

// ---------------------------------------------------------------------------
// Generation jobs

export const JOB_STATUS_VALUES = ['queued', 'running', 'done', 'failed', 'canceled'] as const

/**
 * The generation queue and history in one table. Workers claim queued rows
 * (and running rows whose lease has expired) with FOR UPDATE SKIP LOCKED;
 * only the worker holding the lease can finish a job.
 */
export const generationJobs = pgTable(
  'generation_jobs',
  {
    id: uuid('id').primaryKey(),
    owner: text('owner').$type<CreditOwner>().notNull(),
    userId: text('user_id').references(() => users.id),
    guestId: text('guest_id').references(() => guests.id),
    status: text('status', { enum: JOB_STATUS_VALUES }).notNull().default('queued'),
    prompt: text('prompt').notNull(),
    style: text('style').notNull(),
    aspectRatio: text('aspect_ratio').notNull(),
    count: integer('count').notNull(),
    seed: integer('seed').notNull(),
    cost: integer('cost').notNull(),
    engine: text('engine').notNull(),
    engineKind: text('engine_kind', { enum: ['local', 'ai'] }).notNull(),
    /** The re-encoded upload, or null (none, or removed after the retention period). */
    sourceImageKey: text('source_image_key'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    /** Not before this time (back-off between attempts). */
    runAfter: timestamp('run_after', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
    failureCode: text('failure_code'),
    refundedCredits: integer('refunded_credits').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    check('generation_jobs_status_check', oneOf(sql`${t.status}`, JOB_STATUS_VALUES)),
    check('generation_jobs_count_check', sql`${t.count} between 1 and 4`),
    check('generation_jobs_cost_check', sql`${t.cost} >= 0`),
    check('generation_jobs_refund_check', sql`${t.refundedCredits} between 0 and ${t.cost}`),
    check('generation_jobs_one_holder', sql`num_nonnulls(${t.userId}, ${t.guestId}) >= 1`),
    index('generation_jobs_owner_idx').on(t.owner, t.createdAt),
    index('generation_jobs_queue_idx')
      .on(t.runAfter, t.createdAt)
      .where(sql`${t.status} = 'queued'`),
    index('generation_jobs_lease_idx')
      .on(t.leaseExpiresAt)
      .where(sql`${t.status} = 'running'`),
    index('generation_jobs_guest_idx').on(t.guestId),
  ],
)

/** The images of a finished job; written in the same transaction that marks the job done. */
export const generationImages = pgTable(
  'generation_images',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => generationJobs.id, { onDelete: 'cascade' }),
    index: integer('index').notNull(),
    storageKey: text('storage_key').notNull(),
    mimeType: text('mime_type').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: integer('bytes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.index] })],
)

/**
 * Prompts the moderation rules refused, kept for review (terms 8.3: a person
 * may ask for one to be checked) for the register's `refusedPrompts` period.
 */
export const moderationRefusals = pgTable(
  'moderation_refusals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    owner: text('owner').$type<CreditOwner>(),
    userId: text('user_id').references(() => users.id),
    guestId: text('guest_id').references(() => guests.id),
    prompt: text('prompt').notNull(),
    category: text('category').notNull(),
    ruleId: text('rule_id').notNull(),
    matched: text('matched').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('moderation_refusals_created_idx').on(t.createdAt),
    index('moderation_refusals_owner_idx').on(t.owner),
    // Deleting a guest's refusals (retention) and moving them to its account (registration).
    index('moderation_refusals_guest_idx').on(t.guestId),
  ],
)

export type CreditMovementRow = typeof creditMovements.$inferSelect
export type GenerationJobRow = typeof generationJobs.$inferSelect
export type GenerationImageRow = typeof generationImages.$inferSelect

// ---------------------------------------------------------------------------
// Payments

export const ORDER_STATUSES = [
  /** Created with its acceptance rows; the bank has not been asked yet. */
  'created',
  /** The bank gave a payment page; waiting for the person and the bank. */
  'pending',
  /** The bank could not start the payment (Init failed); nothing was charged. */
  'init-failed',
  'authorized',
  /** Paid: the credits are on the balance. */
  'confirmed',
  /** Closed without payment: rejected, canceled or expired at the bank. */
  'rejected',
  'canceled',
  'expired',
  'partially-refunded',
  'refunded',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/**
 * A purchase of a credit pack. The pack's credits and price are copied in at
 * the moment of purchase: later price changes never touch an order.
 */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    packId: text('pack_id').notNull(),
    packName: text('pack_name').notNull(),
    credits: integer('credits').notNull(),
    amountKopecks: integer('amount_kopecks').notNull(),
    provider: text('provider', { enum: ['tbank', 'sandbox'] }).notNull(),
    terminalKey: text('terminal_key').notNull(),
    status: text('status', { enum: ORDER_STATUSES }).notNull().default('created'),
    /** The last bank status applied, as the bank names it (CONFIRMED, REFUNDED, …). */
    bankStatus: text('bank_status'),
    paymentId: text('payment_id'),
    paymentUrl: text('payment_url'),
    /**
     * Where the fiscal receipt goes; erased (null) when the account is deleted:
     * accounting keeps the order, not the buyer's address (decision 014).
     */
    receiptEmail: text('receipt_email'),
    locale: text('locale', { enum: LOCALES }).notNull(),
    /** Why Init failed, as the bank said it (error code and message), for support. */
    failure: text('failure'),
    /** Set when a notification did not match the order (amount, terminal): a person looks at it. */
    flaggedReason: text('flagged_reason'),
    refundedKopecks: integer('refunded_kopecks').notNull().default(0),
    refundedCredits: integer('refunded_credits').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    check('orders_status_check', oneOf(sql`${t.status}`, ORDER_STATUSES)),
    check('orders_credits_check', sql`${t.credits} > 0`),
    check('orders_amount_check', sql`${t.amountKopecks} > 0`),
    check('orders_refund_check', sql`${t.refundedKopecks} between 0 and ${t.amountKopecks}`),
    check('orders_refunded_credits_check', sql`${t.refundedCredits} between 0 and ${t.credits}`),
    unique('orders_payment_id_key').on(t.paymentId),
    index('orders_user_idx').on(t.userId, t.createdAt),
  ],
)

/**
 * Every notification the bank sent, verified or not, and what became of it.
 * `body` keeps only STORED_NOTIFICATION_FIELDS (app/payments/notifications.server.ts):
 * no card details. Deleted with the order when the payments period ends.
 */
export const paymentNotifications = pgTable(
  'payment_notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id').references(() => orders.id),
    paymentId: text('payment_id'),
    bankStatus: text('bank_status'),
    amountKopecks: integer('amount_kopecks'),
    /** applied, duplicate, out-of-order, bad-token, unknown-order, mismatch */
    outcome: text('outcome').notNull(),
    body: jsonb('body').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('payment_notifications_order_idx').on(t.orderId, t.receivedAt)],
)

/** A refund of an order's unused credits: the credits leave the balance in the transaction that records it. */
export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    credits: integer('credits').notNull(),
    amountKopecks: integer('amount_kopecks').notNull(),
    status: text('status', { enum: ['requested', 'succeeded', 'failed'] })
      .notNull()
      .default('requested'),
    bankStatus: text('bank_status'),
    failure: text('failure'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    check('refunds_credits_check', sql`${t.credits} > 0`),
    check('refunds_amount_check', sql`${t.amountKopecks} > 0`),
    index('refunds_order_idx').on(t.orderId),
  ],
)

export type OrderRow = typeof orders.$inferSelect
export type PaymentNotificationRow = typeof paymentNotifications.$inferSelect
export type RefundRow = typeof refunds.$inferSelect

// ---------------------------------------------------------------------------
// Cookie consent and page-view statistics

/** The optional cookie categories of the cookie policy; essential cookies need no consent. */
export const COOKIE_CATEGORIES = ['preferences', 'analytics'] as const
export type CookieCategory = (typeof COOKIE_CATEGORIES)[number]

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

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'other'] as const
export type DeviceType = (typeof DEVICE_TYPES)[number]

/**
 * De-identified page-view statistics, written only with analytics consent:
 * the random palitra_stats visitor id, the route pattern (never the URL with
 * its ids or query), the language, the device type and the hour. No IP, no
 * account or guest id, no user agent. Kept 12 months (privacy policy).
 */
export const pageViews = pgTable(
  'page_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    visitorId: text('visitor_id').notNull(),
    route: text('route').notNull(),
    locale: text('locale', { enum: LOCALES }).notNull(),
    device: text('device', { enum: DEVICE_TYPES }).notNull(),
    /** Truncated to the hour. */
    viewedAt: timestamp('viewed_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    check('page_views_device_check', oneOf(sql`${t.device}`, DEVICE_TYPES)),
    check('page_views_locale_check', oneOf(sql`${t.locale}`, LOCALES)),
    index('page_views_viewed_at_idx').on(t.viewedAt),
  ],
)

export type CookieConsentRow = typeof cookieConsents.$inferSelect
export type PageViewRow = typeof pageViews.$inferSelect

// ---------------------------------------------------------------------------
// Data-subject requests and the working-day calendar

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

// ---------------------------------------------------------------------------
// Mail that must not be lost

/**
 * registration: the e-mail after sign-up (confirm the address, and the
 * versions accepted); verification: a new confirmation link asked for from
 * the account; payment: the receipt of acceptance after a confirmed payment;
 * registration-attempt: someone tried to register with the address of an
 * existing account (the page said the same as for a new one).
 */
export const OUTBOX_MAIL_KINDS = ['registration', 'verification', 'payment', 'registration-attempt'] as const
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

export type EmailVerificationTokenRow = typeof emailVerificationTokens.$inferSelect
export type MailOutboxRow = typeof mailOutbox.$inferSelect

// ---------------------------------------------------------------------------
// Shared media directory probe

/**
 * Processes that keep media under DATA_DIR/media on PostgreSQL
 * (MEDIA_DIR_SHARED=true). Each one writes a token file in the media
 * directory and records it here; a process that cannot read the token file
 * of another live process is not on the same volume and refuses to start
 * (app/storage/shared-media.server.ts). No personal data: the instance id is
 * the host name, the process id and a random part.
 */
export const mediaDirProbes = pgTable('media_dir_probes', {
  instanceId: text('instance_id').primaryKey(),
  token: text('token').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** Renewed while the process runs; a row not renewed for a few minutes belongs to a process that is gone. */
  seenAt: timestamp('seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})
