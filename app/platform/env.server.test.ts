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

describe('image engine settings', () => {
  function problems(source: Record<string, string>): string[] {
    try {
      parseEnv(source)
      return []
    } catch (error) {
      if (!(error instanceof EnvError)) throw error
      return error.problems
    }
  }

  it('defaults the providers to their public endpoints', () => {
    const env = parseEnv({})
    expect(env.IMAGE_ENGINE).toBe('local')
    expect(env.YANDEX_ART_API_URL).toBe('https://llm.api.cloud.yandex.net')
    expect(env.KANDINSKY_API_URL).toBe('https://api-key.fusionbrain.ai')
  })

  it('requires the keys of the engine IMAGE_ENGINE chooses, and only of that one', () => {
    expect(problems({ IMAGE_ENGINE: 'yandex-art' })).toEqual([
      "YANDEX_ART_API_KEY: is required when IMAGE_ENGINE is 'yandex-art'",
      "YANDEX_ART_FOLDER_ID: is required when IMAGE_ENGINE is 'yandex-art'",
    ])
    expect(problems({ IMAGE_ENGINE: 'kandinsky', KANDINSKY_API_KEY: 'key' })).toEqual([
      "KANDINSKY_SECRET_KEY: is required when IMAGE_ENGINE is 'kandinsky'",
    ])
    expect(
      problems({ IMAGE_ENGINE: 'yandex-art', YANDEX_ART_API_KEY: 'k', YANDEX_ART_FOLDER_ID: 'b1gfolder' }),
    ).toEqual([])
    expect(problems({ IMAGE_ENGINE: 'kandinsky', KANDINSKY_API_KEY: 'k', KANDINSKY_SECRET_KEY: 's' })).toEqual([])
    expect(problems({ IMAGE_ENGINE: 'midjourney' })[0]).toMatch(/^IMAGE_ENGINE:/)
  })

  it('checks the shape of a folder id and of the endpoints', () => {
    expect(problems({ YANDEX_ART_FOLDER_ID: 'My Folder' })[0]).toMatch(
      /^YANDEX_ART_FOLDER_ID: must be a Yandex Cloud folder id/,
    )
    expect(problems({ YANDEX_ART_API_URL: 'not a url' })[0]).toMatch(/^YANDEX_ART_API_URL:/)
    expect(problems({ KANDINSKY_API_URL: 'http://api-key.fusionbrain.ai' })).toEqual([
      'KANDINSKY_API_URL: must be an https:// URL',
    ])
    expect(problems({ KANDINSKY_API_URL: 'https://api-key.fusionbrain.ai/key/api/v1' })[0]).toMatch(
      /^KANDINSKY_API_URL: must be the origin only/,
    )
    // A local stand-in may speak plain HTTP; a trailing slash is still the origin.
    expect(problems({ YANDEX_ART_API_URL: 'http://127.0.0.1:8080', KANDINSKY_API_URL: 'https://fb.example/' })).toEqual(
      [],
    )
  })
})
