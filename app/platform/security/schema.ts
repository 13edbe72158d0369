import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

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
 * REFUSED_WEBHOOK_KEEP_DAYS days (app/platform/security/refused-webhooks.server.ts).
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
