/**
 * The register of processing: the facts about what Palitra processes (cookies,
 * retention periods, outside services) in one machine-readable place that the
 * code and the legal texts both take them from. See docs/register.md.
 */
export { COOKIE_CATEGORIES, COOKIES, cookieDeclaration, cookieMaxAgeSeconds, secureCookiesFor } from './cookies'
export type { CookieCategory, CookieDeclaration, CookieName } from './cookies'
export { RETENTION, retentionCutoff, retentionDays, retentionMonths } from './retention'
export type { RetentionEntry, RetentionId, RetentionPeriod } from './retention'
export { COUNTRY_NAMES, enabledProcessors, PROCESSORS, processorById } from './processors'
export type { CountryCode, ProcessorEntry, ProcessorId, ProcessorRole } from './processors'
export type { Localized } from './text'
export { DISCLOSED_BEFORE_THE_REGISTER } from './disclosures'
export { REQUEST_DEADLINES, REQUEST_KIND_NAMES, REQUEST_KINDS, REQUEST_LAWS } from './requests'
export type { DeadlinePeriod, DeadlineRule, RequestKindId, RequestLaw } from './requests'
