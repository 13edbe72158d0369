// The surface of flows/retention: the daily schedule of every part's retention job, and inactive guests.
export { startRetentionSchedule, type RetentionSchedule } from './schedule.server'
export { deleteInactiveGuests, type GuestRetentionResult } from './inactive-guests.server'
