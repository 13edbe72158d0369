// The surface of cookie-consent: the only module other folders import.
export { purgeOldPageViews, recordPageView } from './analytics.server'
export { chooseFromForm } from './choice-form.server'
export { bannerData, layoutConsent } from './layout.server'
export { rememberGenerationSettings, rememberedGenerationSettings } from './preferences.server'
export { consentEtagPart, cookieConsentState } from './state.server'
