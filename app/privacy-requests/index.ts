// The surface of privacy-requests: the only module other folders import.
export { dueText, periodText, replyPeriodText } from './deadline-text'
export { deadlineRule } from './deadlines'
export { formatDay } from './format-day'
export { CALENDAR_DAY_KINDS, REQUEST_KINDS, REQUEST_OUTCOMES, REQUEST_REGIMES } from './schema'
