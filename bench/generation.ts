// npm run bench:generation (tsx bench/generation.ts): how long a generation
// takes from submit to done, and how many jobs per second the queue drains,
// on PostgreSQL (when reachable) and on embedded PGlite. See
// docs/benchmarks.md, section "Generation". Five parts, in this order for each database:
//   latency     in-process: createJob → status 'done' seen by polling jobStatus,
//               one job after another, with a worker (concurrency 2) already running;
//   pairs       two jobs submitted at the same moment to such a worker after it sat idle
//               (an engine that waits 300 ms without CPU, like a remote provider);
//   steps       the worker's calls (reaper, claim, storage put, complete), createJob and
//               one status poll, timed one by one, with a trivial engine (a tiny precomputed image);
//   throughput  a queue filled up front, drained by 1, 2 and 4 GenerationWorker
//               instances (concurrency 1 each), with the local engine and the trivial
//               one; steps and the trivial drain run again once the table holds a long
//               history of finished jobs;
//   http        (after both databases) the production build (build/server-entry.js):
//               a guest session, the generation form posted as the page's fetcher posts
//               it, /api/generations/:id polled until done.
// Settings (environment):
//   BENCH_GEN_PARTS=latency,pairs,steps,throughput,http   which parts to run
//   BENCH_GEN_DATABASES=postgresql,pglite     which databases (PostgreSQL is skipped when unreachable)
//   BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/postgres   server for a throwaway database (TEST_PG_URL too)
//   BENCH_GEN_JOBS=30          latency: jobs per image count
//   BENCH_GEN_QUEUE=60         throughput: queued jobs per run, local engine
//   BENCH_GEN_QUEUE_TRIVIAL=300  throughput: queued jobs per run, trivial engine
//   BENCH_GEN_PAIRS=10         pairs: pairs of jobs submitted together to an idle worker
//   BENCH_GEN_STEPS=100        steps: jobs taken through the queue's calls one by one
//   BENCH_GEN_HISTORY=20000    steps, throughput: finished jobs added for the "long history" runs (0: skip)
//   BENCH_GEN_HTTP_JOBS=20     http: jobs per image count
//   BENCH_GEN_POLL_MS=10       status polling interval, in-process
//   BENCH_GEN_HTTP_POLL_MS=20  status polling interval over HTTP
//   BENCH_LOG_LEVEL=info       the server's LOG_LEVEL (its output is discarded); in-process logging is 'warn'
// Results: bench/results/generation.{json,md} (and a dated copy of each).
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { count, eq, inArray, sql } from 'drizzle-orm'
import pg from 'pg'
import sharp from 'sharp'
import type { Database } from '~/platform/db/client.server'
import type { EngineImage, ImageEngine, Generator } from '~/generation/index.server'
import type { AspectRatio, Style } from '~/generation'
import type { ObjectStorage } from '~/platform/storage/types'
import { ensureBuild, startProductionServer } from '../tests/e2e/support/production-server.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const RESULTS_DIR = path.join(here, 'results')

// The app's logger is made when its module is first imported (below, dynamically):
// per-job info lines would fill stdout, so the in-process parts log warnings only.
process.env.LOG_LEVEL ??= 'warn'

const PARTS = ['latency', 'pairs', 'steps', 'throughput', 'http'] as const
const DATABASES = ['postgresql', 'pglite'] as const
type Part = (typeof PARTS)[number]
type DatabaseName = (typeof DATABASES)[number]

const settings = {
  parts: listSetting('BENCH_GEN_PARTS', PARTS),
  databases: listSetting('BENCH_GEN_DATABASES', DATABASES),
  pgServer:
    process.env.BENCH_PG_URL?.trim() ||
    process.env.TEST_PG_URL?.trim() ||
    'postgresql://postgres@127.0.0.1:5432/postgres',
  latencyJobs: positiveInt('BENCH_GEN_JOBS', 30, 1_000),
  queue: positiveInt('BENCH_GEN_QUEUE', 60, 10_000),
  queueTrivial: positiveInt('BENCH_GEN_QUEUE_TRIVIAL', 300, 100_000),
  history: positiveInt('BENCH_GEN_HISTORY', 20_000, 1_000_000, true),
  pairs: positiveInt('BENCH_GEN_PAIRS', 10, 1_000),
  steps: positiveInt('BENCH_GEN_STEPS', 100, 10_000),
  httpJobs: positiveInt('BENCH_GEN_HTTP_JOBS', 20, 200),
  pollMs: positiveInt('BENCH_GEN_POLL_MS', 10, 1_000),
  httpPollMs: positiveInt('BENCH_GEN_HTTP_POLL_MS', 20, 1_000),
  serverLogLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
  workerCounts: [1, 2, 4],
  imageCounts: [1, 4],
  aspectRatio: '1:1' as AspectRatio,
}

function positiveInt(name: string, fallback: number, max: number, zeroAllowed = false): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1) || value > max) {
    console.error(`${name} must be an integer from ${zeroAllowed ? 0 : 1} to ${max}`)
    process.exit(2)
  }
  return value
}

function listSetting<T extends string>(name: string, all: readonly T[]): T[] {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return [...all]
  const items = raw.split(',').map((s) => s.trim())
  const unknown = items.filter((item) => !all.includes(item as T))
  if (unknown.length) {
    console.error(`${name}: unknown ${unknown.join(', ')} (known: ${all.join(', ')})`)
    process.exit(2)
  }
  return items as T[]
}

// ---------------------------------------------------------------------------
// Figures

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const round = (n: number, digits = 0) => Number(n.toFixed(digits))

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  if (p === 50) {
    const mid = sorted.length / 2
    return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!
  }
  // Nearest rank: with 30 samples, p95 is the second slowest.
  return sorted[Math.min(sorted.length, Math.ceil((p / 100) * sorted.length)) - 1]!
}

type Stats = { median: number; p95: number; min: number; max: number }

function stats(values: number[]): Stats {
  return {
    median: round(percentile(values, 50), 1),
    p95: round(percentile(values, 95), 1),
    min: round(Math.min(...values), 1),
    max: round(Math.max(...values), 1),
  }
}

const progress = (text: string) => process.stderr.write(text)

// ---------------------------------------------------------------------------
// The app, loaded after LOG_LEVEL is set

async function loadApp() {
  const [client, worker, queueModule, jobs, local, storage, schema, support] = await Promise.all([
    import('~/platform/db/client.server'),
    import('~/generation/worker.server'),
    import('~/generation/queue.server'),
    import('~/generation/jobs.server'),
    import('~/generation/engines/local.server'),
    import('~/platform/storage/local.server'),
    import('../tests/support/schema'),
    import('../tests/support/generation'),
  ])
  return {
    createDatabase: client.createDatabase,
    GenerationWorker: worker.GenerationWorker,
    claimNextJob: queueModule.claimNextJob,
    completeJob: queueModule.completeJob,
    reapAbandonedJobs: queueModule.reapAbandonedJobs,
    resultImageKey: jobs.resultImageKey,
    createJob: jobs.createJob,
    jobStatus: jobs.jobStatus,
    findJob: jobs.findJob,
    createLocalEngine: local.createLocalEngine,
    createLocalStorage: storage.createLocalStorage,
    generationJobs: schema.generationJobs,
    guestWithCredits: support.guestWithCredits,
  }
}
type App = Awaited<ReturnType<typeof loadApp>>

type Backend = { name: DatabaseName; db: Database; storage: ObjectStorage; url?: string }

const STYLES: Style[] = ['none', 'watercolor', 'comic', 'noir', 'vintage', 'neon', 'pastel']
const PROMPTS = [
  'a red fox in a snowy forest at night',
  'закат над морем, лодка у берега',
  'a lighthouse on a cliff, stormy blue sea',
  'осенний парк, жёлтые листья и туман',
  'a desert caravan under a golden sky',
  'ночной город в неоновом свете',
  'a quiet morning lake with white clouds',
]

/** The i-th job of a run: prompts and styles rotate, so every run renders the same mix. */
function jobInput(i: number, imageCount: number) {
  return {
    prompt: `${PROMPTS[i % PROMPTS.length]} #${i}`,
    style: STYLES[i % STYLES.length]!,
    aspectRatio: settings.aspectRatio,
    count: imageCount,
    photo: null,
  }
}

/** An engine that does no rendering: a tiny precomputed WebP, at once. Shows the queue's own cost. */
async function trivialEngine(): Promise<ImageEngine> {
  const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c04080' } })
    .webp()
    .toBuffer()
  return {
    id: 'trivial',
    kind: 'local',
    async generate(input) {
      return Array.from({ length: input.count }, (): EngineImage => ({
        bytes,
        mimeType: 'image/webp',
        width: 8,
        height: 8,
      }))
    },
  }
}

function newWorker(app: App, backend: Backend, engine: ImageEngine, concurrency: number, name: string) {
  return new app.GenerationWorker({
    db: backend.db,
    storage: backend.storage,
    engine,
    concurrency,
    leaseSeconds: 60,
    timeoutMs: 120_000,
    name,
  })
}

async function queue(app: App, backend: Backend, engine: ImageEngine, generator: Generator, i: number, images: number) {
  const result = await app.createJob(backend.db, backend.storage, engine, generator, jobInput(i, images), {
    maxAttempts: 3,
  })
  if (!result.ok) throw new Error(`createJob refused: ${result.reason}`)
  return result.job
}

// ---------------------------------------------------------------------------
// Databases

async function adminQuery(statement: string) {
  const client = new pg.Client({ connectionString: settings.pgServer, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** A throwaway database on the PostgreSQL server (dropped by the cleanups), or why there is none. */
async function openPostgres(app: App, scratch: string, cleanups: Array<() => Promise<void>>) {
  const name = `palitra_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  try {
    await adminQuery(`create database "${name}"`)
  } catch (error) {
    return { skipped: `cannot create a database on ${redact(settings.pgServer)}: ${(error as Error).message}` }
  }
  cleanups.push(async () => {
    await adminQuery(`drop database if exists "${name}" with (force)`).catch((error: unknown) =>
      console.error(`could not drop ${name}: ${(error as Error).message}`),
    )
  })
  const url = new URL(settings.pgServer)
  url.pathname = `/${name}`
  const handle = await app.createDatabase({ url: url.toString() })
  cleanups.push(() => handle.close())
  const storage = app.createLocalStorage(path.join(scratch, 'media-postgresql'))
  return { backend: { name: 'postgresql', db: handle.db, storage, url: url.toString() } satisfies Backend }
}

async function openPglite(app: App, scratch: string, cleanups: Array<() => Promise<void>>): Promise<Backend> {
  const handle = await app.createDatabase({ dataDir: path.join(scratch, 'pglite') })
  cleanups.push(() => handle.close())
  return { name: 'pglite', db: handle.db, storage: app.createLocalStorage(path.join(scratch, 'media-pglite')) }
}

function redact(value: string) {
  const parsed = new URL(value)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

// ---------------------------------------------------------------------------
// 1. Submit to done, in-process

type LatencySample = {
  /** createJob start → 'done' seen by polling. */
  totalMs: number
  /** createJob alone (charge + insert). */
  createMs: number
  /** created_at → started_at (database clock): waiting to be claimed. */
  waitMs: number
  /** started_at → finished_at: engine, storage and the start of the completing transaction. */
  runMs: number
  /** The rest: the completing commit and the polling interval. */
  seenAfterMs: number
}

async function waitUntilDone(app: App, db: Database, id: string, owner: Generator['owner'], pollMs: number) {
  for (;;) {
    const status = await app.jobStatus(db, id, owner)
    if (!status) throw new Error(`job ${id} vanished`)
    if (status.job.status === 'done') return
    if (status.job.status === 'failed' || status.job.status === 'canceled') {
      throw new Error(`job ${id} ended ${status.job.status} (${status.job.failureCode})`)
    }
    await sleep(pollMs)
  }
}

async function latencyPart(app: App, backend: Backend) {
  const engine = app.createLocalEngine()
  const generator = await app.guestWithCredits(backend.db, 100_000)
  const worker = newWorker(app, backend, engine, 2, `bench-latency-${backend.name}`)
  worker.start()
  const runs = []
  try {
    // Warm-up (JIT, sharp, prepared statements), not counted.
    for (const images of [1, 4, 1]) {
      const job = await queue(app, backend, engine, generator, 1000 + images, images)
      await waitUntilDone(app, backend.db, job.id, generator.owner, settings.pollMs)
    }
    for (const images of settings.imageCounts) {
      progress(`  ${backend.name}, ${images} image(s), ${settings.latencyJobs} jobs… `)
      const samples: LatencySample[] = []
      // The worker shares this event loop with polling, as it shares the web process's in production.
      const loopDelay = monitorEventLoopDelay({ resolution: 1 })
      loopDelay.enable()
      for (let i = 0; i < settings.latencyJobs; i++) {
        const started = performance.now()
        const job = await queue(app, backend, engine, generator, i, images)
        const created = performance.now()
        await waitUntilDone(app, backend.db, job.id, generator.owner, settings.pollMs)
        const seen = performance.now()
        const row = await app.findJob(backend.db, job.id, generator.owner)
        if (!row?.startedAt || !row.finishedAt) throw new Error(`job ${job.id} has no start or finish time`)
        const totalMs = seen - started
        samples.push({
          totalMs,
          createMs: created - started,
          waitMs: row.startedAt.getTime() - row.createdAt.getTime(),
          runMs: row.finishedAt.getTime() - row.startedAt.getTime(),
          seenAfterMs: totalMs - (row.finishedAt.getTime() - row.createdAt.getTime()),
        })
      }
      loopDelay.disable()
      const run = {
        database: backend.name,
        images,
        jobs: samples.length,
        eventLoopDelayMs: {
          p50: round(loopDelay.percentile(50) / 1e6, 1),
          p99: round(loopDelay.percentile(99) / 1e6, 1),
          max: round(loopDelay.max / 1e6, 1),
        },
        totalMs: stats(samples.map((s) => s.totalMs)),
        createMs: stats(samples.map((s) => s.createMs)),
        waitMs: stats(samples.map((s) => s.waitMs)),
        runMs: stats(samples.map((s) => s.runMs)),
        seenAfterMs: stats(samples.map((s) => s.seenAfterMs)),
      }
      progress(`median ${run.totalMs.median} ms, p95 ${run.totalMs.p95} ms\n`)
      runs.push(run)
    }
  } finally {
    await worker.stop()
  }
  return runs
}

/** An engine that waits without using the CPU, like a call to a remote provider. */
function waitingEngine(ms: number, image: EngineImage): ImageEngine {
  return {
    id: 'waiting',
    kind: 'ai',
    async generate(input, { signal }) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms)
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer)
            reject(signal.reason as Error)
          },
          { once: true },
        )
      })
      return Array.from({ length: input.count }, () => image)
    },
  }
}

/**
 * Two jobs submitted at the same moment to a worker with concurrency 2 that
 * has been idle for a while (longer than its 500 ms poll): both slots should
 * start at once. The engine waits 300 ms without using the CPU (a remote
 * provider), so the figure is the queue's alone. The wait is created_at →
 * started_at on the database clock.
 */
async function pairsPart(app: App, backend: Backend) {
  const [image] = await (
    await trivialEngine()
  ).generate(
    { prompt: 'x', style: 'none', aspectRatio: '1:1', count: 1, seed: 1 },
    { signal: new AbortController().signal },
  )
  const engine = waitingEngine(300, image!)
  const generator = await app.guestWithCredits(backend.db, 100_000)
  const worker = newWorker(app, backend, engine, 2, `bench-pairs-${backend.name}`)
  worker.start()
  const first: number[] = []
  const second: number[] = []
  const both: number[] = []
  progress(`  ${backend.name}, pairs submitted together to an idle worker, ${settings.pairs} pairs… `)
  try {
    for (let i = -1; i < settings.pairs; i++) {
      // Idle long enough for every slot's poll timer to have fired at least once; the offset varies the phase.
      await sleep(1_200 + (((i + 1) * 137) % 500))
      const started = performance.now()
      const jobs = await Promise.all([0, 1].map((k) => queue(app, backend, engine, generator, 2 * (i + 1) + k, 1)))
      await Promise.all(jobs.map((job) => waitUntilDone(app, backend.db, job.id, generator.owner, settings.pollMs)))
      const seen = performance.now()
      const waits = []
      for (const job of jobs) {
        const row = await app.findJob(backend.db, job.id, generator.owner)
        waits.push(row!.startedAt!.getTime() - row!.createdAt.getTime())
      }
      if (i < 0) continue // warm-up
      waits.sort((a, b) => a - b)
      first.push(waits[0]!)
      second.push(waits[1]!)
      both.push(seen - started)
    }
  } finally {
    await worker.stop()
  }
  const run = {
    database: backend.name,
    pairs: settings.pairs,
    firstWaitMs: stats(first),
    secondWaitMs: stats(second),
    bothDoneMs: stats(both),
  }
  progress(`second job waited ${run.secondWaitMs.median} ms (median), ${run.secondWaitMs.max} ms (max)\n`)
  return run
}

// ---------------------------------------------------------------------------
// 2. Throughput: a queue filled up front, drained by N workers

async function doneCount(app: App, db: Database, owner: Generator['owner']) {
  const rows = await db
    .select({ status: app.generationJobs.status, n: count() })
    .from(app.generationJobs)
    .where(eq(app.generationJobs.owner, owner))
    .groupBy(app.generationJobs.status)
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
  return { done: by.done ?? 0, failed: (by.failed ?? 0) + (by.canceled ?? 0) }
}

async function drain(
  app: App,
  backend: Backend,
  engine: ImageEngine,
  engineLabel: string,
  workers: number,
  jobs: number,
  history: number,
) {
  const generator = await app.guestWithCredits(backend.db, jobs)
  const enqueueStarted = performance.now()
  const ids: string[] = []
  for (let i = 0; i < jobs; i++) ids.push((await queue(app, backend, engine, generator, i, 1)).id)
  const enqueueMs = performance.now() - enqueueStarted

  const pool = Array.from({ length: workers }, (_, i) =>
    newWorker(app, backend, engine, 1, `bench-${backend.name}-${engineLabel}-${workers}-${i}`),
  )
  const started = performance.now()
  for (const worker of pool) worker.start()
  let finished: number
  try {
    for (;;) {
      const { done, failed } = await doneCount(app, backend.db, generator.owner)
      if (failed > 0) throw new Error(`${failed} job(s) failed`)
      if (done === jobs) {
        finished = performance.now()
        break
      }
      if (performance.now() - started > 600_000) throw new Error(`only ${done}/${jobs} done after 10 minutes`)
      await sleep(settings.pollMs)
    }
  } finally {
    await Promise.all(pool.map((worker) => worker.stop()))
  }
  const rows = await backend.db
    .select({ startedAt: app.generationJobs.startedAt, finishedAt: app.generationJobs.finishedAt })
    .from(app.generationJobs)
    .where(inArray(app.generationJobs.id, ids))
  const runMs = rows.map((r) => r.finishedAt!.getTime() - r.startedAt!.getTime())
  const seconds = (finished - started) / 1000
  const meanRunMs = runMs.reduce((a, b) => a + b, 0) / jobs
  return {
    database: backend.name,
    engine: engineLabel,
    history,
    workers,
    jobs,
    seconds: round(seconds, 2),
    jobsPerSecond: round(jobs / seconds, 2),
    enqueueMsPerJob: round(enqueueMs / jobs, 2),
    runMsPerJob: stats(runMs),
    /** Each worker's time per job outside claimed → finished: reaper, claim, the completing commit, the loop. */
    outsideRunMsPerJob: round((workers * seconds * 1000) / jobs - meanRunMs, 1),
  }
}

/** Finished jobs of another guest (a site's history), so the queue's queries run over a realistic table. */
async function addHistory(app: App, backend: Backend, rows: number) {
  const generator = await app.guestWithCredits(backend.db, 0)
  const batch = 5_000
  for (let done = 0; done < rows; done += batch) {
    const n = Math.min(batch, rows - done)
    await backend.db.execute(sql`
      with made as (
        insert into generation_jobs
          (id, owner, guest_id, status, prompt, style, aspect_ratio, count, seed, cost, engine, engine_kind,
           attempts, max_attempts, created_at, started_at, finished_at)
        select gen_random_uuid(), ${generator.owner}, ${generator.guestId}, 'done', 'history ' || g, 'none', '1:1', 1,
               g, 1, 'local', 'local', 1, 3, now() - make_interval(secs => g), now() - make_interval(secs => g),
               now() - make_interval(secs => g)
          from generate_series(${done + 1}::int, ${done + n}::int) as g
        returning id)
      insert into generation_images (job_id, index, storage_key, mime_type, width, height, bytes)
      select id, 0, 'generations/' || id || '/a1/0.webp', 'image/webp', 768, 768, 100000 from made`)
  }
  await backend.db.execute(sql`analyze generation_jobs`)
  await backend.db.execute(sql`analyze generation_images`)
}

async function throughputPart(app: App, backend: Backend) {
  const local = app.createLocalEngine()
  const trivial = await trivialEngine()
  const runs = []
  // Warm-up, not counted.
  await drain(app, backend, local, 'local', 2, 4, 0)
  await drain(app, backend, trivial, 'trivial', 1, 100, 0)
  for (const [engine, label, jobs] of [
    [local, 'local', settings.queue],
    [trivial, 'trivial', settings.queueTrivial],
  ] as const) {
    for (const workers of settings.workerCounts) {
      progress(`  ${backend.name}, ${label} engine, ${workers} worker(s), ${jobs} jobs… `)
      const run = await drain(app, backend, engine, label, workers, jobs, 0)
      progress(`${run.jobsPerSecond} jobs/s\n`)
      runs.push(run)
    }
  }
  return runs
}

/** The same trivial-engine drain once the table holds a long history of finished jobs (addHistory). */
async function throughputWithHistory(app: App, backend: Backend) {
  const trivial = await trivialEngine()
  const runs = []
  for (const workers of [1, 4]) {
    progress(`  ${backend.name}, trivial engine, long history, ${workers} worker(s), ${settings.queueTrivial} jobs… `)
    const run = await drain(app, backend, trivial, 'trivial', workers, settings.queueTrivial, settings.history)
    progress(`${run.jobsPerSecond} jobs/s\n`)
    runs.push(run)
  }
  return runs
}

// ---------------------------------------------------------------------------
// 2b. The queue's steps one by one (what a worker does per job, minus rendering)

const STEP_NAMES = ['createJob', 'reap', 'claim', 'storagePut', 'complete', 'jobStatus'] as const

/** Runs the worker's calls in its order, timing each: reaper, claim, put, complete; plus submitting and one status poll. */
async function stepsPart(app: App, backend: Backend, history: number) {
  const engine = await trivialEngine()
  const [image] = await engine.generate(
    { prompt: 'x', style: 'none', aspectRatio: '1:1', count: 1, seed: 1 },
    { signal: new AbortController().signal },
  )
  const iterations = settings.steps
  const generator = await app.guestWithCredits(backend.db, iterations + 10)
  const times = Object.fromEntries(STEP_NAMES.map((name) => [name, [] as number[]])) as Record<
    (typeof STEP_NAMES)[number],
    number[]
  >
  const workerId = `bench-steps-${backend.name}-${history}`
  progress(`  ${backend.name}, queue steps${history ? ', long history' : ''}, ${iterations} jobs… `)
  for (let i = -5; i < iterations; i++) {
    const timed = async <T>(name: (typeof STEP_NAMES)[number], work: () => Promise<T>): Promise<T> => {
      const started = performance.now()
      const result = await work()
      if (i >= 0) times[name].push(performance.now() - started)
      return result
    }
    const job = await timed('createJob', () => queue(app, backend, engine, generator, i + 5, 1))
    await timed('reap', () => app.reapAbandonedJobs(backend.db))
    const claimed = await timed('claim', () => app.claimNextJob(backend.db, workerId, 60))
    if (claimed?.id !== job.id) throw new Error('steps: claimed another job than the one just queued')
    const key = app.resultImageKey(job.id, claimed.attempts, 0)
    await timed('storagePut', () => backend.storage.put(key, image!.bytes, image!.mimeType))
    const completed = await timed('complete', () =>
      app.completeJob(backend.db, job.id, workerId, [
        { index: 0, storageKey: key, mimeType: image!.mimeType, width: 8, height: 8, bytes: image!.bytes.length },
      ]),
    )
    if (!completed) throw new Error('steps: completeJob refused')
    await timed('jobStatus', () => app.jobStatus(backend.db, job.id, generator.owner))
  }
  const run = {
    database: backend.name,
    history,
    jobs: iterations,
    ms: Object.fromEntries(STEP_NAMES.map((name) => [name, stats(times[name])])) as Record<
      (typeof STEP_NAMES)[number],
      Stats
    >,
  }
  const cycle = (['reap', 'claim', 'storagePut', 'complete'] as const).reduce((sum, n) => sum + run.ms[n].median, 0)
  progress(`worker cycle ≈ ${round(cycle, 1)} ms\n`)
  return run
}

// ---------------------------------------------------------------------------
// 3. Over HTTP, against the production build

type Jar = Map<string, string>

function remember(jar: Jar, response: Response) {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';')
    const eq = pair!.indexOf('=')
    if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim())
  }
}

const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')

function decodeEntities(value: string) {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** A guest session as a person starts one: the form on /en/guest, terms and privacy ticked. */
async function startGuest(base: string): Promise<Jar> {
  const jar: Jar = new Map()
  const page = await fetch(`${base}/en/guest`)
  remember(jar, page)
  const html = await page.text()
  if (page.status !== 200) throw new Error(`GET /en/guest answered ${page.status}`)
  const match = /name="shownVersions" value="([^"]*)"/.exec(html)
  if (!match) throw new Error('no shownVersions field on /en/guest')
  const response = await fetch(`${base}/en/guest`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: base, Cookie: cookieHeader(jar), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      shownVersions: decodeEntities(match[1]!),
      accept_terms: 'yes',
      accept_privacy: 'yes',
      accept_consent: 'yes',
    }),
  })
  remember(jar, response)
  await response.arrayBuffer()
  if (response.status !== 302) throw new Error(`POST /en/guest answered ${response.status}`)
  return jar
}

type JobJson = {
  job: { id: string; status: string; createdAt: string; finishedAt: string | null; failureCode: string | null }
}

/** One job over HTTP: the multipart form as the page's fetcher sends it (single fetch, /en.data), then polling. */
async function httpJob(base: string, jar: Jar, i: number, images: number) {
  const input = jobInput(i, images)
  const form = new FormData()
  form.set('prompt', input.prompt)
  form.set('style', input.style)
  form.set('aspectRatio', input.aspectRatio)
  form.set('count', String(images))
  // A different client address per job: the 30-a-minute generation limit is per address.
  const headers = {
    Origin: base,
    Cookie: cookieHeader(jar),
    'X-Forwarded-For': `10.77.${(i >> 8) & 255}.${(i & 255) + 1}`,
  }
  const started = performance.now()
  const response = await fetch(`${base}/en.data?index&inline=1`, { method: 'POST', body: form, headers })
  const body = await response.text()
  const submitted = performance.now()
  // The turbo-stream answer carries the new job's view; its id is the first UUID in it.
  const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(body)?.[0]
  if (!response.ok || !id) throw new Error(`submit answered ${response.status}: ${body.slice(0, 300)}`)
  for (;;) {
    const poll = await fetch(`${base}/api/generations/${id}`, {
      headers: { Cookie: cookieHeader(jar), Accept: 'application/json' },
    })
    if (!poll.ok) throw new Error(`GET /api/generations/${id} answered ${poll.status}`)
    const { job } = (await poll.json()) as JobJson
    if (job.status === 'done') {
      const seen = performance.now()
      return {
        totalMs: seen - started,
        submitMs: submitted - started,
        serverMs: new Date(job.finishedAt!).getTime() - new Date(job.createdAt).getTime(),
      }
    }
    if (job.status === 'failed' || job.status === 'canceled')
      throw new Error(`job ${id}: ${job.status} ${job.failureCode}`)
    await sleep(settings.httpPollMs)
  }
}

async function httpPart(database: DatabaseName, databaseUrl: string | undefined) {
  const server = await startProductionServer({
    stdio: 'ignore',
    env: {
      LOG_LEVEL: settings.serverLogLevel,
      GUEST_FREE_CREDITS: '1000',
      IMAGE_ENGINE: 'local',
      S3_BUCKET: '',
      // One instance on PostgreSQL with local media: the folder is trivially shared.
      ...(databaseUrl ? { DATABASE_URL: databaseUrl, MEDIA_DIR_SHARED: 'true' } : {}),
    },
  })
  const runs = []
  try {
    const base = server.url
    const jar = await startGuest(base)
    // Warm-up, not counted.
    for (const images of [1, 4, 1]) await httpJob(base, jar, 900 + images, images)
    for (const images of settings.imageCounts) {
      progress(`  HTTP, ${database}, ${images} image(s), ${settings.httpJobs} jobs… `)
      const samples = []
      for (let i = 0; i < settings.httpJobs; i++) samples.push(await httpJob(base, jar, i, images))
      const run = {
        database,
        images,
        jobs: samples.length,
        totalMs: stats(samples.map((s) => s.totalMs)),
        submitMs: stats(samples.map((s) => s.submitMs)),
        serverMs: stats(samples.map((s) => s.serverMs)),
      }
      progress(`median ${run.totalMs.median} ms, p95 ${run.totalMs.p95} ms\n`)
      runs.push(run)
    }
  } finally {
    await server.stop()
  }
  return runs
}

// ---------------------------------------------------------------------------
// Report

type Report = Awaited<ReturnType<typeof collect>>

const ms = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–')

function markdown(report: Report) {
  const lines = [`# Generation benchmark, ${report.date}`, '']
  lines.push(
    `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, ` +
      `${report.machine.platform}, Node ${report.machine.node}; load average ${report.machine.loadBefore.join(' / ')} ` +
      `before, ${report.machine.loadAfter.join(' / ')} after. Took ${report.durationSeconds} s.`,
    '',
  )
  for (const note of report.notes) lines.push(`Note: ${note}`, '')
  if (report.latency.length) {
    lines.push(
      `## Submit to done, in-process (local engine, ${settings.aspectRatio} at 768 px, worker concurrency 2, polled every ${settings.pollMs} ms)`,
      '',
      '| database | images | jobs | median ms | p95 ms | createJob ms | wait ms | run ms | seen after ms | event loop delay p99 / max ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...report.latency.map(
        (r) =>
          `| ${r.database} | ${r.images} | ${r.jobs} | ${ms(r.totalMs.median)} | ${ms(r.totalMs.p95)} | ` +
          `${ms(r.createMs.median)} | ${ms(r.waitMs.median)} | ${ms(r.runMs.median)} | ${ms(r.seenAfterMs.median)} | ` +
          `${ms(r.eventLoopDelayMs.p99)} / ${ms(r.eventLoopDelayMs.max)} |`,
      ),
      '',
      'createJob, wait (created → claimed), run (claimed → finished) and seen after (finished → seen by polling) are medians.',
      '',
    )
  }
  if (report.pairs.length) {
    lines.push(
      '## Two jobs submitted together to an idle worker (an engine that waits 300 ms without CPU; concurrency 2)',
      '',
      '| database | pairs | first job wait ms (median / max) | second job wait ms (median / max) | both done ms (median / p95) |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...report.pairs.map(
        (r) =>
          `| ${r.database} | ${r.pairs} | ${ms(r.firstWaitMs.median)} / ${ms(r.firstWaitMs.max)} | ` +
          `${ms(r.secondWaitMs.median)} / ${ms(r.secondWaitMs.max)} | ${ms(r.bothDoneMs.median)} / ${ms(r.bothDoneMs.p95)} |`,
      ),
      '',
      'Wait: created_at → started_at (database clock); a slot that is woken starts within a few ms, one left to its poll timer waits up to 500 ms.',
      '',
    )
  }
  if (report.steps.length) {
    lines.push(
      '## Queue steps, one job at a time (trivial engine; median / p95 ms)',
      '',
      `| database | history rows | ${STEP_NAMES.join(' | ')} |`,
      `| --- | ---: | ${STEP_NAMES.map(() => '---:').join(' | ')} |`,
      ...report.steps.map(
        (r) =>
          `| ${r.database} | ${r.history.toLocaleString('en-US')} | ` +
          STEP_NAMES.map((n) => `${r.ms[n].median} / ${r.ms[n].p95}`).join(' | ') +
          ' |',
      ),
      '',
    )
  }
  if (report.throughput.length) {
    lines.push(
      '## Throughput (one-image jobs queued up front; N GenerationWorker instances, concurrency 1 each)',
      '',
      '| database | engine | history rows | workers | jobs | seconds | jobs/s | run ms/job (median) | outside run ms/job | createJob ms/job |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...report.throughput.map(
        (r) =>
          `| ${r.database} | ${r.engine} | ${r.history.toLocaleString('en-US')} | ${r.workers} | ${r.jobs} | ` +
          `${r.seconds} | ${r.jobsPerSecond} | ${r.runMsPerJob.median} | ${r.outsideRunMsPerJob} | ${r.enqueueMsPerJob} |`,
      ),
      '',
    )
  }
  if (report.http.length) {
    lines.push(
      `## Submit to done over HTTP (production build, in-process worker concurrency 2, polled every ${settings.httpPollMs} ms)`,
      '',
      '| database | images | jobs | median ms | p95 ms | POST ms (median) | server created → finished ms (median) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...report.http.map(
        (r) =>
          `| ${r.database} | ${r.images} | ${r.jobs} | ${ms(r.totalMs.median)} | ${ms(r.totalMs.p95)} | ` +
          `${ms(r.submitMs.median)} | ${ms(r.serverMs.median)} |`,
      ),
      '',
    )
  }
  return lines.join('\n')
}

async function collect(app: App, scratch: string, cleanups: Array<() => Promise<void>>) {
  const startedAt = Date.now()
  const loadBefore = os.loadavg().map((n) => round(n, 2))
  const notes: string[] = []
  const backends: Backend[] = []
  for (const name of settings.databases) {
    if (name === 'postgresql') {
      const opened = await openPostgres(app, scratch, cleanups)
      if ('skipped' in opened) {
        notes.push(`PostgreSQL skipped: ${opened.skipped}`)
        console.error(`PostgreSQL skipped: ${opened.skipped}`)
      } else backends.push(opened.backend)
    } else {
      backends.push(await openPglite(app, scratch, cleanups))
    }
  }

  const latency = []
  const pairs = []
  const steps = []
  const throughput = []
  const http = []
  const wants = (part: Part) => settings.parts.includes(part)
  for (const backend of backends) {
    console.error(`${backend.name}:`)
    if (wants('latency')) latency.push(...(await latencyPart(app, backend)))
    if (wants('pairs')) pairs.push(await pairsPart(app, backend))
    if (wants('steps')) steps.push(await stepsPart(app, backend, 0))
    if (wants('throughput')) throughput.push(...(await throughputPart(app, backend)))
    if (settings.history > 0 && (wants('steps') || wants('throughput'))) {
      progress(`  ${backend.name}: adding ${settings.history.toLocaleString('en-US')} finished jobs… `)
      const started = performance.now()
      await addHistory(app, backend, settings.history)
      progress(`${round((performance.now() - started) / 1000, 1)} s\n`)
      if (wants('steps')) steps.push(await stepsPart(app, backend, settings.history))
      if (wants('throughput')) throughput.push(...(await throughputWithHistory(app, backend)))
    }
  }
  if (settings.parts.includes('http')) {
    ensureBuild()
    console.error('submit to done over HTTP (production build):')
    for (const backend of backends) {
      try {
        http.push(...(await httpPart(backend.name, backend.name === 'postgresql' ? backend.url : undefined)))
      } catch (error) {
        const message = `HTTP on ${backend.name} failed: ${(error as Error).message}`
        notes.push(message)
        console.error(message)
      }
    }
  }

  const now = new Date()
  return {
    date: now.toISOString().slice(0, 10),
    time: now.toISOString(),
    durationSeconds: round((Date.now() - startedAt) / 1000),
    settings: { ...settings, pgServer: redact(settings.pgServer) },
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.versions.node,
      loadBefore,
      loadAfter: os.loadavg().map((n) => round(n, 2)),
    },
    notes,
    latency,
    pairs,
    steps,
    throughput,
    http,
  }
}

async function main() {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'palitra-bench-gen-'))
  const cleanups: Array<() => Promise<void>> = []
  let cleaned: Promise<void> | undefined
  const cleanUp = () =>
    (cleaned ??= (async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
      rmSync(scratch, { recursive: true, force: true })
    })())
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)))

  try {
    const app = await loadApp()
    const report = await collect(app, scratch, cleanups)
    const md = markdown(report)
    mkdirSync(RESULTS_DIR, { recursive: true })
    const stamp = report.time.replace(/[:.]/g, '-')
    for (const name of ['generation', `generation-${stamp}`]) {
      writeFileSync(path.join(RESULTS_DIR, `${name}.json`), JSON.stringify(report, null, 2) + '\n')
      writeFileSync(path.join(RESULTS_DIR, `${name}.md`), md)
    }
    console.log(md)
    console.error(`written: ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'generation.{json,md}'))}`)
  } finally {
    await cleanUp()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  process.exit(1)
})
