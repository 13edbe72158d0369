#!/usr/bin/env node
// npm run bench: how fast Palitra serves a policy page, against a bare
// node:http server that sends the very same bytes (the ceiling for this
// machine), both for a full 200 and for a 304 revalidation (If-None-Match).
// See docs/benchmarks.md. Settings (environment):
//   BENCH_DURATION=10        seconds per run
//   BENCH_CONNECTIONS=10     concurrent keep-alive connections
//   BENCH_WARMUP=300         requests sent to Palitra before measuring
//   BENCH_PATH=/ru/privacy   the page
//   BENCH_LOG_LEVEL=info     Palitra's LOG_LEVEL (info is the production default; its output is discarded)
// Results: bench/results/policy-page.{json,md} (and a dated copy of each).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { ensureBuild, startProductionServer } from '../tests/e2e/support/production-server.mjs'
import { positiveInt } from './settings.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const RESULTS_DIR = path.join(here, 'results')

const settings = {
  duration: positiveInt('BENCH_DURATION', 10, 600),
  connections: positiveInt('BENCH_CONNECTIONS', 10, 1_000),
  warmup: positiveInt('BENCH_WARMUP', 300, 100_000),
  path: process.env.BENCH_PATH ?? '/ru/privacy',
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
}

// Headers that describe one connection or one moment, not the page.
const PER_CONNECTION = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'content-length'])

/** One plain GET without compression, as autocannon sends it: status, headers and the exact body bytes. */
function fetchRaw(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      const chunks = []
      response.on('data', (chunk) => chunks.push(chunk))
      response.on('end', () =>
        resolve({
          status: response.statusCode,
          headers: Object.fromEntries(Object.entries(response.headers).filter(([name]) => !PER_CONNECTION.has(name))),
          body: Buffer.concat(chunks),
        }),
      )
      response.on('error', reject)
    })
    request.on('error', reject)
    request.setTimeout(10_000, () => request.destroy(new Error(`GET ${url} timed out`)))
  })
}

async function warm(url, count) {
  const started = Date.now()
  const concurrency = Math.min(settings.connections, count)
  let sent = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < count) {
        sent++
        const { status } = await fetchRaw(url)
        if (status !== 200) throw new Error(`warm-up: ${url} answered ${status}`)
      }
    }),
  )
  return Date.now() - started
}

function startBareServer(responseFile, bodyFile) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'bare-server.mjs'), responseFile, bodyFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('the bare server did not start within 10 s'))
    }, 10_000)
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = /listening (\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        const exited = new Promise((done) => child.once('exit', done))
        resolve({
          url: `http://127.0.0.1:${match[1]}`,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGTERM')
              await exited
            }
          },
        })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the bare server exited (${code}) before listening`))
    })
  })
}

async function measure(title, url, headers) {
  process.stderr.write(`  ${title}: ${settings.duration} s, ${settings.connections} connections… `)
  const result = await autocannon({
    title,
    url,
    headers,
    connections: settings.connections,
    duration: settings.duration,
    pipelining: 1,
  })
  const summary = {
    title,
    requestsPerSecond: result.requests.average,
    requestsTotal: result.requests.total,
    latencyMs: {
      average: result.latency.average,
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    throughputBytesPerSecond: result.throughput.average,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    errors: result.errors,
    timeouts: result.timeouts,
  }
  process.stderr.write(`${Math.round(summary.requestsPerSecond)} req/s\n`)
  return summary
}

function expectOnly(summary, status) {
  const others = Object.keys(summary.statusCodes).filter((code) => code !== String(status))
  if (others.length || summary.errors || summary.timeouts) {
    throw new Error(
      `${summary.title}: expected only ${status}, got ${JSON.stringify(summary.statusCodes)}, ` +
        `${summary.errors} errors, ${summary.timeouts} timeouts`,
    )
  }
}

const round = (n, digits = 0) => Number(n.toFixed(digits))
const mib = (bytes) => round(bytes / 1024 / 1024, 1)

function markdown(report) {
  const rows = report.runs.map(
    (r) =>
      `| ${r.title} | ${round(r.requestsPerSecond)} | ${r.latencyMs.p50} | ${r.latencyMs.p97_5} | ${r.latencyMs.p99} | ` +
      `${mib(r.throughputBytesPerSecond)} |`,
  )
  return [
    `# Policy page benchmark, ${report.date}`,
    '',
    `Page: \`${report.settings.path}\` (${report.page.bytes} bytes, uncompressed). ` +
      `${report.settings.connections} connections, ${report.settings.duration} s per run, ` +
      `after ${report.settings.warmup} warm-up requests. Palitra LOG_LEVEL=${report.settings.logLevel}.`,
    '',
    '| run | requests/s | p50 ms | p97.5 ms | p99 ms | MiB/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Palitra / bare, 200: ${report.ratios.full} of the requests per second; ` + `304: ${report.ratios.notModified}.`,
    '',
    `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, ` +
      `${report.machine.platform}, Node ${report.machine.node}.`,
    '',
  ].join('\n')
}

async function main() {
  ensureBuild()
  const stops = []
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'palitra-bench-'))
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {})
    rmSync(scratch, { recursive: true, force: true })
  }
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)))

  try {
    console.error('starting Palitra (production build, temporary DATA_DIR)…')
    const palitra = await startProductionServer({ stdio: 'ignore', env: { LOG_LEVEL: settings.logLevel } })
    stops.push(palitra.stop)
    const pageUrl = `${palitra.url}${settings.path}`
    const warmMs = await warm(pageUrl, settings.warmup)
    console.error(`warmed with ${settings.warmup} requests in ${warmMs} ms`)

    const page = await fetchRaw(pageUrl)
    if (page.status !== 200) throw new Error(`${settings.path} answered ${page.status}`)
    const etag = page.headers['etag']
    if (!etag) throw new Error(`${settings.path} has no ETag`)
    const notModified = await fetchRaw(pageUrl, { 'If-None-Match': etag })
    if (notModified.status !== 304) throw new Error(`If-None-Match answered ${notModified.status}, not 304`)

    const responseFile = path.join(scratch, 'response.json')
    const bodyFile = path.join(scratch, 'body.bin')
    writeFileSync(responseFile, JSON.stringify({ ok: page.headers, notModified: notModified.headers }))
    writeFileSync(bodyFile, page.body)
    const bare = await startBareServer(responseFile, bodyFile)
    stops.push(bare.stop)
    const copy = await fetchRaw(`${bare.url}${settings.path}`)
    if (!copy.body.equals(page.body)) throw new Error('the bare server does not send the same bytes')

    console.error('measuring:')
    const runs = [
      await measure('Palitra 200', pageUrl, {}),
      await measure('bare node:http 200', `${bare.url}${settings.path}`, {}),
      await measure('Palitra 304', pageUrl, { 'If-None-Match': etag }),
      await measure('bare node:http 304', `${bare.url}${settings.path}`, { 'If-None-Match': etag }),
    ]
    expectOnly(runs[0], 200)
    expectOnly(runs[1], 200)
    expectOnly(runs[2], 304)
    expectOnly(runs[3], 304)

    const now = new Date()
    const report = {
      date: now.toISOString().slice(0, 10),
      time: now.toISOString(),
      settings,
      page: { path: settings.path, bytes: page.body.length, headers: page.headers },
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
        memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.versions.node,
      },
      runs,
      ratios: {
        full: round(runs[0].requestsPerSecond / runs[1].requestsPerSecond, 3),
        notModified: round(runs[2].requestsPerSecond / runs[3].requestsPerSecond, 3),
      },
    }
    const md = markdown(report)
    mkdirSync(RESULTS_DIR, { recursive: true })
    const stamp = report.time.replace(/[:.]/g, '-')
    for (const name of ['policy-page', `policy-page-${stamp}`]) {
      writeFileSync(path.join(RESULTS_DIR, `${name}.json`), JSON.stringify(report, null, 2) + '\n')
      writeFileSync(path.join(RESULTS_DIR, `${name}.md`), md)
    }
    console.log(md)
    console.error(`written: ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'policy-page.{json,md}'))}`)
  } finally {
    await stopAll()
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
