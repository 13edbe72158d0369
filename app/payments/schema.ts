import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { LOCALES } from '~/platform/i18n/locales'
import { oneOf } from '~/platform/db/sql'
import { users } from '~/identity/schema'

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
