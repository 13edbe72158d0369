import { LRUCache } from 'lru-cache'

/**
 * Rendered HTML of public pages, kept per process and keyed by URL, host and
 * ETag. A page's ETag already names everything its HTML depends on (content
 * hashes, operator details, build), which is what lets a 304 be answered
 * without rendering; the same fact lets a 200 reuse the bytes rendered for an
 * earlier request with the same ETag. Bounded by total size, least recently
 * used first out.
 */
export class PageCache {
  private readonly entries: LRUCache<string, Buffer>

  constructor(private readonly maxBytes: number) {
    // lru-cache wants every size positive; an empty page counts as one byte.
    this.entries = new LRUCache({ maxSize: maxBytes, sizeCalculation: (body) => Math.max(1, body.length) })
  }

  get(key: string): Buffer | undefined {
    return this.entries.get(key)
  }

  set(key: string, body: Buffer) {
    // lru-cache would also drop an existing entry under this key; the page cached before stays.
    if (body.length > this.maxBytes) return
    this.entries.set(key, body)
  }

  get size() {
    return this.entries.size
  }

  get totalBytes() {
    return this.entries.calculatedSize
  }
}

/** The cache key of a response that may be reused, or null when it must be rendered for this request alone. */
export function cacheablePageKey(request: Request, status: number, headers: Headers): string | null {
  if (request.method !== 'GET' || status !== 200) return null
  const etag = headers.get('ETag')
  const cacheControl = headers.get('Cache-Control') ?? ''
  if (!etag || !/\bpublic\b/.test(cacheControl) || headers.has('Set-Cookie')) return null
  // The host is part of the key: absolute links (hreflang) use the request's origin when PUBLIC_URL is unset.
  const url = new URL(request.url)
  return `${url.host}${url.pathname}${url.search} ${etag}`
}

/** A cached page with this response's nonce in place of the stand-in (a copy; the cached bytes stay as they are). */
export function withNonce(html: Buffer, nonce: string | undefined, standIn: string): Buffer {
  if (!nonce || nonce.length !== standIn.length) return html
  let at = html.indexOf(standIn)
  if (at === -1) return html
  const copy = Buffer.from(html)
  while (at !== -1) {
    copy.write(nonce, at, 'latin1')
    at = html.indexOf(standIn, at + standIn.length)
  }
  return copy
}
