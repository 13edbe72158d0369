import { defineConfig, devices } from '@playwright/test'
import { freePort } from './tests/e2e/support/production-server.mjs'

/**
 * End-to-end tests against the production build (`npm run build` first;
 * `npm run test:e2e` builds when build/ is missing). Two servers run for the
 * whole suite, each with its own temporary DATA_DIR:
 *  - "fixture": tests/fixtures/e2e/dataset.ndjson, a small dataset with a
 *    fixed shape (three privacy versions, a future one, a kind missing in
 *    English) for the tests that need exact versions and texts;
 *  - "seed": the shipped cms/seed/production.ndjson, checked by tests that
 *    read titles and versions from the pages instead of knowing them.
 */

// Ports are chosen once, in the runner process; the workers inherit them
// through the environment when they load this file again.
process.env.PALITRA_E2E_FIXTURE_PORT ??= String(await freePort())
process.env.PALITRA_E2E_SEED_PORT ??= String(await freePort())
const fixturePort = Number(process.env.PALITRA_E2E_FIXTURE_PORT)
const seedPort = Number(process.env.PALITRA_E2E_SEED_PORT)

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SEED_SPECS = /(seed-content|accessibility)\.spec\.ts$/

function server(name: string, port: number, dataset?: string) {
  return {
    name,
    command: `node tests/e2e/serve.mjs --port ${port}${dataset ? ` --dataset ${dataset}` : ''}`,
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
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    {
      name: 'fixture',
      testIgnore: SEED_SPECS,
      use: { baseURL: `http://127.0.0.1:${fixturePort}` },
    },
    {
      name: 'seed',
      testMatch: SEED_SPECS,
      use: { baseURL: `http://127.0.0.1:${seedPort}` },
    },
  ],
  webServer: [server('fixture', fixturePort, 'tests/fixtures/e2e/dataset.ndjson'), server('seed', seedPort)],
})
