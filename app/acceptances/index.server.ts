// The surface of acceptances: the only module other folders import.
export { acceptanceFormData, checkSubmittedAcceptance } from './acceptance-form.server'
export { NoVersionInForceError, currentVersionsForAcceptance, resolveVersionInForce } from './current-versions.server'
export type {
  CurrentVersion,
  NoVersionInForceReason,
  VersionInForce,
  VersionLookupOptions,
} from './current-versions.server'
export {
  acceptanceHistory,
  acceptancesForAction,
  latestAcceptedVersions,
  recordAcceptances,
  recordFormAcceptance,
  withdrawConsent,
} from './ledger.server'
export type { AcceptedForAction, LedgerSubject, PersonSubject } from './ledger.server'
export { deleteExpiredAcceptances, deleteExpiredCookieChoices, eraseExpiredEvidence } from './retention.server'
export { encodeShownVersions, parseShownVersions } from './shown-versions'
export type { ShownVersion } from './shown-versions'
export { ASKED_KINDS, acceptanceStatus } from './status.server'
export type { AcceptanceStatus } from './status.server'
export { listCookieConsentsForExport } from './export.server'

// What the legal team's views read from the ledger.
export { emptyEventCounts, statsByVersion } from './stats.server'
export type { EventCounts } from './stats.server'
export { ledgerPageOfVersion } from './version-ledger.server'
export {
  accountStandingGroups,
  accountsHoldingEarlierVersion,
  countAccountsHoldingEarlierVersion,
} from './standing.server'
export type { AccountRelations, EarlierVersionHolder, EarlierVersionTarget, StandingGroup } from './standing.server'
export { insertConsentId, lockConsentId, unlinkGuestConsents, updateConsentId } from './consent-ids.server'
export type { ConsentIdLink } from './consent-ids.server'
