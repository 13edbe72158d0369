import { untilAborted } from '~/platform/abortable'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import type { Database } from '~/platform/db/client.server'
import type { GenerationJobRow } from './schema'
import { logger } from '~/platform/log.server'
import type { ObjectStorage } from '~/platform/storage/types'
import { EngineError, type EngineImage, type ImageEngine } from './engines/types'
import { resultImageKey } from './jobs.server'
import type { AspectRatio, Style } from './options'
import {
  claimNextJob,
  completeJob,
  reapAbandonedJobs,
  recordFailure,
  renewLease,
  type ClaimedJob,
  type StoredImage,
} from './queue.server'
import { onJobQueued } from './wakeup.server'

export type WorkerOptions = {
  db: Database
  storage: ObjectStorage
  engine: ImageEngine
  /** Jobs run at the same time by this worker. */
  concurrency: number
  leaseSeconds: number
  /** The whole engine call of one attempt is aborted after this long. */
  timeoutMs: number
  /** Idle wait between looks at the queue. */
  pollMs?: number
  /** For logs and lease ownership; unique per worker. */
  name?: string
}

/** How often a worker looks for jobs abandoned on their last attempt. */
const REAP_INTERVAL_MS = 5000

const EXTENSIONS: Record<EngineImage['mimeType'], string> = {
  'image/webp': 'webp',
  'image/png': 'png',
  'image/jpeg': 'jpg',
}

/**
 * Runs generation jobs from the queue: `concurrency` loops, each claiming a
 * job, renewing its lease while the engine works, storing the images and
 * then marking the job done (files first, rows and status in one
 * transaction). Safe to run in any number of processes at once.
 */
export class GenerationWorker {
  readonly id: string
  private running = false
  private loops: Promise<void>[] = []
  private readonly sleepers = new Set<() => void>()
  private pendingWake = false
  private unsubscribe: (() => void) | null = null
  private readonly inFlight = new Set<AbortController>()

  constructor(private readonly options: WorkerOptions) {
    this.id = options.name ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  }

  start() {
    if (this.running) return
    this.running = true
    this.unsubscribe = onJobQueued(() => this.wakeAll())
    for (let i = 0; i < this.options.concurrency; i++) this.loops.push(this.loop(i))
    logger.info(
      {
        event: 'worker.started',
        worker: this.id,
        concurrency: this.options.concurrency,
        engine: this.options.engine.id,
      },
      'generation worker started',
    )
  }

  /** Stops claiming; waits for jobs in hand to finish (up to `graceMs`, then aborts them: their lease lets another worker retry). */
  async stop(graceMs = 10_000) {
    if (!this.running) return
    this.running = false
    this.unsubscribe?.()
    this.wakeAll()
    const timer = setTimeout(() => {
      for (const controller of this.inFlight) controller.abort(new Error('worker stopping'))
    }, graceMs)
    await Promise.allSettled(this.loops)
    clearTimeout(timer)
    this.loops = []
    logger.info({ event: 'worker.stopped', worker: this.id }, 'generation worker stopped')
  }

  private async loop(slot: number) {
    const pollMs = this.options.pollMs ?? 500
    let lastReap = 0
    while (this.running) {
      let worked = false
      try {
        // One slot also fails jobs whose worker vanished on their last attempt, every few seconds.
        if (slot === 0 && Date.now() - lastReap >= REAP_INTERVAL_MS) {
          lastReap = Date.now()
          await reapAbandonedJobs(this.options.db)
        }
        worked = await this.runOnce()
      } catch (error) {
        logger.error({ err: error, event: 'worker.loop-error', worker: this.id }, 'worker loop error')
      }
      if (worked || !this.running) continue
      await this.sleep(pollMs)
    }
  }

  /**
   * Waits for the next poll or a job queued in this process. Every sleeping
   * slot is woken; a notice that arrives while no slot sleeps is kept for the
   * next one, so a job queued during a claim is not missed.
   */
  private sleep(ms: number): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false
      return Promise.resolve()
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.sleepers.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.sleepers.add(done)
    })
  }

  private wakeAll() {
    if (this.sleepers.size === 0) {
      this.pendingWake = true
      return
    }
    for (const wake of [...this.sleepers]) wake()
  }

  /** Claims and runs one job; false when the queue had nothing runnable. */
  async runOnce(): Promise<boolean> {
    const job = await claimNextJob(this.options.db, this.id, this.options.leaseSeconds)
    if (!job) return false
    await this.process(job)
    return true
  }

  private async process(job: ClaimedJob) {
    const { db, storage, engine, leaseSeconds, timeoutMs } = this.options
    const started = Date.now()
    const controller = new AbortController()
    this.inFlight.add(controller)
    let leaseLost = false
    const heartbeat = setInterval(
      () => {
        renewLease(db, job.id, this.id, leaseSeconds)
          .then((held) => {
            if (!held) {
              leaseLost = true
              controller.abort(new Error('lease lost'))
            }
          })
          .catch((error: unknown) => logger.warn({ err: error, jobId: job.id }, 'lease renewal failed'))
      },
      Math.max(1000, (leaseSeconds * 1000) / 3),
    )
    const written: string[] = []
    try {
      const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)])
      const source = job.sourceImageKey ? await readSourcePhoto(storage, job.sourceImageKey) : null
      const images = await untilAborted(
        signal,
        engine.generate(
          {
            prompt: job.prompt,
            style: job.style as Style,
            aspectRatio: job.aspectRatio as AspectRatio,
            count: job.count,
            seed: job.seed,
            sourceImage: source ? { bytes: source.bytes, mimeType: source.contentType } : undefined,
          },
          { signal },
        ),
      )
      if (signal.aborted) throw abortReason(signal, leaseLost)
      if (images.length !== job.count) throw new EngineError('bad-response', 'engine returned the wrong number', false)
      const stored: StoredImage[] = []
      for (const [index, image] of images.entries()) {
        const key = resultImageKey(job.id, job.attempts, index).replace(/webp$/, EXTENSIONS[image.mimeType])
        await storage.put(key, image.bytes, image.mimeType)
        written.push(key)
        stored.push({
          index,
          storageKey: key,
          mimeType: image.mimeType,
          width: image.width,
          height: image.height,
          bytes: image.bytes.length,
        })
      }
      const completed = await completeJob(db, job.id, this.id, stored)
      if (!completed) {
        await storage.delete(written).catch(() => {})
        logger.warn({ event: 'generation.lease-lost', jobId: job.id, worker: this.id }, 'finished after losing the job')
        return
      }
      logger.info(
        { event: 'generation.done', jobId: job.id, engine: engine.id, attempt: job.attempts, ms: Date.now() - started },
        'generation done',
      )
    } catch (error) {
      await storage.delete(written).catch(() => {})
      await this.fail(job, error, leaseLost)
    } finally {
      clearInterval(heartbeat)
      this.inFlight.delete(controller)
    }
  }

  private async fail(job: GenerationJobRow, error: unknown, leaseLost: boolean) {
    if (leaseLost) {
      logger.warn({ event: 'generation.lease-lost', jobId: job.id, worker: this.id }, 'job taken over, attempt dropped')
      return
    }
    const failure = classify(error)
    const outcome = await recordFailure(this.options.db, job.id, this.id, failure)
    logger[outcome === 'failed' ? 'error' : 'warn'](
      { event: `generation.${outcome}`, jobId: job.id, code: failure.code, attempt: job.attempts, err: error },
      outcome === 'failed' ? 'generation failed, credits refunded' : 'generation attempt failed',
    )
  }
}

/**
 * A job made from an uploaded photo that cannot be read. Missing (another
 * instance stored it where this one cannot see, or it was removed): the job
 * fails at once. A storage that does not answer: the attempt is retried,
 * and the job fails after its last attempt. Either way the credits come back
 * and the engine is never asked to work without the photo.
 */
export class SourcePhotoError extends Error {
  constructor(
    readonly key: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(retryable ? `could not read the uploaded photo ${key}` : `the uploaded photo ${key} is missing`, options)
    this.name = 'SourcePhotoError'
  }
}

async function readSourcePhoto(storage: ObjectStorage, key: string) {
  let photo: Awaited<ReturnType<ObjectStorage['get']>>
  try {
    photo = await storage.get(key)
  } catch (error) {
    throw new SourcePhotoError(key, true, { cause: error })
  }
  if (!photo) throw new SourcePhotoError(key, false)
  return photo
}

function abortReason(signal: AbortSignal, leaseLost: boolean) {
  if (leaseLost) return new EngineError('aborted', 'lease lost', false)
  const reason = signal.reason as unknown
  if (reason instanceof DOMException && reason.name === 'TimeoutError') {
    return new EngineError('timeout', 'engine timed out', true)
  }
  return new EngineError('aborted', 'aborted', true)
}

/** Failure codes shown to people (locales generate.json `failures.<code>`). */
function classify(error: unknown): { code: string; retryable: boolean } {
  if (error instanceof SourcePhotoError) return { code: 'photo-unavailable', retryable: error.retryable }
  if (error instanceof EngineError) {
    switch (error.code) {
      case 'timeout':
        return { code: 'timeout', retryable: true }
      case 'rejected':
        return { code: 'rejected-by-provider', retryable: false }
      case 'aborted':
        return { code: 'worker-lost', retryable: error.retryable }
      default:
        return { code: 'engine-error', retryable: error.retryable }
    }
  }
  if (error instanceof DOMException && error.name === 'TimeoutError') return { code: 'timeout', retryable: true }
  if (error instanceof DOMException && error.name === 'AbortError') return { code: 'worker-lost', retryable: true }
  return { code: 'engine-error', retryable: true }
}
