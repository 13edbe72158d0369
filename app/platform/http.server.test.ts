import { describe, expect, it } from 'vitest'
import { etagFor, isNotModified } from './http.server'

describe('ETags', () => {
  it('depend on every part', () => {
    expect(etagFor('a', 1)).toBe(etagFor('a', 1))
    expect(etagFor('a', 1)).not.toBe(etagFor('a', 2))
    expect(etagFor('ab', 'c')).not.toBe(etagFor('a', 'bc'))
  })

  it('answer If-None-Match for GET and HEAD only', () => {
    const etag = etagFor('page')
    const headers = new Headers({ ETag: etag })
    const req = (method: string, inm?: string) =>
      new Request('http://x/', { method, headers: inm ? { 'If-None-Match': inm } : {} })
    expect(isNotModified(req('GET', etag), headers)).toBe(true)
    expect(isNotModified(req('HEAD', `"other", W/${etag}`), headers)).toBe(true)
    expect(isNotModified(req('GET', '*'), headers)).toBe(true)
    expect(isNotModified(req('GET', '"other"'), headers)).toBe(false)
    expect(isNotModified(req('GET'), headers)).toBe(false)
    expect(isNotModified(req('POST', etag), headers)).toBe(false)
    expect(isNotModified(req('GET', etag), new Headers())).toBe(false)
  })
})
