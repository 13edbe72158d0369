import { describe, expect, it } from 'vitest'
import { cacheablePageKey, PageCache, withNonce } from './page-cache.server'

describe('PageCache', () => {
  it('evicts the least recently used pages beyond its size', () => {
    const cache = new PageCache(10)
    cache.set('a', Buffer.alloc(4))
    cache.set('b', Buffer.alloc(4))
    expect(cache.get('a')).toBeDefined() // a is now the most recent
    cache.set('c', Buffer.alloc(4))
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBeDefined()
    expect(cache.get('c')).toBeDefined()
    expect(cache.totalBytes).toBe(8)
  })

  it('never holds a page bigger than the whole cache, and replaces a key in place', () => {
    const cache = new PageCache(10)
    cache.set('huge', Buffer.alloc(11))
    expect(cache.size).toBe(0)
    cache.set('a', Buffer.alloc(3))
    cache.set('a', Buffer.alloc(5))
    expect(cache.totalBytes).toBe(5)
  })
})

describe('cacheablePageKey', () => {
  const publicHeaders = () => new Headers({ ETag: '"abc"', 'Cache-Control': 'public, max-age=60' })
  const get = (url: string, method = 'GET') => new Request(url, { method })

  it('keys public, ETagged 200 pages by host, path, query and ETag', () => {
    expect(cacheablePageKey(get('http://a.example/ru/privacy?x=1'), 200, publicHeaders())).toBe(
      'a.example/ru/privacy?x=1 "abc"',
    )
    expect(cacheablePageKey(get('http://b.example/ru/privacy'), 200, publicHeaders())).not.toBe(
      cacheablePageKey(get('http://a.example/ru/privacy'), 200, publicHeaders()),
    )
  })

  it('refuses anything personal or unusual', () => {
    expect(cacheablePageKey(get('http://a/ru'), 404, publicHeaders())).toBeNull()
    expect(cacheablePageKey(get('http://a/ru', 'POST'), 200, publicHeaders())).toBeNull()
    expect(cacheablePageKey(get('http://a/ru'), 200, new Headers({ ETag: '"abc"' }))).toBeNull()
    expect(
      cacheablePageKey(get('http://a/ru'), 200, new Headers({ 'Cache-Control': 'private', ETag: '"a"' })),
    ).toBeNull()
    const withCookie = publicHeaders()
    withCookie.set('Set-Cookie', 'x=1')
    expect(cacheablePageKey(get('http://a/ru'), 200, withCookie)).toBeNull()
  })
})

describe('withNonce', () => {
  const standIn = 'AAAAAAAAAAAAAAAAAAAAAA=='
  const page = Buffer.from(`<script nonce="${standIn}">a</script><p>ж</p><script nonce="${standIn}">b</script>`)

  it('gives each response of a cached page its own nonce, leaving the cached bytes as they were', () => {
    const nonce = 'b3duTm9uY2VGb3JSZXNwb25z'
    const served = withNonce(page, nonce, standIn).toString()
    expect(served).toBe(`<script nonce="${nonce}">a</script><p>ж</p><script nonce="${nonce}">b</script>`)
    expect(page.toString()).toContain(standIn)
    expect(withNonce(page, undefined, standIn)).toBe(page)
  })
})
