import { describe, expect, it, vi } from 'vitest'
import type { SessionContext } from '~/identity/session.server'

// Any database access in these tests is a failure: the functions under test
// are pure, and anonymous visitors must cost the layout no database work.
const getDb = vi.hoisted(() => vi.fn(() => Promise.reject(new Error('no database in unit tests'))))
vi.mock('~/platform/db/client.server', () => ({ getDb }))

const {
  continuePath,
  dismissVersionNotice,
  readSeenVersions,
  requireCurrentVersionsAccepted,
  returnPathFor,
  serializeSeenVersions,
  versionNoticesFor,
  withSeenVersions,
} = await import('./reaccept.server')

const post = (url: string, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${url}`, { method: 'POST', headers })
const withCookie = (setCookie: string) =>
  new Request('http://localhost/ru', { headers: { Cookie: setCookie.split(';')[0]! } })

describe('continuePath', () => {
  it.each([
    ['/ru/account', '/ru/account'],
    ['/ru/history?page=2', '/ru/history?page=2'],
    ['/ru', '/ru'],
    [null, '/ru'],
    ['', '/ru'],
    ['https://evil.example/ru', '/ru'],
    ['//evil.example/ru', '/ru'],
    ['/en/account', '/ru'],
    ['/russia', '/ru'],
    // The interstitial itself would redirect to itself once nothing is pending.
    ['/ru/account/accept', '/ru'],
    ['/ru/account/accept?redirectTo=%2Fru', '/ru'],
  ])('%s → %s', (target, expected) => {
    expect(continuePath(target, 'ru')).toBe(expected)
  })
})

describe('returnPathFor', () => {
  it('returns to the page asked for', () => {
    expect(returnPathFor(new Request('http://localhost/ru/history?page=2'), 'ru')).toBe('/ru/history?page=2')
  })

  it('returns a form submission to the page the form was on, not to the URL it posted to', () => {
    const request = post('/ru/account?index', { Referer: 'http://localhost/ru/account?tab=sessions' })
    expect(returnPathFor(request, 'ru')).toBe('/ru/account?tab=sessions')
  })

  it('falls back to the posted URL without Remix parameters when the Referer is missing or foreign', () => {
    expect(returnPathFor(post('/ru/account?index'), 'ru')).toBe('/ru/account')
    expect(returnPathFor(post('/ru/account?index', { Referer: 'https://other.example/ru/x' }), 'ru')).toBe(
      '/ru/account',
    )
    expect(returnPathFor(post('/ru/account', { Referer: 'not a url' }), 'ru')).toBe('/ru/account')
  })
})

describe('the seen-versions cookie', () => {
  it('round-trips per language, keeping the highest version per kind', () => {
    let seen = withSeenVersions({}, 'ru', [{ kind: 'privacy', version: 2 }])
    seen = withSeenVersions(seen, 'ru', [
      { kind: 'privacy', version: 1 },
      { kind: 'terms', version: 4 },
    ])
    seen = withSeenVersions(seen, 'en', [{ kind: 'privacy', version: 3 }])
    const cookie = serializeSeenVersions(seen)
    expect(cookie).toMatch(/^palitra_seen_versions=[^;,]+; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/)
    expect(readSeenVersions(withCookie(cookie))).toEqual({
      ru: [
        { kind: 'privacy', version: 2 },
        { kind: 'terms', version: 4 },
      ],
      en: [{ kind: 'privacy', version: 3 }],
    })
  })

  it.each(['', 'garbage', '%E0%A4%A', 'de%3Dterms%3A1', 'ru%3Dterms%3A0', 'ru%3Dnope%3A1', 'x'.repeat(600)])(
    'treats %j as nothing seen',
    (value) => {
      expect(readSeenVersions(withCookie(`palitra_seen_versions=${value}`))).toEqual({})
    },
  )

  it('keeps the good language of a half-good cookie', () => {
    const value = encodeURIComponent('ru=terms:2|en=bad')
    expect(readSeenVersions(withCookie(`palitra_seen_versions=${value}`))).toEqual({
      ru: [{ kind: 'terms', version: 2 }],
    })
  })

  it('dismissing adds the submitted versions to those already seen', () => {
    const before = serializeSeenVersions({ en: [{ kind: 'terms', version: 2 }] })
    const form = new FormData()
    form.set('versions', 'privacy:3')
    const request = new Request('http://localhost/ru/account/accept', {
      method: 'POST',
      headers: { Cookie: before.split(';')[0]! },
    })
    const cookie = dismissVersionNotice(request, form, 'ru')
    expect(readSeenVersions(withCookie(cookie!))).toEqual({
      ru: [{ kind: 'privacy', version: 3 }],
      en: [{ kind: 'terms', version: 2 }],
    })
  })

  it.each(['', 'privacy', 'privacy:2,privacy:3', 'secrets:1'])('refuses to dismiss %j', (versions) => {
    const form = new FormData()
    form.set('versions', versions)
    expect(dismissVersionNotice(post('/ru/account/accept'), form, 'ru')).toBeNull()
  })
})

describe('anonymous visitors', () => {
  it('get no notice and pass the guard without a database query', async () => {
    const anonymous = new Request('http://localhost/ru/privacy', { headers: { Cookie: 'lng=ru' } })
    expect(await versionNoticesFor(anonymous, 'ru', null)).toBeNull()
    expect(getDb).not.toHaveBeenCalled()
  })

  it('the guard fails closed when it cannot tell who is there', async () => {
    await expect(requireCurrentVersionsAccepted(post('/ru/account'), 'ru')).rejects.toThrow(/no database/)
  })

  it('a notice that cannot be worked out is left out rather than failing the page', async () => {
    const session = { user: { id: 'user_1' } } as SessionContext
    expect(await versionNoticesFor(new Request('http://localhost/ru'), 'ru', session)).toBeNull()
  })
})
