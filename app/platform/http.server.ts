import { createHash } from 'node:crypto'

/** A strong ETag over the parts that decide what a page shows. */
export function etagFor(...parts: Array<string | number | boolean | null | undefined>): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(String(part ?? '')).update('\u0000')
  return `"${hash.digest('base64url').slice(0, 32)}"`
}

/** True when the request's If-None-Match names the response's ETag. */
export function isNotModified(request: Request, responseHeaders: Headers): boolean {
  const etag = responseHeaders.get('ETag')
  const ifNoneMatch = request.headers.get('If-None-Match')
  if (!etag || !ifNoneMatch || (request.method !== 'GET' && request.method !== 'HEAD')) return false
  const bare = (tag: string) => tag.trim().replace(/^W\//, '')
  return ifNoneMatch === '*' || ifNoneMatch.split(',').some((tag) => bare(tag) === bare(etag))
}

/** Cache policy for public legal pages: short browser life, longer CDN life, served stale while refreshing. */
export const PUBLIC_PAGE_CACHE_CONTROL =
  'public, max-age=60, s-maxage=300, stale-while-revalidate=600, stale-if-error=86400'
