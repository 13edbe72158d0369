// The surface of flows/legal-admin: the only module other folders import.
export { LegalViewLink } from './account-link'
export { LEGAL_ADMIN_HEADERS, legalAdminHeaders, legalAdminMeta } from './page'
