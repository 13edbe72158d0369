import { describe, expect, it } from 'vitest'
import { parseEnv } from '~/platform/env.server'
import { contentSecurityPolicy } from './headers'
import { framedByStudio, studioCorsHeaders, studioOrigin, studioPreflightHeaders } from './studio'

const STUDIO = 'https://palitra.sanity.studio'

describe('the Studio as a frame parent', () => {
  it('replaces frame-ancestors none with the Studio origin and keeps the rest of the policy', () => {
    const policy = contentSecurityPolicy('n0nce', { telegram: false, bankCheckout: false })
    const framed = framedByStudio(policy, STUDIO)
    expect(framed).toContain(`frame-ancestors ${STUDIO}`)
    expect(framed).not.toContain("frame-ancestors 'none'")
    expect(framed.replace(`frame-ancestors ${STUDIO}`, "frame-ancestors 'none'")).toBe(policy)
  })

  it('without a policy (development) the directive alone, which overrides X-Frame-Options', () => {
    expect(framedByStudio(undefined, STUDIO)).toBe(`frame-ancestors ${STUDIO}`)
  })

  it('takes only the origin of SANITY_STUDIO_URL', () => {
    expect(studioOrigin('https://palitra.example/studio/desk')).toBe('https://palitra.example')
    expect(studioOrigin(undefined)).toBeNull()
  })
})

describe('CORS of the Studio API', () => {
  it('lets the Studio origin read the answer, and no other', () => {
    expect(studioCorsHeaders(STUDIO, STUDIO).get('Access-Control-Allow-Origin')).toBe(STUDIO)
    expect(studioCorsHeaders('https://evil.example', STUDIO).get('Access-Control-Allow-Origin')).toBeNull()
    expect(studioCorsHeaders(STUDIO, null).get('Access-Control-Allow-Origin')).toBeNull()
    expect(studioCorsHeaders(null, STUDIO).get('Cache-Control')).toBe('no-store')
    expect(studioCorsHeaders(null, STUDIO).get('Vary')).toBe('Origin')
  })

  it('answers a preflight from the Studio with GET only', () => {
    const headers = studioPreflightHeaders(STUDIO, STUDIO)
    expect(headers.get('Access-Control-Allow-Methods')).toBe('GET')
    expect(studioPreflightHeaders('https://evil.example', STUDIO).get('Access-Control-Allow-Methods')).toBeNull()
  })
})

describe('SANITY_STUDIO_URL', () => {
  it('is optional, and must be an http(s) address when set', () => {
    expect(parseEnv({}).SANITY_STUDIO_URL).toBeUndefined()
    expect(parseEnv({ SANITY_STUDIO_URL: STUDIO }).SANITY_STUDIO_URL).toBe(STUDIO)
    expect(() => parseEnv({ SANITY_STUDIO_URL: 'not a url' })).toThrow(/SANITY_STUDIO_URL/)
    expect(() => parseEnv({ SANITY_STUDIO_URL: 'ftp://studio.example' })).toThrow(/SANITY_STUDIO_URL/)
  })
})
