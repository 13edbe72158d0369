// The surface of cookie-consent: the only module other folders import.
export { purgeOldPageViews, recordPageView } from './analytics.server'
export { recordCookieChoice } from './choice.server'
export { CONSENT_METHODS } from './cookie.server'
export type { ConsentMethod } from './cookie.server'
export { bannerData, layoutConsent } from './layout.server'
export { rememberGenerationSettings, rememberedGenerationSettings } from './preferences.server'
export { consentEtagPart, cookieConsentState } from './state.server'
