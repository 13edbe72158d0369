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
    expect(() => parseEnv({ NODE_ENV: 'production', SANITY_PROJECT_ID: 'abc123' })).toThrow(/SANITY_WEBHOOK_SECRET/)
    expect(
      parseEnv({ NODE_ENV: 'production', SANITY_PROJECT_ID: 'abc123', SANITY_WEBHOOK_SECRET: 's' }).SANITY_PROJECT_ID,
    ).toBe('abc123')
  })
})
