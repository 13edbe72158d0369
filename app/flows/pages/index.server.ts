// The surface of flows/pages: the only module other folders import.
export { changesPage } from './changes-page.server'
export { homePage, submitFromHome } from './home-page.server'
export { documentExtras, legalRouteParams, legalT, parseVersionNumber, publicPageHeaders } from './page-data.server'
export { paymentsAction, paymentsPage } from './payments-page.server'
export type { PaymentRow } from './payments-page.server'
export { PREVIEW_HEADERS, previewPage } from './preview-page.server'
export { pricingPage } from './pricing-page.server'
export type { PricedPack } from './pricing-page.server'
