#!/usr/bin/env node
// npm run test:e2e [-- --rebuild] [-- playwright test options]
// Builds the app first when build/ is missing (or with --rebuild), then runs
// Playwright against the production build; see playwright.config.ts.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { ensureBuild, ROOT } from './support/production-server.mjs'

const args = process.argv.slice(2)
const rebuild = args.includes('--rebuild')
ensureBuild({ rebuild })

const cli = createRequire(import.meta.url).resolve('@playwright/test/cli')
const result = spawnSync(process.execPath, [cli, 'test', ...args.filter((a) => a !== '--rebuild')], {
  cwd: ROOT,
  stdio: 'inherit',
})
process.exit(result.status ?? 1)
