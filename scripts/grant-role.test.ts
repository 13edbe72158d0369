import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createThrowawayPostgresDatabase } from '../tests/db'
import { createDatabase, type DatabaseHandle } from '~/platform/db/client.server'
import { users } from '~/identity/schema'

// `npm run grant-role` as an operator runs it: a separate process on the
// database the server would use. Under `npm run test:pg` that is a throwaway
// PostgreSQL database (DATABASE_URL); otherwise an embedded database in a
// temporary DATA_DIR, which also shows the refusal to open it while another
// process has it open.

const run = promisify(execFile)
const TSX = path.resolve('node_modules/.bin/tsx')
const SCRIPT = path.resolve('scripts/grant-role.ts')
const onPostgres = Boolean(process.env.DATABASE_URL?.trim())

let dataDir: string | undefined
let postgres: { url: string; drop(): Promise<void> } | undefined
const email = `Legal.${randomUUID().slice(0, 8)}@Mail.example`
let userId: string

function scriptEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent' }
  // Production requires PUBLIC_URL (the script validates the same settings as the server).
  env.PUBLIC_URL = 'https://palitra.example'
  env.DATABASE_URL = postgres?.url ?? ''
  if (dataDir) env.DATA_DIR = dataDir
  else delete env.DATA_DIR
  return env
}

async function grantRole(...args: string[]) {
  try {
    const { stdout, stderr } = await run(TSX, [SCRIPT, ...args], { env: scriptEnv(), timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string }
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr }
  }
}

function open(): Promise<DatabaseHandle> {
  return postgres ? createDatabase({ url: postgres.url }) : createDatabase({ dataDir: path.join(dataDir!, 'pglite') })
}

async function rolesOf(): Promise<string[]> {
  const handle = await open()
  try {
    const [row] = await handle.db.select({ roles: users.roles }).from(users).where(eq(users.id, userId))
    return row!.roles
  } finally {
    await handle.close()
  }
}

beforeAll(async () => {
  if (onPostgres) postgres = await createThrowawayPostgresDatabase()
  else dataDir = mkdtempSync(path.join(tmpdir(), 'palitra-grant-role-'))
  const handle = await open()
  try {
    userId = randomUUID()
    await handle.db.insert(users).values({ id: userId, email, emailNormalized: email.toLowerCase(), locale: 'ru' })
  } finally {
    await handle.close()
  }
}, 120_000)

afterAll(async () => {
  await postgres?.drop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('npm run grant-role', () => {
  it('grants the role, says so when run again, and revokes it', { timeout: 120_000 }, async () => {
    const granted = await grantRole(email.toUpperCase(), 'legal')
    expect(granted.stderr).toBe('')
    expect(granted).toMatchObject({ code: 0 })
    expect(granted.stdout).toContain(`granted the role "legal" to ${email.toUpperCase()}`)
    expect(await rolesOf()).toEqual(['legal'])

    const again = await grantRole(email, 'legal')
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('already has the role "legal"')
    expect(await rolesOf()).toEqual(['legal'])

    const revoked = await grantRole(email, 'legal', '--revoke')
    expect(revoked.code).toBe(0)
    expect(revoked.stdout).toContain(`removed the role "legal" from ${email}`)
    expect(await rolesOf()).toEqual([])
  })

  it('refuses bad arguments and unknown addresses with their own exit codes', { timeout: 120_000 }, async () => {
    // Refused before the database is opened, so these may run side by side.
    const [unknownRole, missing, invalid] = await Promise.all([
      grantRole(email, 'admin'),
      grantRole(email),
      grantRole('not-an-address', 'legal'),
    ])
    expect(unknownRole.code).toBe(2)
    expect(unknownRole.stderr).toContain('unknown role "admin"')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('usage: npm run grant-role -- EMAIL ROLE')
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toContain('is not a valid e-mail address')

    const nobody = await grantRole('nobody@mail.example', 'legal')
    expect(nobody.code).toBe(3)
    expect(nobody.stderr).toContain('no active account has the e-mail address nobody@mail.example')
    expect(await rolesOf()).toEqual([])
  })

  // Always on an embedded database of its own, whichever database the run uses.
  it('refuses to open the embedded database while another process has it open', { timeout: 120_000 }, async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'palitra-grant-role-held-'))
    const embeddedEnv = (dir: string) => ({ ...scriptEnv(), DATABASE_URL: '', DATA_DIR: dir })
    const exitOf = (dir: string) =>
      run(TSX, [SCRIPT, email, 'legal'], { env: embeddedEnv(dir), timeout: 60_000 }).then(
        (r) => ({ code: 0, stderr: r.stderr }),
        (e: { code: number; stderr: string }) => e,
      )
    try {
      const held = await createDatabase({ dataDir: path.join(own, 'pglite') })
      try {
        const busy = await exitOf(own)
        expect(busy.code).toBe(4)
        expect(busy.stderr).toContain('is in use')
        expect(busy.stderr).toContain('stop the Palitra server')
      } finally {
        await held.close()
      }
    } finally {
      rmSync(own, { recursive: true, force: true })
    }

    const elsewhere = mkdtempSync(path.join(tmpdir(), 'palitra-grant-role-empty-'))
    try {
      const { code, stderr } = await exitOf(elsewhere)
      expect(code).toBe(4)
      expect(stderr).toContain('there is no embedded database')
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
    expect(await rolesOf()).toEqual([])
  })
})
