import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { LOCALES } from '~/platform/i18n/locales'
import { oneOf } from '~/platform/db/sql'

/** The optional cookie categories of the cookie policy; essential cookies need no consent. */
export const COOKIE_CATEGORIES = ['preferences', 'analytics'] as const

export type CookieCategory = (typeof COOKIE_CATEGORIES)[number]

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

export type PageViewRow = typeof pageViews.$inferSelect
