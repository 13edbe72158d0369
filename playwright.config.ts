import { randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { defineConfig, devices } from '@playwright/test'
import { freePort } from './tests/e2e/support/production-server.mjs'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/support/chromium.mjs'

/**
 * End-to-end tests against the production build (`npm run build` first;
 * `npm run test:e2e` builds when build/ is missing). Four servers run for the
 * whole suite, each with its own temporary DATA_DIR:
 *  - "fixture": tests/fixtures/e2e/dataset.ndjson, a small dataset with a
 *    fixed shape (three privacy versions, a future one, a kind missing in
 *    English) for the tests that need exact versions and texts;
 *  - "seed": the shipped cms/seed/production.ndjson, checked by tests that
 *    read titles and versions from the pages instead of knowing them, by
 *    layout.spec.ts (every page at phone width: it has packs and past versions), and by
 *    payments.spec.ts: the seed has the credit packs (the accounts dataset has
 *    none) and terms, privacy and consent in force, so people register there.
 *    Its DATA_DIR is named here too: buyers confirm their address from the
 *    stored mail, and the payment mail is read back. Telegram sign-in is
 *    switched on there (telegram-sign-in.spec.ts): the seed's privacy policy
 *    discloses Telegram, and a server whose settings enable a service the
 *    policy in force does not disclose is not ready (docs/decisions/009).
 * And two for accounts, on tests/fixtures/e2e/accounts-dataset.ndjson (terms,
 * privacy and consent in force in both languages, as registration needs):
 *  - "accounts": registration, sign-in, guests, account pages, and the
 *    malformed-input sweep of every route (people can register there, so it
 *    sweeps signed in too); its DATA_DIR is named here so the tests can read
 *    the stored mail (password reset);
 *  - "reaccept": serves a copy of the dataset that reaccept.spec.ts edits
 *    while the server runs (a new material version appears), so no other
 *    spec shares it.
 * And "legal" (legal-admin.spec.ts), on the accounts dataset but on
 * PostgreSQL: a database created for the run at TEST_PG_URL's server, so the
 * spec can run `npm run grant-role` while the server is up.
 */

// Ports are chosen once, in the runner process; the workers inherit them
// through the environment when they load this file again.
process.env.PALITRA_E2E_FIXTURE_PORT ??= String(await freePort())
process.env.PALITRA_E2E_SEED_PORT ??= String(await freePort())
process.env.PALITRA_E2E_ACCOUNTS_PORT ??= String(await freePort())
process.env.PALITRA_E2E_REACCEPT_PORT ??= String(await freePort())
process.env.PALITRA_E2E_LEGAL_PORT ??= String(await freePort())
// Paths the tests reach into (support/accounts.ts and reaccept.spec.ts read them back);
// serve.mjs creates them and removes them when Playwright stops it.
const run = randomUUID()
process.env.PALITRA_E2E_ACCOUNTS_DATA_DIR ??= path.join(os.tmpdir(), `palitra-e2e-accounts-data-${run}`)
// The seed server's too: people confirm their address from the stored mail before they buy.
process.env.PALITRA_E2E_SEED_DATA_DIR ??= path.join(os.tmpdir(), `palitra-e2e-seed-data-${run}`)
process.env.PALITRA_E2E_REACCEPT_DATASET ??= path.join(os.tmpdir(), `palitra-e2e-content-${run}`, 'dataset.ndjson')
// The "legal" server's PostgreSQL database (serve-legal.mjs creates and drops
// it; legal-admin.spec.ts runs `npm run grant-role` against it).
process.env.PALITRA_E2E_LEGAL_DATABASE_URL ??= (() => {
  const url = new URL(process.env.TEST_PG_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/postgres')
  url.pathname = `/palitra_e2e_legal_${run.replaceAll('-', '').slice(0, 16)}`
  return url.toString()
})()
// The fixture server's: preview.spec.ts writes a preview secret there with `npm run preview:link`.
process.env.PALITRA_E2E_FIXTURE_DATA_DIR ??= path.join(os.tmpdir(), `palitra-e2e-fixture-data-${run}`)
const accountsDataDir = process.env.PALITRA_E2E_ACCOUNTS_DATA_DIR
const seedDataDir = process.env.PALITRA_E2E_SEED_DATA_DIR
const reacceptDataset = process.env.PALITRA_E2E_REACCEPT_DATASET
const fixturePort = Number(process.env.PALITRA_E2E_FIXTURE_PORT)
const seedPort = Number(process.env.PALITRA_E2E_SEED_PORT)
const accountsPort = Number(process.env.PALITRA_E2E_ACCOUNTS_PORT)
const reacceptPort = Number(process.env.PALITRA_E2E_REACCEPT_PORT)
const legalPort = Number(process.env.PALITRA_E2E_LEGAL_PORT)
const ACCOUNTS_DATASET = 'tests/fixtures/e2e/accounts-dataset.ndjson'
// The Telegram bot of the "seed" server; telegram-sign-in.spec.ts reads the name back.
const E2E_TELEGRAM_BOT_TOKEN = '123456:e2e-test-bot-token'
const E2E_TELEGRAM_BOT_NAME = (process.env.PALITRA_E2E_TELEGRAM_BOT ??= 'PalitraE2eBot')

// The Studio of the "fixture" server: preview.spec.ts serves a stand-in page there that frames the preview.
process.env.PALITRA_E2E_STUDIO_PORT ??= String(await freePort())
const E2E_STUDIO_URL = `http://127.0.0.1:${process.env.PALITRA_E2E_STUDIO_PORT}`

const SEED_SPECS =
  /(seed-content|accessibility|payments|cookie-consent|telegram-sign-in|register-tables|edge-headers|layout)\.spec\.ts$/
const ACCOUNTS_SPECS = /(accounts|generation|privacy-requests|malformed-input|client-navigation)\.spec\.ts$/
const REACCEPT_SPECS = /reaccept\.spec\.ts$/
const LEGAL_SPECS = /legal-admin\.spec\.ts$/

function server(name: string, port: number, dataset?: string, extraArgs: string[] = []) {
  const args = ['--port', String(port), ...(dataset ? ['--dataset', dataset] : []), ...extraArgs]
  return {
    name,
    command: `node tests/e2e/serve.mjs ${args.map((a) => JSON.stringify(a)).join(' ')}`,
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    // SIGTERM lets the launcher close the database and delete its DATA_DIR.
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
  }
}

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '*.spec.ts',
  fullyParallel: true,
  // The machine has 2 cores; the two servers share them with the browsers.
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    ...devices['Desktop Chrome'],
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    {
      name: 'fixture',
      testIgnore: [SEED_SPECS, ACCOUNTS_SPECS, REACCEPT_SPECS, LEGAL_SPECS],
      use: { baseURL: `http://127.0.0.1:${fixturePort}` },
    },
    {
      name: 'seed',
      testMatch: SEED_SPECS,
      use: { baseURL: `http://127.0.0.1:${seedPort}` },
    },
    {
      name: 'accounts',
      testMatch: ACCOUNTS_SPECS,
      use: { baseURL: `http://127.0.0.1:${accountsPort}` },
    },
    {
      name: 'reaccept',
      testMatch: REACCEPT_SPECS,
      // One story told in order against one dataset file it edits: never two
      // runs side by side, not even with --repeat-each.
      workers: 1,
      use: { baseURL: `http://127.0.0.1:${reacceptPort}` },
    },
    {
      name: 'legal',
      testMatch: LEGAL_SPECS,
      // The counts on the legal pages are compared with the CSV: no other
      // test may register people on this server in the meantime.
      workers: 1,
      use: { baseURL: `http://127.0.0.1:${legalPort}` },
    },
  ],
  webServer: [
    // The Studio's address lets preview.spec.ts check that only the preview may be framed, and only by it.
    server('fixture', fixturePort, 'tests/fixtures/e2e/dataset.ndjson', [
      '--data-dir',
      process.env.PALITRA_E2E_FIXTURE_DATA_DIR,
      '--env',
      `SANITY_STUDIO_URL=${E2E_STUDIO_URL}`,
    ]),
    // With Telegram sign-in switched on (a made-up bot; the browser never reaches
    // telegram.org: telegram-sign-in.spec.ts answers for it).
    server('seed', seedPort, undefined, [
      '--data-dir',
      seedDataDir,
      '--env',
      `TELEGRAM_BOT_TOKEN=${E2E_TELEGRAM_BOT_TOKEN}`,
      '--env',
      `TELEGRAM_BOT_NAME=${E2E_TELEGRAM_BOT_NAME}`,
    ]),
    server('accounts', accountsPort, ACCOUNTS_DATASET, ['--data-dir', accountsDataDir]),
    server('reaccept', reacceptPort, ACCOUNTS_DATASET, ['--dataset-copy', reacceptDataset]),
    {
      ...server('legal', legalPort),
      // On PostgreSQL, in a database of its own made for the run (see serve-legal.mjs).
      command: `node tests/e2e/serve-legal.mjs ${[
        '--port',
        String(legalPort),
        '--dataset',
        ACCOUNTS_DATASET,
        '--database-url',
        process.env.PALITRA_E2E_LEGAL_DATABASE_URL,
      ]
        .map((a) => JSON.stringify(a))
        .join(' ')}`,
    },
  ],
})
