import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  expiredCookieHeader,
  isLegacySignature,
  parseSignedCookie,
  plainCookieHeader,
  readCookie,
  setCookieValue,
  signedCookie,
} from './cookies.server'

const CURRENT = 'current-secret-0123456789-abcdefghijkl'
const PREVIOUS = 'previous-secret-0123456789-abcdefghijk'
const attributes = (header: string) => header.split('; ').slice(1).sort()

describe('cookie definitions from the register', () => {
  it('gives every cookie the lifetime, path and flags the register declares', async () => {
    expect(attributes(plainCookieHeader('lng', 'en', { secure: false }))).toEqual(
      ['HttpOnly', 'Max-Age=31536000', 'Path=/', 'SameSite=Lax'].sort(),
    )
    expect(attributes(plainCookieHeader('palitra_oauth_vk', 'x', { secure: true }))).toEqual(
      ['HttpOnly', 'Max-Age=600', 'Path=/auth/', 'SameSite=Lax', 'Secure'].sort(),
    )
    const signed = await signedCookie('palitra_guest', { secrets: [CURRENT], secure: false }).serialize('x')
    expect(attributes(signed)).toEqual(['HttpOnly', 'Max-Age=2592000', 'Path=/', 'SameSite=Lax'].sort())
    expect(attributes(expiredCookieHeader('palitra_pending_signup', { secure: false }))).toEqual(
      ['Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'HttpOnly', 'Max-Age=0', 'Path=/', 'SameSite=Lax'].sort(),
    )
  })

  it('writes a plain value as it is', () => {
    expect(plainCookieHeader('palitra_prefs', 'noir.1:1.2', { secure: false })).toMatch(/^palitra_prefs=noir\.1:1\.2;/)
  })

  it('refuses a cookie the register does not declare, and a signed cookie without a secret', () => {
    expect(() => plainCookieHeader('palitra_unknown' as 'lng', 'x')).toThrow(/register/)
    expect(() => signedCookie('palitra_guest', { secrets: [] })).toThrow(/secret/)
    expect(() => signedCookie('palitra_guest', { secrets: [''] })).toThrow(/secret/)
  })
})

describe('signed cookies with rotating secrets', () => {
  const header = async (value: unknown, secrets: string[]) =>
    `palitra_guest=${setCookieValue(await signedCookie('palitra_guest', { secrets }).serialize(value))}`
  const read = (cookieHeader: string | null, secrets: string[]) =>
    parseSignedCookie(cookieHeader, signedCookie('palitra_guest', { secrets }))

  it('signs with the first secret and verifies with every one', async () => {
    const before = await header({ id: 1 }, [PREVIOUS])
    expect(await read(before, [CURRENT, PREVIOUS])).toEqual({ id: 1 })
    const after = await header({ id: 1 }, [CURRENT, PREVIOUS])
    expect(await read(after, [CURRENT])).toEqual({ id: 1 })
    expect(await read(after, [PREVIOUS])).toBeNull()
  })

  it('reads a value signed with an unknown secret, or altered, or malformed, as null', async () => {
    expect(await read(await header('x', ['unknown-secret-0123456789-abcdefghijkl']), [CURRENT, PREVIOUS])).toBeNull()
    const good = await header('x', [CURRENT])
    expect(await read(`${good.slice(0, -1)}A`, [CURRENT])).toBeNull()
    for (const bad of ['palitra_guest=', 'palitra_guest=.', 'palitra_guest=%%%', 'palitra_guest="', 'other=1']) {
      expect(await read(bad, [CURRENT]), bad).toBeFalsy()
    }
    expect(await read(null, [CURRENT])).toBeNull()
  })
})

describe('the earlier, hand-made signature', () => {
  const legacy = (text: string, secret: string) => createHmac('sha256', secret).update(text).digest('base64url')

  it('is checked against every secret', () => {
    expect(isLegacySignature('guest:abc', legacy('guest:abc', CURRENT), [CURRENT, PREVIOUS])).toBe(true)
    expect(isLegacySignature('guest:abc', legacy('guest:abc', PREVIOUS), [CURRENT, PREVIOUS])).toBe(true)
    expect(isLegacySignature('guest:abc', legacy('guest:abc', PREVIOUS), [CURRENT])).toBe(false)
    expect(isLegacySignature('guest:abd', legacy('guest:abc', CURRENT), [CURRENT])).toBe(false)
    expect(isLegacySignature('guest:abc', `${legacy('guest:abc', CURRENT)}x`, [CURRENT])).toBe(false)
    expect(isLegacySignature('guest:abc', '', [CURRENT])).toBe(false)
  })
})

describe('readCookie', () => {
  it('reads the first value of a cookie', () => {
    const request = new Request('http://localhost/', { headers: { Cookie: 'a=1; lng=en; lng=ru' } })
    expect(readCookie(request, 'lng')).toBe('en')
    expect(readCookie(request, 'ln')).toBeNull()
  })
})
