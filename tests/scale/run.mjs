#!/usr/bin/env node
// npm run test:scale [-- --rebuild]
// The multi-instance tests: they start the production build (build/server-entry.js
// and build/worker-entry.js) several times against a throwaway database on the
// PostgreSQL server at TEST_PG_URL (default 127.0.0.1:5432) and a local
// S3-compatible server. Builds first when build/ is missing (or with --rebuild).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { ensureBuild, ROOT } from '../e2e/support/production-server.mjs'

ensureBuild({ rebuild: process.argv.includes('--rebuild') })
const files = ['start-checks.test.mjs', 'deployment.test.mjs'].map((file) => path.join(ROOT, 'tests/scale', file))
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
  cwd: ROOT,
  stdio: 'inherit',
})
process.exit(result.status ?? 1)
