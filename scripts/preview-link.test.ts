import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { createLocalPreviewAccess, PREVIEW_SECRETS_FILE } from '~/content/preview.server'
import { SANITY_FIXTURE_DATASET } from '../tests/mocks/sanity'

// `npm run preview:link` as a developer runs it: a separate process that
// writes a secret under DATA_DIR and prints the link.

const run = promisify(execFile)
const TSX = path.resolve('node_modules/.bin/tsx')
const SCRIPT = path.resolve('scripts/preview-link.ts')
const dataDir = mkdtempSync(path.join(tmpdir(), 'palitra-preview-link-'))

afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function previewLink(args: string[], env: Record<string, string> = {}) {
  return run(TSX, [SCRIPT, ...args], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PUBLIC_URL: '',
      SANITY_PROJECT_ID: '',
      ...env,
    },
  })
}

describe('npm run preview:link', () => {
  it('prints a link on PUBLIC_URL whose secret the site accepts', async () => {
    const { stdout } = await previewLink(['ru', 'privacy', '4'], { PUBLIC_URL: 'https://palitra.example' })
    const link = new URL(stdout.trim())
    expect(`${link.origin}${link.pathname}`).toBe('https://palitra.example/ru/privacy/preview/4')
    const access = createLocalPreviewAccess({
      datasetPath: SANITY_FIXTURE_DATASET,
      secretsPath: path.join(dataDir, PREVIEW_SECRETS_FILE),
    })
    expect(await access.validate(link.href)).toBe(true)
  })

  it('refuses bad arguments, and a Sanity project (whose secrets come from the Studio)', async () => {
    for (const args of [
      [],
      ['de', 'privacy', '4'],
      ['ru', 'offer', '4'],
      ['ru', 'privacy', '0'],
      ['ru', 'privacy', '4', 'x'],
    ]) {
      await expect(previewLink(args)).rejects.toMatchObject({ code: 2 })
    }
    await expect(previewLink(['ru', 'privacy', '4'], { SANITY_PROJECT_ID: 'abc123' })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Studio'),
    })
  })
})
