/**
 * Rendered HTML of public pages, kept per process and keyed by URL, host and
 * ETag. A page's ETag already names everything its HTML depends on (content
 * hashes, operator details, build), which is what lets a 304 be answered
 * without rendering; the same fact lets a 200 reuse the bytes rendered for an
 * earlier request with the same ETag. Bounded by total size, least recently
 * used first out.
 */
export class PageCache {
  private readonly entries = new Map<string, Buffer>()
  private bytes = 0

  constructor(private readonly maxBytes: number) {}

  get(key: string): Buffer | undefined {
    const hit = this.entries.get(key)
    if (hit) {
      // Re-insert to mark it most recently used.
      this.entries.delete(key)
      this.entries.set(key, hit)
    }
    return hit
  }

  set(key: string, body: Buffer) {
    if (body.length > this.maxBytes) return
    const previous = this.entries.get(key)
    if (previous) {
      this.bytes -= previous.length
      this.entries.delete(key)
    }
    this.entries.set(key, body)
    this.bytes += body.length
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= value.length
    }
  }

  get size() {
    return this.entries.size
  }

  get totalBytes() {
    return this.bytes
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
