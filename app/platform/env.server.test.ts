import { describe, expect, it } from 'vitest'
import { EnvError, parseEnv } from './env.server'

describe('parseEnv', () => {
  it('fills the embedded defaults', () => {
    const env = parseEnv({})
    expect(env.PORT).toBe(3000)
    expect(env.DATABASE_URL).toBeUndefined()
    expect(env.SANITY_PROJECT_ID).toBeUndefined()
    expect(env.dataDir).toMatch(/\/data$/)
    expect(env.contentDatasetPath).toMatch(/cms\/seed\/production\.ndjson$/)
  })

  it('treats empty strings as unset', () => {
    const env = parseEnv({ DATABASE_URL: '', SANITY_PROJECT_ID: ' ' })
    expect(env.DATABASE_URL).toBeUndefined()
    expect(env.SANITY_PROJECT_ID).toBeUndefined()
  })

  it('names every bad variable at once', () => {
    let error: unknown
    try {
      parseEnv({
        PORT: '70000',
        DATABASE_URL: 'mysql://x',
        SANITY_API_VERSION: 'latest',
        SESSION_SECRET: 'short',
        PUBLIC_URL: 'not a url',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(EnvError)
    const problems = (error as EnvError).problems.map((p) => p.split(':')[0])
    expect(problems.sort()).toEqual(['DATABASE_URL', 'PORT', 'PUBLIC_URL', 'SANITY_API_VERSION', 'SESSION_SECRET'])
    expect((error as EnvError).message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL')
  })

  it('requires the webhook secret in production with Sanity', () => {
    expect(() =>
      parseEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://palitra.example', SANITY_PROJECT_ID: 'abc123' }),
    ).toThrow(/SANITY_WEBHOOK_SECRET/)
    expect(
      parseEnv({
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://palitra.example',
        SANITY_PROJECT_ID: 'abc123',
        SANITY_WEBHOOK_SECRET: 's',
      }).SANITY_PROJECT_ID,
    ).toBe('abc123')
  })

  it('requires PUBLIC_URL in production, naming it, with or without T-Bank', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: is required in production/)
    expect(() => parseEnv({ NODE_ENV: 'production', PUBLIC_URL: ' ' })).toThrow(/PUBLIC_URL/)
    expect(parseEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://palitra.example' }).PUBLIC_URL).toBe(
      'https://palitra.example',
    )
    // Outside production a developer's machine needs nothing.
    expect(parseEnv({ NODE_ENV: 'development' }).PUBLIC_URL).toBeUndefined()
  })

  it('takes PUBLIC_URL as an origin only', () => {
    expect(parseEnv({ PUBLIC_URL: 'https://palitra.example/' }).PUBLIC_URL).toBe('https://palitra.example/')
    expect(() => parseEnv({ PUBLIC_URL: 'https://palitra.example/app' })).toThrow(
      /PUBLIC_URL: must be the site's origin/,
    )
    expect(() => parseEnv({ PUBLIC_URL: 'ftp://palitra.example' })).toThrow(/PUBLIC_URL/)
  })
})

describe('TRUST_PROXY', () => {
  it('trusts only loopback when unset', () => {
    expect(parseEnv({}).trustProxy).toEqual(['loopback'])
    expect(parseEnv({ TRUST_PROXY: 'false' }).trustProxy).toEqual(['loopback'])
  })

  it('refuses "true" at start and says what to set instead', () => {
    let error: unknown
    try {
      parseEnv({ TRUST_PROXY: 'true' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(EnvError)
    const message = (error as EnvError).message
    expect(message).toContain('TRUST_PROXY: "true" would trust every peer')
    expect(message).toContain('TRUST_PROXY=1')
    expect(message).toContain('TRUST_PROXY=10.0.0.5,10.0.1.0/24')
  })

  it('takes a hop count or a list of proxy addresses and ranges', () => {
    expect(parseEnv({ TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(parseEnv({ TRUST_PROXY: '10.0.0.5, 10.0.1.0/24,::1, loopback' }).trustProxy).toEqual([
      '10.0.0.5',
      '10.0.1.0/24',
      '::1',
      'loopback',
    ])
    for (const bad of ['10.0.0.300', '10.0.0.0/33', 'proxy.example', '1.5', '11', '10.0.0.5,,10.0.0.6']) {
      expect(() => parseEnv({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/)
    }
  })
})
