// npm run preview:link -- LANG KIND VERSION
//
// Prints a link to the draft preview of a legal version, for a developer
// working on the local dataset without a Studio: it writes a fresh preview
// secret to DATA_DIR/preview-secrets.ndjson (valid for one hour, the same as
// a secret the Studio makes) and prints PUBLIC_URL/LANG/KIND/preview/VERSION
// with it. The draft itself is a `drafts.` document in CONTENT_DATASET.
// With SANITY_PROJECT_ID set the site checks secrets in Sanity, so the link
// comes from the Studio's Preview tab instead and this script refuses.
//
// Exit codes: 0 printed, 2 bad arguments or a Sanity project, 1 anything else.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { PREVIEW_SECRETS_FILE, writeLocalPreviewSecret } from '~/content/index.server'
import { isDocumentKind, DOCUMENT_KINDS } from '~/platform/document-kinds'
import { EnvError, getEnv } from '~/platform/env.server'
import { isLocale, LOCALES } from '~/platform/i18n/locales'

const USAGE = `usage: npm run preview:link -- LANG KIND VERSION
  LANG is one of: ${LOCALES.join(', ')}
  KIND is one of: ${DOCUMENT_KINDS.join(', ')}
  VERSION is the draft's version number`

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(code)
}

async function main() {
  const [lang, kind, version, ...extra] = process.argv.slice(2).filter((arg) => arg !== '--')
  if (!isLocale(lang) || !isDocumentKind(kind) || !version || !/^[1-9]\d{0,5}$/.test(version) || extra.length > 0) {
    fail(2, USAGE)
  }
  if (existsSync('.env')) process.loadEnvFile('.env')
  let env
  try {
    env = getEnv()
  } catch (error) {
    if (error instanceof EnvError) fail(2, error.message)
    throw error
  }
  if (env.SANITY_PROJECT_ID) {
    fail(2, 'SANITY_PROJECT_ID is set: secrets live in Sanity, so open the preview from the Studio (the Preview tab).')
  }
  const { secret, expiresAt } = await writeLocalPreviewSecret(path.join(env.dataDir, PREVIEW_SECRETS_FILE))
  const base = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '')
  const url = new URL(`${base}/${lang}/${kind}/preview/${version}`)
  url.searchParams.set('sanity-preview-secret', secret)
  process.stdout.write(`${url.href}\n`)
  process.stderr.write(`valid until ${expiresAt.toISOString()}\n`)
}

main().catch((error: unknown) => fail(1, error instanceof Error ? (error.stack ?? error.message) : String(error)))
