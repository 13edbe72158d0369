import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { oneOf } from '~/platform/db/sql'
import { users, guests } from '~/identity/schema'

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

export type CreditMovementRow = typeof creditMovements.$inferSelect
