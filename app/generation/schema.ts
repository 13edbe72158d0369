import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { oneOf } from '~/platform/db/sql'
import { users, guests } from '~/identity/schema'
import { type CreditOwner } from '~/credits'

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

export type GenerationJobRow = typeof generationJobs.$inferSelect

export type GenerationImageRow = typeof generationImages.$inferSelect
