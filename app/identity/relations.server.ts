import { isNotNull, isNull, sql, type SQL } from 'drizzle-orm'
import { guests, users } from './schema'

/**
 * Identity's rows as relations another domain may aggregate over in one
 * query, without naming identity's tables: the columns listed here are the
 * contract, the tables behind them stay identity's to change. A flow passes
 * them to the aggregate that needs them (acceptances' account standings).
 */

/** `(id, locale)` of every account that is not deleted. */
export function liveAccountsRelation(): SQL {
  return sql`select ${users.id} as id, ${users.locale} as locale from ${users} where ${isNull(users.deletedAt)}`
}

/** `(guest_id, user_id)` of every guest session linked to an account. */
export function guestLinksRelation(): SQL {
  return sql`select ${guests.id} as guest_id, ${guests.linkedUserId} as user_id from ${guests} where ${isNotNull(guests.linkedUserId)}`
}
