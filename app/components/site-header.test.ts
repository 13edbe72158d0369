import { describe, expect, it } from 'vitest'
import { languageSwitchHref } from './site-header'

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
