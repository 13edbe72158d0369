/**
 * CSRF defence for state-changing requests: the browser-set Origin header
 * (or, when a browser leaves it out, the Referer) must name this site. The
 * session cookie's SameSite=Lax is the second layer. Pure, so the Express
 * entry and Remix actions can both use it.
 */

// TRACE is not among them: it is no read, and the edge refuses it (405) before this check.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export type OriginCheckInput = {
  method: string
  origin?: string | null
  referer?: string | null
  /** The Host header (host[:port]) the request arrived with. */
  host?: string | null
  /** The site's public URL; when set it alone decides what "same origin" is. */
  publicUrl?: string | null
}

/** The origin (scheme://host[:port]) of a URL, or null when it has none. */
function originOf(value: string): URL | null {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null
  } catch {
    return null
  }
}

/**
 * True when the request may change state: safe methods always; others only
 * when Origin (or Referer) matches PUBLIC_URL's origin exactly (scheme, host
 * and port), or, without PUBLIC_URL, the request's own Host. `Origin: null`
 * (sandboxed frames, some redirects) and requests naming neither are refused.
 */
export function isSameOriginRequest({ method, origin, referer, host, publicUrl }: OriginCheckInput): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true

  // A present Origin header decides, even when a Referer is also sent.
  const claimed = origin ? originOf(origin) : referer ? originOf(referer) : null
  if (!claimed) return false

  if (publicUrl) {
    const expected = originOf(publicUrl)
    return expected !== null && claimed.origin === expected.origin
  }
  // Without PUBLIC_URL the scheme is unknown (TLS may end at a proxy), so the host decides.
  return Boolean(host) && withoutDefaultPort(claimed.host) === withoutDefaultPort(host!.trim().toLowerCase())
}

function withoutDefaultPort(host: string) {
  return host.replace(/:(80|443)$/, '')
}

/** The same check on a Fetch API request (Remix actions). */
export function isSameOriginFetchRequest(request: Request, publicUrl?: string | null): boolean {
  return isSameOriginRequest({
    method: request.method,
    origin: request.headers.get('Origin'),
    referer: request.headers.get('Referer'),
    host: request.headers.get('Host') ?? new URL(request.url).host,
    publicUrl,
  })
}
