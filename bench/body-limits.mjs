#!/usr/bin/env node
// npm run bench:body-limits: memory of a production build under a stream of
// 50 MB request bodies (an attack once took one process to 1.7 GB RSS).
// Starts `node build/server-entry.js` on a free loopback port (embedded
// PGlite, the seed dataset), then sends BENCH_BODIES bodies of
// BENCH_BODY_MB each, BENCH_CONCURRENCY at a time, to every kind of route —
// forms, both webhooks (with and without a signature header), the beacon and
// the photo form — half chunked, half with a Content-Length, and reads the
// server's resident memory (VmRSS, and the peak VmHWM reset just before the
// run, in /proc/PID, Linux) before, during and after. See docs/benchmarks.md. Settings (environment):
//   BENCH_BODIES=120         bodies sent
//   BENCH_BODY_MB=50         size of each body offered
//   BENCH_CONCURRENCY=12     bodies in flight at once
//   BENCH_MAX_GROWTH_MB=150  fail when the peak passes the resting RSS by more
// Results: bench/results/body-limits.{json,md}.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuild, startProductionServer } from '../tests/e2e/support/production-server.mjs'
import { positiveInt } from './settings.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const RESULTS_DIR = path.join(here, 'results')

const settings = {
  bodies: positiveInt('BENCH_BODIES', 120, 10_000),
  bodyMb: positiveInt('BENCH_BODY_MB', 50, 1_024),
  concurrency: positiveInt('BENCH_CONCURRENCY', 12, 100),
  maxGrowthMb: positiveInt('BENCH_MAX_GROWTH_MB', 150, 100_000),
}

/** The routes attacked, each with the headers a real client of it would send. */
const TARGETS = [
  { path: '/en/guest', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
  { path: '/ru/cookie-consent', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
  { path: '/webhooks/tbank', headers: { 'Content-Type': 'application/json' } },
  { path: '/webhooks/sanity', headers: { 'Content-Type': 'application/json' } },
  {
    path: '/webhooks/sanity',
    headers: { 'Content-Type': 'application/json', 'sanity-webhook-signature': 't=1700000000000,v1=forged' },
  },
  { path: '/api/page-view', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
  // The photo form, as a guest, so that its own streaming reader is what refuses.
  { path: '/en?index', headers: { 'Content-Type': 'multipart/form-data; boundary=bench' }, guest: true },
]

/** Starts a guest session the way the guest page does, and returns its cookie. */
async function guestCookie(url) {
  const page = await (await fetch(`${url}/en/guest`)).text()
  const shownVersions = /name="shownVersions" value="([^"]*)"/.exec(page)?.[1]
  if (!shownVersions) throw new Error('the guest page has no shownVersions field')
  const response = await fetch(`${url}/en/guest`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: url, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ accept_terms: 'yes', accept_privacy: 'yes', accept_consent: 'yes', shownVersions }),
  })
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('palitra_guest='))
  if (!cookie) throw new Error(`starting a guest answered ${response.status} without a guest cookie`)
  return cookie.split(';')[0]
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

const PIECE = Buffer.alloc(1024 * 1024, 'a')

/**
 * Offers one body of `bytes`, as fast as the socket takes it, and stops at
 * the server's answer or when it closes the connection.
 */
function offer(url, target, bytes, chunked, cookie) {
  return new Promise((resolve) => {
    const started = Date.now()
    let sent = 0
    let settled = false
    const done = (outcome) => {
      if (settled) return
      settled = true
      request.destroy()
      resolve({ ...outcome, sent, ms: Date.now() - started })
    }
    const request = http.request(`${url}${target.path}`, {
      method: 'POST',
      agent: false,
      headers: {
        Origin: url,
        ...target.headers,
        ...(target.guest ? { Cookie: cookie } : {}),
        ...(chunked ? {} : { 'Content-Length': String(bytes) }),
      },
    })
    request.on('response', (response) => {
      response.resume()
      done({ status: response.statusCode })
    })
    request.on('error', (error) => done({ status: null, error: error.code ?? error.message }))
    request.setTimeout(60_000, () => done({ status: null, error: 'timeout' }))
    const pump = () => {
      while (!settled && sent < bytes) {
        const piece = PIECE.subarray(0, Math.min(PIECE.length, bytes - sent))
        sent += piece.length
        if (!request.write(piece)) return void request.once('drain', pump)
      }
      if (!settled && sent >= bytes) request.end()
    }
    pump()
  })
}

ensureBuild()
// With the webhook secret set, as in production with Sanity: the Sanity webhook then reads bodies.
const server = await startProductionServer({ stdio: 'ignore', env: { SANITY_WEBHOOK_SECRET: 'bench-webhook-secret' } })
const pid = server.child.pid
try {
  const cookie = await guestCookie(server.url)
  // Peak RSS (VmHWM) counts from process start, which includes start-up (migrations, the first
  // pages); writing 5 to clear_refs resets it to the current RSS, so the peak is this run's.
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
  const before = memory(pid)
  const bytes = settings.bodyMb * 1024 * 1024
  const results = []
  let next = 0
  let peakSeen = before.rssMb
  const sampler = setInterval(() => {
    try {
      peakSeen = Math.max(peakSeen, memory(pid).rssMb)
    } catch {
      // the server is gone; the run will fail below
    }
  }, 50)
  const started = Date.now()
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      while (next < settings.bodies) {
        const index = next++
        const target = TARGETS[index % TARGETS.length]
        const chunked = Math.floor(index / TARGETS.length) % 2 === 0
        results.push({ target: target.path, chunked, ...(await offer(server.url, target, bytes, chunked, cookie)) })
      }
    }),
  )
  clearInterval(sampler)
  const seconds = (Date.now() - started) / 1000
  const after = memory(pid)
  // Still serving pages afterwards.
  const healthy = (await fetch(`${server.url}/healthz`)).status === 200

  const byStatus = {}
  for (const r of results) byStatus[r.status ?? r.error] = (byStatus[r.status ?? r.error] ?? 0) + 1
  const offeredMb = (settings.bodies * bytes) / 1024 / 1024
  const sentMb = results.reduce((sum, r) => sum + r.sent, 0) / 1024 / 1024
  const peakRssMb = Math.round(Math.max(after.peakMb, peakSeen))
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    settings,
    seconds: Math.round(seconds * 10) / 10,
    offeredMb,
    // What the client managed to write before the refusal closed the connection (kernel buffers included).
    writtenMb: Math.round(sentMb),
    answers: byStatus,
    rssBeforeMb: Math.round(before.rssMb),
    rssAfterMb: Math.round(after.rssMb),
    peakRssMb,
    peakGrowthMb: peakRssMb - Math.round(before.rssMb),
    healthyAfter: healthy,
  }
  const md = [
    `| bodies | size | in flight | time | answers | RSS before | peak RSS (growth) | RSS after |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    `| ${settings.bodies} | ${settings.bodyMb} MB | ${settings.concurrency} | ${summary.seconds} s | ${Object.entries(
      byStatus,
    )
      .map(([k, v]) => `${v}× ${k}`)
      .join(
        ', ',
      )} | ${summary.rssBeforeMb} MB | ${summary.peakRssMb} MB (+${summary.peakGrowthMb} MB) | ${summary.rssAfterMb} MB |`,
  ].join('\n')
  console.log(md)
  console.log(`offered ${offeredMb} MB, written by the client before refusals: ${summary.writtenMb} MB`)
  mkdirSync(RESULTS_DIR, { recursive: true })
  writeFileSync(path.join(RESULTS_DIR, 'body-limits.json'), `${JSON.stringify(summary, null, 2)}\n`)
  writeFileSync(path.join(RESULTS_DIR, 'body-limits.md'), `${md}\n`)

  // A client still writing when the server closes the connection after its 413 may see the
  // close (EPIPE, ECONNRESET) before the answer: refused all the same, nothing more was read.
  const refused = (r) => r.status === 413 || r.error === 'EPIPE' || r.error === 'ECONNRESET'
  const unexpected = results.filter((r) => !refused(r))
  if (unexpected.length > 0) {
    console.error(`not every body was refused: ${JSON.stringify(unexpected.slice(0, 5))}`)
    process.exitCode = 1
  }
  if (summary.peakGrowthMb > settings.maxGrowthMb) {
    console.error(`peak RSS grew by ${summary.peakGrowthMb} MB, over BENCH_MAX_GROWTH_MB=${settings.maxGrowthMb}`)
    process.exitCode = 1
  }
  if (!healthy) {
    console.error('the server did not answer /healthz afterwards')
    process.exitCode = 1
  }
} finally {
  await server.stop()
}
