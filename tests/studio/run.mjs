#!/usr/bin/env node
// npm run test:studio [-- --rebuild] [-- playwright test options]
// Builds the Studio (npm run cms:build → cms/dist) when cms/dist is missing or
// with --rebuild, then runs the Studio suite (tests/studio/playwright.config.ts).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const args = process.argv.slice(2)
const rebuild = args.includes('--rebuild')

const BUILT = path.join(ROOT, 'cms/dist/index.html')

if (rebuild || !existsSync(BUILT)) {
  console.error(rebuild ? 'running npm run cms:build' : 'cms/dist is missing: running npm run cms:build')
  const build = spawnSync('npm', ['run', 'cms:build'], { cwd: ROOT, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
} else {
  // Only a note: the suite tests what was built, and building takes half a minute.
  const stale = newerSource(statSync(BUILT).mtimeMs)
  if (stale) console.error(`note: ${path.relative(ROOT, stale)} is newer than cms/dist; pass --rebuild to build again`)
}

function newerSource(builtAt) {
  const pending = ['actions', 'schemaTypes', 'structure', 'sanity.config.ts', 'environment.ts'].map((p) =>
    path.join(ROOT, 'cms', p),
  )
  while (pending.length) {
    const file = pending.pop()
    if (!existsSync(file)) continue
    const stat = statSync(file)
    if (stat.isDirectory()) pending.push(...readdirSync(file).map((entry) => path.join(file, entry)))
    else if (stat.mtimeMs > builtAt && !/\.test\.ts$/.test(file)) return file
  }
  return null
}

const cli = createRequire(import.meta.url).resolve('@playwright/test/cli')
const result = spawnSync(
  process.execPath,
  [cli, 'test', '--config', 'tests/studio/playwright.config.ts', ...args.filter((a) => a !== '--rebuild')],
  { cwd: ROOT, stdio: 'inherit' },
)
process.exit(result.status ?? 1)
