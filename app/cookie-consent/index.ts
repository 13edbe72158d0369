// The surface of cookie-consent: the only module other folders import.
export { isRoutePattern, routePattern } from './route-pattern'
export type { CookieActionData, CookieBannerData } from './types'
