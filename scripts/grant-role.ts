// npm run grant-role -- EMAIL ROLE [--revoke]
//
// Gives an account a role (or takes it away with --revoke). The only role is
// `legal`: it opens the legal team's view at /:lang/legal-admin. Works on the
// database the server uses: PostgreSQL when DATABASE_URL is set, otherwise the
// embedded database under DATA_DIR (./data by default; a .env file in the
// working directory fills in unset settings, as for the server). The embedded
// database can be opened by one process at a time, so stop the server first.
//
// Exit codes: 0 done (or nothing to do), 2 bad arguments, 3 no such account,
// 4 database busy or unreachable, 1 anything else.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { normalizeEmail } from '~/identity/index.server'
import { createDatabase, type DatabaseHandle } from '../app/platform/db/client.server'
import { EnvError, getEnv } from '../app/platform/env.server'
import { changeRole, isKnownRole, KNOWN_ROLES } from '~/flows/legal-admin/index.server'

const USAGE = `usage: npm run grant-role -- EMAIL ROLE [--revoke]
  ROLE is one of: ${KNOWN_ROLES.join(', ')}
  --revoke   take the role away instead of granting it`

const EXIT = { ok: 0, failed: 1, usage: 2, noAccount: 3, database: 4 } as const

class Exit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

function readArguments(argv: string[]) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { revoke: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    })
  } catch (error) {
    throw new Exit(EXIT.usage, `${(error as Error).message}\n${USAGE}`)
  }
  if (parsed.values.help) throw new Exit(EXIT.ok, USAGE)
  const [email, role, ...extra] = parsed.positionals
  if (!email || !role || extra.length > 0) throw new Exit(EXIT.usage, USAGE)
  if (!isKnownRole(role)) {
    throw new Exit(EXIT.usage, `unknown role "${role}": known roles are ${KNOWN_ROLES.join(', ')}`)
  }
  // Checked before the database is opened; changeRole normalises it the same way.
  if (!normalizeEmail(email)) throw new Exit(EXIT.usage, `"${email}" is not a valid e-mail address`)
  return { email, role, revoke: parsed.values.revoke }
}

function settings() {
  if (existsSync('.env')) process.loadEnvFile('.env')
  try {
    return getEnv()
  } catch (error) {
    if (error instanceof EnvError) throw new Exit(EXIT.usage, error.message)
    throw error
  }
}

async function openDatabase(): Promise<{ handle: DatabaseHandle; where: string }> {
  const env = settings()
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL)
    const where = `PostgreSQL database "${url.pathname.slice(1)}" on ${url.host}`
    try {
      return { handle: await createDatabase({ url: env.DATABASE_URL }), where }
    } catch (error) {
      throw new Exit(EXIT.database, `cannot open the ${where}: ${(error as Error).message}`)
    }
  }
  const dataDir = path.join(env.dataDir, 'pglite')
  const where = `embedded database in ${dataDir}`
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // Opening would create an empty database: almost certainly the wrong DATA_DIR.
    throw new Exit(
      EXIT.database,
      `there is no ${where}. Run this where the server runs, with its DATA_DIR (or DATABASE_URL).`,
    )
  }
  // PGlite keeps postmaster.pid in its directory while a process has it open
  // and removes it on a clean close; it does not stop a second process from
  // opening the directory, which would corrupt it.
  if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
    throw new Exit(
      EXIT.database,
      `the ${where} is in use (postmaster.pid is present): stop the Palitra server and run this again. ` +
        'If no server is running, the last one stopped without closing the database; start and stop it once.',
    )
  }
  try {
    return { handle: await createDatabase({ dataDir }), where }
  } catch (error) {
    throw new Exit(EXIT.database, `cannot open the ${where}: ${(error as Error).message}`)
  }
}

async function main(argv: string[]): Promise<number> {
  let handle: DatabaseHandle | undefined
  try {
    const { email, role, revoke } = readArguments(argv)
    const opened = await openDatabase()
    handle = opened.handle
    const result = await changeRole(handle.db, { email, role, revoke })
    switch (result.outcome) {
      case 'invalid-email':
        throw new Exit(EXIT.usage, `"${email}" is not a valid e-mail address`)
      case 'no-account':
        throw new Exit(
          EXIT.noAccount,
          `no active account has the e-mail address ${email} in the ${opened.where} ` +
            '(deleted accounts keep no address)',
        )
      case 'changed':
        console.log(revoke ? `removed the role "${role}" from ${email}` : `granted the role "${role}" to ${email}`)
        break
      case 'unchanged':
        console.log(
          revoke
            ? `${email} did not have the role "${role}": nothing to do`
            : `${email} already has the role "${role}": nothing to do`,
        )
        break
    }
    console.log(`roles of ${email}: ${result.roles.length > 0 ? result.roles.join(', ') : '(none)'}`)
    return EXIT.ok
  } catch (error) {
    if (error instanceof Exit) {
      ;(error.code === EXIT.ok ? console.log : console.error)(error.message)
      return error.code
    }
    console.error(`grant-role failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return EXIT.failed
  } finally {
    await handle?.close().catch(() => {})
  }
}

process.exitCode = await main(process.argv.slice(2))
