// The surface of legal: the only module other folders import.
export { allArchivedVersions, archivedVersionsById, getArchivedVersion } from './archive.server'
export { disclosureProblems, noticesDisclosed } from './disclosure.server'
export {
  clearArchivedMemo,
  getChangesPage,
  getPolicyPage,
  getSiteSettings,
  getVersionList,
  getVersionPage,
} from './documents.server'
export type { ChangesPage, TextComparison } from './documents.server'
export { getPreviewPage } from './preview.server'
export type { PreviewDocument, PreviewPage } from './preview.server'
export { renderPlainText, sha256Hex } from './plain-text'
export { resolveRegisterTables } from './register-tables.server'
export { verifySanityWebhookBody } from './webhook.server'
export {
  archivePublishedVersion,
  firstPublications,
  followContentChanges,
  parseDelivery,
  receivePublication,
  recentDeliveries,
} from './publications.server'
export type { DeliveryResult, PublicationRecord, PublishDelivery } from './publications.server'
export type { DeliveryOutcome, SanityDeliveryRow } from './schema'
export { DELIVERY_OUTCOMES } from './schema'
