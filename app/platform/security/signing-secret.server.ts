import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { getEnv, type Env } from '~/platform/env.server'
import { StartRefused } from '~/platform/start-refused.server'
import { logger } from '~/platform/log.server'

/**
 * The secret that signs cookies (HMAC-SHA256). SESSION_SECRET when set.
 * Otherwise, so that the embedded set-up works with no configuration, a
 * random 32-byte secret is generated once and kept in `<DATA_DIR>/session-secret`
 * (mode 0600): restarts keep cookies valid. Several instances behind a load
 * balancer do not share a data directory, so they need SESSION_SECRET.
 *
 * Shared by every signed cookie (app/platform/cookies.server.ts); each cookie's
 * value has its own shape, so a value signed for one cookie is never
 * accepted as another's.
 */
export function getSigningSecret(): string {
  cached ??= loadSecret()
  return cached
}

let cached: string | undefined

/**
 * Every secret a signed cookie may carry, for rotation: the first (the
 * signing secret) signs, and every one verifies, so cookies signed before
 * SESSION_SECRET changed stay valid while the old value is listed in
 * SESSION_SECRET_PREVIOUS.
 */
export function getSigningSecrets(): string[] {
  return [getSigningSecret(), ...(getEnv().SESSION_SECRET_PREVIOUS ?? [])]
}

/**
 * The web start's check (docs/deployment.md): in production on PostgreSQL,
 * where several instances may serve one site, SESSION_SECRET must be set. A
 * secret generated under one instance's DATA_DIR is unknown to the others, so
 * a guest or consent cookie signed by one would be refused by the next.
 */
export function assertSigningSecretShared(env: Pick<Env, 'NODE_ENV' | 'DATABASE_URL' | 'SESSION_SECRET'>) {
  if (env.NODE_ENV !== 'production' || !env.DATABASE_URL || env.SESSION_SECRET) return
  throw new StartRefused(
    'Refusing to start: SESSION_SECRET is required in production with DATABASE_URL. Every web instance signs and ' +
      'checks cookies with it, and a secret generated under one DATA_DIR is unknown to the others. Set the same ' +
      'SESSION_SECRET (at least 32 characters) on every instance.',
  )
}

/** For tests: forget the secret so the next call reads the environment and the file again. */
export function resetSigningSecretForTests() {
  cached = undefined
}

export const SECRET_FILE_NAME = 'session-secret'

const STORED_SECRET = /^[0-9a-f]{64}$/

function loadSecret(): string {
  const env = getEnv()
  if (env.SESSION_SECRET) return env.SESSION_SECRET
  const file = path.join(env.dataDir, SECRET_FILE_NAME)
  return readStored(file) ?? createStored(file)
}

function readStored(file: string): string | null {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8').trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  if (!STORED_SECRET.test(text)) {
    // Replacing it would silently sign everyone out; let an operator decide.
    throw new Error(`${file} does not hold a 64-character hex secret; fix or remove it, or set SESSION_SECRET`)
  }
  return text
}

function createStored(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const secret = randomBytes(32).toString('hex')
  // Write a private file, then link it into place: link() fails if the name
  // exists, so two processes starting together never read a half-written
  // file and both end up with whichever secret was published first.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  fs.writeFileSync(partial, `${secret}\n`, { mode: 0o600, flag: 'wx' })
  try {
    fs.linkSync(partial, file)
    logger.info({ event: 'secret.created', file }, 'generated a signing secret')
    return secret
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return readStored(file)!
  } finally {
    fs.rmSync(partial, { force: true })
  }
}
