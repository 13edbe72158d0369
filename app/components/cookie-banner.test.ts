import { describe, expect, it } from 'vitest'
import { cookieSettingsHref } from './cookie-banner'

describe('cookieSettingsHref', () => {
  it('remembers a same-site page to come back to', () => {
    expect(cookieSettingsHref('en', '/en/pricing?x=1')).toBe('/en/cookie-consent?returnTo=%2Fen%2Fpricing%3Fx%3D1')
  })

  it.each(['/\t/evil.example/', '/%09/evil.example/', '//evil.example', '/\\evil.example', '/en/\r\n', null])(
    'never carries %j along: the settings page then returns to the language home',
    (returnTo) => {
      expect(cookieSettingsHref('ru', returnTo)).toBe('/ru/cookie-consent?returnTo=%2Fru')
    },
  )
})
