#!/usr/bin/env node
// npm run test:studio [-- --rebuild] [-- playwright test options]
// Builds the Studio (npm run cms:build → cms/dist) when cms/dist is missing or
// with --rebuild, then runs the Studio suite (tests/studio/playwright.config.ts).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const args = process.argv.slice(2)
const rebuild = args.includes('--rebuild')

if (rebuild || !existsSync(path.join(ROOT, 'cms/dist/index.html'))) {
  console.error(rebuild ? 'running npm run cms:build' : 'cms/dist is missing: running npm run cms:build')
  const build = spawnSync('npm', ['run', 'cms:build'], { cwd: ROOT, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const cli = createRequire(import.meta.url).resolve('@playwright/test/cli')
const result = spawnSync(
  process.execPath,
  [cli, 'test', '--config', 'tests/studio/playwright.config.ts', ...args.filter((a) => a !== '--rebuild')],
  { cwd: ROOT, stdio: 'inherit' },
)
process.exit(result.status ?? 1)
