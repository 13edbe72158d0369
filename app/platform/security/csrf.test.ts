import { describe, expect, it } from 'vitest'
import { isSameOriginFetchRequest, isSameOriginRequest } from './csrf'

const site = 'https://palitra.example'

describe('isSameOriginRequest with PUBLIC_URL', () => {
  const post = (headers: { origin?: string | null; referer?: string | null }) =>
    isSameOriginRequest({ method: 'POST', host: 'palitra.example', publicUrl: site, ...headers })

  it('accepts a form posted from the site itself', () => {
    expect(post({ origin: 'https://palitra.example' })).toBe(true)
    expect(post({ origin: 'https://palitra.example:443' })).toBe(true)
    expect(isSameOriginRequest({ method: 'POST', origin: site, publicUrl: `${site}/some/path` })).toBe(true)
  })

  it('refuses a cross-site post', () => {
    expect(post({ origin: 'https://evil.example' })).toBe(false)
    expect(post({ origin: 'https://palitra.example.evil.example' })).toBe(false)
    expect(post({ origin: 'https://sub.palitra.example' })).toBe(false)
    expect(post({ origin: 'https://palitra.example:8443' })).toBe(false)
  })

  it('refuses http when the site is https, and the other way round', () => {
    expect(post({ origin: 'http://palitra.example' })).toBe(false)
    expect(
      isSameOriginRequest({
        method: 'POST',
        origin: site,
        host: 'localhost:3000',
        publicUrl: 'http://palitra.example',
      }),
    ).toBe(false)
  })

  it('refuses `Origin: null` even with a matching Referer', () => {
    expect(post({ origin: 'null' })).toBe(false)
    expect(post({ origin: 'null', referer: `${site}/en/login` })).toBe(false)
  })

  it('falls back to the Referer when there is no Origin', () => {
    expect(post({ referer: `${site}/ru/register?x=1` })).toBe(true)
    expect(post({ referer: 'https://evil.example/ru/register' })).toBe(false)
    expect(post({ referer: 'not a url' })).toBe(false)
  })

  it('refuses a post with neither header', () => {
    expect(post({})).toBe(false)
    expect(post({ origin: '', referer: '' })).toBe(false)
  })

  it('refuses non-web schemes', () => {
    expect(post({ origin: 'chrome-extension://abcdef' })).toBe(false)
    expect(post({ referer: 'file:///etc/passwd' })).toBe(false)
  })

  it('does not count TRACE as a safe method', () => {
    expect(isSameOriginRequest({ method: 'TRACE', origin: 'https://evil.example', publicUrl: site })).toBe(false)
    expect(isSameOriginRequest({ method: 'trace', publicUrl: site })).toBe(false)
  })

  it('lets safe methods through whatever the headers say', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(isSameOriginRequest({ method, origin: 'https://evil.example', publicUrl: site })).toBe(true)
      expect(isSameOriginRequest({ method, publicUrl: site })).toBe(true)
    }
  })

  it('checks every state-changing method', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) {
      expect(isSameOriginRequest({ method, origin: 'https://evil.example', publicUrl: site })).toBe(false)
      expect(isSameOriginRequest({ method, origin: site, publicUrl: site })).toBe(true)
    }
  })
})

describe('isSameOriginRequest without PUBLIC_URL', () => {
  it("compares with the request's own Host", () => {
    const check = (origin: string, host: string | null) => isSameOriginRequest({ method: 'POST', origin, host })
    expect(check('http://localhost:3000', 'localhost:3000')).toBe(true)
    // TLS may end at a proxy: the scheme is not known, the host decides.
    expect(check('https://palitra.example', 'palitra.example')).toBe(true)
    expect(check('https://palitra.example', 'palitra.example:443')).toBe(true)
    expect(check('http://localhost:3001', 'localhost:3000')).toBe(false)
    expect(check('https://evil.example', 'palitra.example')).toBe(false)
    expect(check('http://localhost:3000', null)).toBe(false)
  })
})

describe('isSameOriginFetchRequest', () => {
  it('reads the headers of a Fetch API request', () => {
    const request = (headers: Record<string, string>) =>
      new Request('http://localhost:3000/ru/login', { method: 'POST', headers, body: 'x=1' })
    expect(isSameOriginFetchRequest(request({ Origin: 'http://localhost:3000' }))).toBe(true)
    expect(isSameOriginFetchRequest(request({ Origin: 'http://evil.example' }))).toBe(false)
    expect(isSameOriginFetchRequest(request({}))).toBe(false)
    expect(isSameOriginFetchRequest(request({ Origin: site }), site)).toBe(true)
    expect(isSameOriginFetchRequest(new Request('http://localhost:3000/ru'))).toBe(true)
  })
})
