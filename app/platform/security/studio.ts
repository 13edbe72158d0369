/**
 * What the site allows the Sanity Studio (SANITY_STUDIO_URL): to show the
 * draft preview in a frame, and to read the publish-impact endpoint from the
 * browser. Only that one origin; with the setting unset, neither.
 */

/** The origin (scheme://host[:port]) of SANITY_STUDIO_URL, or null when it is unset. */
export function studioOrigin(studioUrl: string | undefined): string | null {
  if (!studioUrl || !URL.canParse(studioUrl)) return null
  return new URL(studioUrl).origin
}

/**
 * A page's Content-Security-Policy with the Studio allowed as its frame
 * parent (frame-ancestors replaces 'none'). Without a policy (development)
 * the directive alone, so the X-Frame-Options: DENY every response carries
 * is still overridden: browsers ignore it when frame-ancestors is present.
 */
export function framedByStudio(policy: string | undefined, origin: string): string {
  const directive = `frame-ancestors ${origin}`
  if (!policy) return directive
  return policy.replace(/frame-ancestors [^;]*/, directive)
}

/** The paths the Studio calls from the browser (CORS). */
export const STUDIO_API_PREFIX = '/api/studio/'

/**
 * CORS headers for a Studio API answer: the Studio's origin when the request
 * comes from it, nothing that lets another origin read the answer.
 */
export function studioCorsHeaders(requestOrigin: string | null | undefined, origin: string | null): Headers {
  const headers = new Headers({ Vary: 'Origin', 'Cache-Control': 'no-store' })
  if (origin && requestOrigin === origin) headers.set('Access-Control-Allow-Origin', origin)
  return headers
}

/** The answer to a CORS preflight of a Studio API path: 204, GET only, no credentials. */
export function studioPreflightHeaders(requestOrigin: string | null | undefined, origin: string | null): Headers {
  const headers = studioCorsHeaders(requestOrigin, origin)
  if (headers.has('Access-Control-Allow-Origin')) {
    headers.set('Access-Control-Allow-Methods', 'GET')
    headers.set('Access-Control-Max-Age', '600')
  }
  return headers
}
