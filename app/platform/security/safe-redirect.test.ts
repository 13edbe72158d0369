import { describe, expect, it } from 'vitest'
import { MAX_TARGET_LENGTH, safeRedirect } from './safe-redirect'

const FALLBACK = '/en'

/** What a browser would make of a Location header (it strips tab, CR and LF, and reads `\` as `/`). */
function browserOrigin(location: string): string {
  return new URL(location.replace(/[\t\r\n]/g, ''), 'https://site.example').origin
}

describe('safeRedirect', () => {
  const accepted: Array<[string, string]> = [
    ['/en', '/en'],
    ['/en/account', '/en/account'],
    ['/ru/history?tab=all#top', '/ru/history?tab=all#top'],
    ['/en/cookies?returnTo=%2Fen%2Faccount', '/en/cookies?returnTo=%2Fen%2Faccount'],
    // Re-serialized: non-ASCII is percent-encoded, dot segments resolved.
    ['/ru/привет?q=б#в', '/ru/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82?q=%D0%B1#%D0%B2'],
    ['/en/a/../account', '/en/account'],
    ['/en/%2e%2e/ru', '/ru'],
    ['/en/a b', '/en/a%20b'],
  ]
  it.each(accepted)('accepts the same-site path %j as %j', (input, expected) => {
    expect(safeRedirect(input, FALLBACK)).toBe(expected)
  })

  const refused: string[] = [
    '',
    'en/account',
    'https://evil.example/',
    'http:/evil.example',
    'javascript:alert(1)',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\\/evil.example',
    '/en\\..\\..\\evil.example',
    // Control characters a browser strips, raw…
    '/\t/evil.example/',
    '/\r\n/evil.example',
    '/\n/evil.example',
    '/en/\u0000',
    '/en\r\nSet-Cookie: a=b',
    '/en/\u007f',
    '/en/\u0085',
    // …and percent-encoded, once or twice.
    '/%09/evil.example/',
    '/%0d%0a/evil.example',
    '/en/%00',
    '/en?x=%0D%0ASet-Cookie:%20a=b',
    '/en/%2509',
    '/en/%25250a',
    // Encoded slashes, backslashes and dots that end up as a second slash.
    '/%2F/evil.example',
    '/%2f%2fevil.example',
    '/%5Cevil.example',
    '/en/%5c..%5c..%5cevil.example',
    '/.//evil.example',
    '/%2e//evil.example',
    '/en/%2e%2e/%2e%2e//evil.example',
    '/en/../..//evil.example',
    // Text that does not decode.
    '/en/%zz',
    '/en/%ff',
    '/en/%',
    // Too long.
    `/en/${'a'.repeat(MAX_TARGET_LENGTH)}`,
  ]
  it.each(refused)('refuses %j', (input) => {
    expect(safeRedirect(input, FALLBACK)).toBe(FALLBACK)
  })

  it('never returns anything a browser reads as another origin or a header Node refuses', () => {
    for (const input of [...refused, ...accepted.map(([value]) => value)]) {
      const result = safeRedirect(input, FALLBACK)
      expect(browserOrigin(result)).toBe('https://site.example')
      expect(result).toMatch(/^\/[\x21-\x7e]*$/)
      expect(() => new Headers({ Location: result })).not.toThrow()
    }
  })

  it('refuses what is not a non-empty string', () => {
    for (const value of [null, undefined, 42, {}, ['/en']]) expect(safeRedirect(value, FALLBACK)).toBe(FALLBACK)
  })

  it('can give null as the fallback', () => {
    expect(safeRedirect('//evil.example', null)).toBeNull()
    expect(safeRedirect('/en/account', null)).toBe('/en/account')
  })

  it('keeps to a prefix when asked', () => {
    expect(safeRedirect('/en/account', FALLBACK, { under: '/en' })).toBe('/en/account')
    expect(safeRedirect('/en?x=1', FALLBACK, { under: '/en' })).toBe('/en?x=1')
    expect(safeRedirect('/en', '/ru', { under: '/en' })).toBe('/en')
    expect(safeRedirect('/english', FALLBACK, { under: '/en' })).toBe(FALLBACK)
    expect(safeRedirect('/ru/account', FALLBACK, { under: '/en' })).toBe(FALLBACK)
    // The prefix is checked after dot segments are resolved.
    expect(safeRedirect('/en/../ru/account', FALLBACK, { under: '/en' })).toBe(FALLBACK)
  })
})
