// The surface of privacy-requests: the only module other folders import.
export { isCalendarYear, listCalendarYear, removeCalendarDay, saveCalendarDay } from './calendar.server'
export type { CalendarEntry } from './calendar.server'
export { CONFIRM_TOKEN_TTL_HOURS, DETAILS_MAX_LENGTH, findOwnRequest, forgetUnconfirmedRequests } from './intake.server'
export { completeFromForm, extendFromForm } from './legal-actions.server'
export type { LegalActionResult } from './legal-actions.server'
export { COMPLETED_IN_QUEUE, getRequest, listQueue } from './queue.server'
export type { RequestDetails } from './queue.server'
export { NOTE_MAX_LENGTH } from './records.server'
export { deleteExpiredRequests } from './retention.server'
export { guestsWithPendingRequests, listRequestsForExport, unlinkGuestRequests } from './subjects.server'
export {
  confirmFromForm,
  confirmLinkRefusal,
  formIdentity,
  inspectConfirmationLink,
  submitRequestForm,
} from './submit.server'
export { isCalendarDate, moscowDay } from './working-days'

// The queue counted for the legal team's overview.
export { requestsSummary } from './summary.server'
export type { RequestsSummary } from './summary.server'
