import { describe, expect, it } from 'vitest'
import { languageSwitchHref, quickLinks } from './site-header'

describe('languageSwitchHref', () => {
  it('points at the same page and query in the other language', () => {
    const href = languageSwitchHref('/ru/privacy/changes', '?from=1&to=2', 'en')
    const url = new URL(href, 'http://x')
    expect(url.pathname).toBe('/language')
    expect(url.searchParams.get('lang')).toBe('en')
    expect(url.searchParams.get('next')).toBe('/en/privacy/changes?from=1&to=2')
  })

  it('handles the bare language root', () => {
    expect(new URL(languageSwitchHref('/en', '', 'ru'), 'http://x').searchParams.get('next')).toBe('/ru')
  })
})

describe('quickLinks', () => {
  it('keeps the balance and the account at hand for a signed-in person', () => {
    expect(quickLinks({ kind: 'user', email: 'a@palitra.example', credits: 5 })).toEqual({
      balance: true,
      account: 'account',
    })
  })

  it('gives a guest the balance and the way to sign in', () => {
    expect(quickLinks({ kind: 'guest', credits: 3 })).toEqual({ balance: true, account: 'signIn' })
  })

  it('gives a visitor only the way to sign in', () => {
    expect(quickLinks(null)).toEqual({ balance: false, account: 'signIn' })
  })
})
