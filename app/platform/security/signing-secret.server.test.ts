import fs from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resetEnvForTests } from '~/platform/env.server'
import { StartRefused } from '~/platform/start-refused.server'
import {
  SECRET_FILE_NAME,
  assertSigningSecretShared,
  getSigningSecret,
  resetSigningSecretForTests,
} from './signing-secret.server'

const saved = { SESSION_SECRET: process.env.SESSION_SECRET, DATA_DIR: process.env.DATA_DIR }
let dataDir: string

function useEnv(values: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  resetEnvForTests()
  resetSigningSecretForTests()
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(tmpdir(), 'palitra-secret-'))
  useEnv({ SESSION_SECRET: undefined, DATA_DIR: path.join(dataDir, 'data') })
})

afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true })
})

afterAll(() => useEnv(saved))

describe('getSigningSecret', () => {
  it('uses SESSION_SECRET when set, without touching the data directory', () => {
    useEnv({ SESSION_SECRET: 'configured-secret-0123456789-abcdefgh' })
    expect(getSigningSecret()).toBe('configured-secret-0123456789-abcdefgh')
    expect(fs.existsSync(path.join(dataDir, 'data'))).toBe(false)
  })

  it('otherwise generates one secret, private to the owner, that survives a restart', () => {
    const secret = getSigningSecret()
    expect(secret).toMatch(/^[0-9a-f]{64}$/)
    const file = path.join(dataDir, 'data', SECRET_FILE_NAME)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(fs.readdirSync(path.dirname(file))).toEqual([SECRET_FILE_NAME])

    resetSigningSecretForTests() // as after a restart
    expect(getSigningSecret()).toBe(secret)
  })

  it('refuses a damaged secret file instead of silently replacing it', () => {
    fs.mkdirSync(path.join(dataDir, 'data'), { recursive: true })
    fs.writeFileSync(path.join(dataDir, 'data', SECRET_FILE_NAME), 'short')
    expect(() => getSigningSecret()).toThrow(/SESSION_SECRET/)
  })
})

describe('the web start on a shared database', () => {
  const postgres = 'postgresql://palitra@db.example/palitra'

  it('refuses production on PostgreSQL without SESSION_SECRET, naming it and saying why', () => {
    const start = () => assertSigningSecretShared({ NODE_ENV: 'production', DATABASE_URL: postgres })
    expect(start).toThrow(StartRefused)
    expect(start).toThrow(/SESSION_SECRET is required in production with DATABASE_URL/)
  })

  it('lets production on PostgreSQL start with SESSION_SECRET, and the embedded or development set-ups without it', () => {
    const secret = 'x'.repeat(32)
    expect(() =>
      assertSigningSecretShared({ NODE_ENV: 'production', DATABASE_URL: postgres, SESSION_SECRET: secret }),
    ).not.toThrow()
    expect(() => assertSigningSecretShared({ NODE_ENV: 'production' })).not.toThrow()
    expect(() => assertSigningSecretShared({ NODE_ENV: 'development', DATABASE_URL: postgres })).not.toThrow()
  })
})
