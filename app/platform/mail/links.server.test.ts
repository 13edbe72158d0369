import { describe, expect, it } from 'vitest'
import { absoluteLink, mailLinkBase } from './links.server'

const fromAttacker = new Request('http://attacker.example/en/forgot-password', {
  headers: { Host: 'attacker.example', 'X-Forwarded-Host': 'attacker.example' },
})

describe('mail link base', () => {
  it('is PUBLIC_URL whatever host the request names', () => {
    expect(
      mailLinkBase(fromAttacker, { NODE_ENV: 'production', PUBLIC_URL: 'https://palitra.example/', PORT: 3000 }),
    ).toBe('https://palitra.example')
  })

  it('in production without PUBLIC_URL refuses instead of building a link on any host', () => {
    expect(() => mailLinkBase(fromAttacker, { NODE_ENV: 'production', PUBLIC_URL: undefined, PORT: 3000 })).toThrow(
      /PUBLIC_URL/,
    )
    expect(() => mailLinkBase(null, { NODE_ENV: 'production', PUBLIC_URL: undefined, PORT: 3000 })).toThrow(
      /PUBLIC_URL/,
    )
  })

  it("outside production without PUBLIC_URL follows the request (a developer's machine)", () => {
    expect(
      mailLinkBase(new Request('http://localhost:5173/en'), {
        NODE_ENV: 'development',
        PUBLIC_URL: undefined,
        PORT: 3000,
      }),
    ).toBe('http://localhost:5173')
    expect(absoluteLink('https://palitra.example/', 'en/terms')).toBe('https://palitra.example/en/terms')
  })
})
