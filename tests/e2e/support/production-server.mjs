// Starts the production build (build/server-entry.js) the way an operator
// would, but on a loopback port with a fresh temporary DATA_DIR, so that no
// archive rows or other state leak between runs. Used by the end-to-end
// launcher (tests/e2e/serve.mjs) and by the benchmark (bench/policy-page.mjs).
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const SERVER_ENTRY = path.join(ROOT, 'build/server-entry.js')
const BUILD_OUTPUTS = [SERVER_ENTRY, path.join(ROOT, 'build/server/index.js')]

/**
 * Runs `npm run build` when the build is missing (or when `rebuild` is set).
 * A build older than the sources is only reported: other people may be
 * serving from build/ in the same tree, so it is not replaced behind their backs.
 */
export function ensureBuild({ rebuild = false, log = console.error } = {}) {
  const missing = BUILD_OUTPUTS.some((file) => !existsSync(file))
  if (!missing && !rebuild) {
    const stale = newestSourceAfter(statSync(SERVER_ENTRY).mtimeMs)
    if (stale) log(`note: ${path.relative(ROOT, stale)} is newer than build/; pass --rebuild to build again`)
    return
  }
  log(missing ? 'build/ is missing: running npm run build' : 'running npm run build')
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`)
}

function newestSourceAfter(mtimeMs) {
  const roots = ['app', 'server', 'locales', 'vite.config.ts', 'remix.config.js'].map((p) => path.join(ROOT, p))
  const pending = [...roots]
  let visited = 0
  while (pending.length && visited < 5_000) {
    const file = pending.pop()
    visited++
    let stat
    try {
      stat = statSync(file)
    } catch {
      continue
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file)) pending.push(path.join(file, entry))
    } else if (stat.mtimeMs > mtimeMs && !/\.test\.tsx?$/.test(file)) {
      return file
    }
  }
  return null
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (probe.address())
      probe.close(() => resolve(port))
    })
  })
}

/**
 * Spawns `node build/server-entry.js` with NODE_ENV=production and waits
 * until /readyz answers 200. Resolves to { url, dataDir, child, stop }.
 * stop() sends SIGTERM (the server closes its database), waits for the exit,
 * then removes the temporary DATA_DIR.
 * For tests that look behind the server's back:
 *  - `dataDir` names that directory instead of a fresh mkdtemp one (created
 *    when missing, removed the same way), e.g. to read the stored mail;
 *  - `datasetCopy` is a file path: `dataset` is copied there and the copy is
 *    served, so a test can edit the content while the server runs (the
 *    server re-reads a changed dataset). The copy, and its directory when
 *    that is left empty, are removed by stop().
 */
export async function startProductionServer({
  port,
  dataset,
  dataDir: requestedDataDir,
  datasetCopy,
  env = {},
  stdio = 'inherit',
  readyTimeoutMs = 60_000,
} = {}) {
  if (!existsSync(SERVER_ENTRY)) throw new Error('build/server-entry.js is missing: run npm run build first')
  const listenPort = port ?? (await freePort())
  if (datasetCopy && !dataset) throw new Error('datasetCopy needs a dataset to copy')
  let servedDataset = dataset ? path.resolve(ROOT, dataset) : undefined
  if (datasetCopy) {
    servedDataset = path.resolve(datasetCopy)
    mkdirSync(path.dirname(servedDataset), { recursive: true })
    copyFileSync(path.resolve(ROOT, dataset), servedDataset)
  }
  let dataDir
  if (requestedDataDir) {
    dataDir = path.resolve(requestedDataDir)
    mkdirSync(dataDir, { recursive: true })
  } else {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'palitra-data-'))
  }
  const url = `http://127.0.0.1:${listenPort}`
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: ROOT,
    stdio: ['ignore', stdio, stdio],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(listenPort),
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Always the embedded database and the local dataset, whatever a .env
      // file in the tree says (the server only fills in variables left unset).
      DATABASE_URL: '',
      SANITY_PROJECT_ID: '',
      // Production requires it; the tests and benchmarks reach the server here.
      PUBLIC_URL: url,
      // Production on PostgreSQL requires a SESSION_SECRET and shared media (the legal project and
      // failing-well run there, one instance each, so its media folder is trivially shared); on the
      // embedded database the secret kept under DATA_DIR is used, so a restart keeps cookies valid.
      ...(env.DATABASE_URL ? { SESSION_SECRET: randomBytes(32).toString('hex'), MEDIA_DIR_SHARED: 'true' } : {}),
      ...(servedDataset ? { CONTENT_DATASET: servedDataset } : {}),
      ...env,
    },
  })
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))

  let stopping = null
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(killer)
      }
      rmSync(dataDir, { recursive: true, force: true })
      if (datasetCopy) removeCopy(servedDataset)
    })()
    return stopping
  }

  const deadline = Date.now() + readyTimeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop()
      throw new Error(`the server exited before it was ready (${child.exitCode ?? child.signalCode})`)
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the server did not become ready within ${readyTimeoutMs} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  return { url, port: listenPort, dataDir, child, stop }
}

function removeCopy(file) {
  rmSync(file, { force: true })
  try {
    rmdirSync(path.dirname(file))
  } catch {
    // not empty (or already gone): leave it
  }
}
