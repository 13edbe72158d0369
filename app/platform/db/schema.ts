import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * One counter per kind of change that every instance must notice (content
 * published in Sanity): the instance that learns of the change bumps it, the
 * others read it every few seconds and drop their caches when it moved
 * (app/platform/db/change-signal.server.ts, docs/decisions/021).
 */
export const changeSignals = pgTable('change_signals', {
  name: text('name').primaryKey(),
  generation: bigint('generation', { mode: 'number' }).notNull().default(0),
  changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})
