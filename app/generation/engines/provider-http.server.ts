import { untilAborted } from '~/platform/abortable'
import sharp, { type Metadata } from 'sharp'
import { logger } from '~/platform/log.server'
import { MAX_IMAGES, MIN_IMAGES, type AspectRatio } from '../options'
import { EngineError, type EngineImage, type EngineInput } from './types'

/**
 * What the HTTP adapters of the providers (OpenAI, YandexART, Kandinsky)
 * share: one request with retries on 429, 5xx and network errors inside the
 * job's time limit, one classification of failures (so the worker
 * retries and refunds alike), polling until an
 * operation is done, and the images cut to the chosen aspect ratio.
 */

const BACKOFF_BASE_MS = 500
const BACKOFF_CAP_MS = 8000
const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504])

/** What a provider said about a failed request, with any secret already removed. */
export type ProviderFailure = { message: string; code: string | null; type?: string | null }

export type ProviderClock = {
  now: () => number
  sleep: (ms: number) => Promise<void>
}

export const realClock: ProviderClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
}

/** One generation's view of the provider: its deadline, signals and how to tell a refusal. */
export type ProviderSession = {
  engine: string
  retries: number
  timeoutMs: number
  deadline: number
  clock: ProviderClock
  signal: AbortSignal
  /** The reason to stop (caller aborted, time is up), or null to go on. */
  stopped: () => EngineError | null
  fetch: typeof fetch
  redact: (text: string) => string
  /** Reads the provider's error body into a message and a code. */
  readFailure: (status: number, body: unknown, text: string) => ProviderFailure
  /** A 4xx (or finished operation) that is the provider refusing the content. */
  isRefusal: (failure: ProviderFailure) => boolean
  /** A 429 that waiting will not cure (the account's quota is spent): an operator must act. */
  isQuotaExhausted?: (failure: ProviderFailure) => boolean
}

/** The settings an adapter whose provider works asynchronously (YandexART, Kandinsky) takes besides its keys and URL. */
export type PollingProviderOptions = {
  /** Bounds the whole call: every request, wait and poll. */
  timeoutMs: number
  /** Extra attempts of one request on 429, 5xx and network errors. */
  retries: number
  /** Between two reads of an operation. */
  pollIntervalMs?: number
  fetch?: typeof fetch
  clock?: ProviderClock
}

/** One asynchronous provider, as `generateOneByOne` drives it. */
export type OneByOneProvider<Started> = {
  /** The engine's id, in logs. */
  engine: string
  /** The provider's name, in the error that refuses a photo. */
  name: string
  options: PollingProviderOptions
  redact: ProviderSession['redact']
  readFailure: ProviderSession['readFailure']
  isRefusal: ProviderSession['isRefusal']
  /** Starts the operation that makes image `index` (0-based). */
  start: (session: ProviderSession, index: number) => Promise<Started>
  /** Reads a started operation until it gives its image, base64-encoded. */
  finish: (session: ProviderSession, started: Started) => Promise<string>
}

/**
 * A job on a provider whose operation makes one image (YandexART,
 * Kandinsky), so that both check, start, wait and fail alike: the photo and
 * a count outside the limits are refused before anything is sent; the
 * operations are started one after another (the APIs limit requests per
 * second), then awaited together; one failed image stops the others, so the
 * job fails as a whole.
 */
export async function generateOneByOne<Started>(
  provider: OneByOneProvider<Started>,
  input: EngineInput,
  signal: AbortSignal,
): Promise<EngineImage[]> {
  if (signal.aborted) throw abortedError(signal)
  if (!Number.isInteger(input.count) || input.count < MIN_IMAGES || input.count > MAX_IMAGES) {
    throw new EngineError('rejected', `count must be ${MIN_IMAGES}–${MAX_IMAGES}`, false)
  }
  if (input.sourceImage) throw photoNotSupported(provider.name)

  const group = new AbortController()
  const session = openSession(
    {
      engine: provider.engine,
      retries: provider.options.retries,
      timeoutMs: provider.options.timeoutMs,
      clock: provider.options.clock ?? realClock,
      fetch: provider.options.fetch ?? ((request, init) => globalThis.fetch(request, init)),
      redact: provider.redact,
      readFailure: provider.readFailure,
      isRefusal: provider.isRefusal,
    },
    AbortSignal.any([signal, group.signal]),
  )
  try {
    const started: Started[] = []
    for (let index = 0; index < input.count; index++) started.push(await provider.start(session, index))
    const files = await Promise.all(started.map((operation) => provider.finish(session, operation)))
    const images = await imagesFromBase64(files, input.aspectRatio)
    const stop = session.stopped()
    if (stop) throw stop
    return images
  } catch (error) {
    throw signal.aborted ? abortedError(signal) : error
  } finally {
    group.abort()
  }
}

/** Starts a generation's session: the overall time limit covers every request, wait and poll. */
export function openSession(
  options: Omit<ProviderSession, 'deadline' | 'signal' | 'stopped'>,
  callerSignal: AbortSignal,
): ProviderSession {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const deadline = options.clock.now() + options.timeoutMs
  const stopped = () => {
    if (callerSignal.aborted) return abortedError(callerSignal)
    if (timeout.aborted || options.clock.now() >= deadline) return timeoutError(options.timeoutMs)
    return null
  }
  return { ...options, deadline, signal: AbortSignal.any([callerSignal, timeout]), stopped }
}

/** Sends one request, trying 429, 5xx and network errors again while retries and time are left; returns the JSON body. */
export async function requestJson(
  session: ProviderSession,
  operation: string,
  url: string,
  init: () => RequestInit,
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const stop = session.stopped()
    if (stop) throw stop
    let failure: EngineError
    let retryAfterMs: number | null = null
    try {
      const response = await session.fetch(url, { ...init(), signal: session.signal })
      const text = await response.text()
      if (response.ok) return parseJson(operation, text)
      failure = failureFor(session, operation, response.status, readFailure(session, response.status, text))
      retryAfterMs = retryAfter(response.headers, session.clock.now())
    } catch (error) {
      const stopNow = session.stopped()
      if (stopNow) throw stopNow
      if (error instanceof EngineError) throw error
      failure = new EngineError(
        'unavailable',
        `${operation}: network error (${session.redact(describe(error))})`,
        true,
        { cause: error },
      )
    }

    if (!failure.retryable || attempt >= session.retries) throw failure
    const waitMs = retryAfterMs ?? backoff(attempt)
    // Waiting past the deadline only turns this failure into a timeout.
    if (session.clock.now() + waitMs >= session.deadline) throw failure
    logger.warn(
      { engine: session.engine, operation, attempt: attempt + 1, waitMs, error: failure.message },
      'image provider failed; retrying',
    )
    await pause(session, waitMs)
  }
}

/**
 * Asks `check` until it gives a result, waiting `intervalMs` between
 * checks; a result that would come after the deadline is a timeout.
 */
export async function pollUntilDone<T>(
  session: ProviderSession,
  intervalMs: number,
  check: () => Promise<T | null>,
): Promise<T> {
  for (;;) {
    const result = await check()
    if (result !== null) return result
    if (session.clock.now() + intervalMs >= session.deadline) throw timeoutError(session.timeoutMs)
    await pause(session, intervalMs)
  }
}

async function pause(session: ProviderSession, ms: number) {
  try {
    await untilAborted(session.signal, session.clock.sleep(ms))
  } catch (error) {
    throw session.stopped() ?? error
  }
  const stop = session.stopped()
  if (stop) throw stop
}

function parseJson(operation: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new EngineError('bad-response', `${operation}: the answer is not JSON`, false, { cause: error })
  }
}

function readFailure(session: ProviderSession, status: number, text: string): ProviderFailure {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { message: session.redact(text).replace(/\s+/g, ' ').slice(0, 200), code: null }
  }
  const failure = session.readFailure(status, body, text)
  return { ...failure, message: session.redact(failure.message).slice(0, 300) }
}

/** The same classes as the OpenAI adapter: set-up problems stop at once, overload is tried again, refusals are final. */
function failureFor(session: ProviderSession, operation: string, status: number, detail: ProviderFailure) {
  const label = `${operation}: HTTP ${status}${detail.code ? ` (${detail.code})` : ''}`
  const text = detail.message ? `${label}: ${detail.message}` : label
  if (status === 401 || status === 403 || status === 404) {
    // A wrong key, folder, pipeline or URL: retrying will not help, an operator must act.
    logger.error({ engine: session.engine, operation, status, code: detail.code }, 'image provider refused the request')
    return new EngineError('unavailable', text, false)
  }
  if (status === 429 && session.isQuotaExhausted?.(detail)) {
    logger.error({ engine: session.engine, operation, status, code: detail.code }, 'image provider quota exhausted')
    return new EngineError('unavailable', text, false)
  }
  if (status === 429) return new EngineError('rate-limited', text, true)
  if (RETRYABLE_STATUS.has(status) || status >= 500) return new EngineError('unavailable', text, true)
  if (session.isRefusal(detail)) {
    return new EngineError('rejected', `${label}: the provider refused the prompt under its content rules`, false)
  }
  if (status >= 400 && status < 500) return new EngineError('rejected', text, false)
  return new EngineError('bad-response', text, false)
}

/**
 * Decodes base64 images and cuts each to the exact aspect ratio the person
 * chose (providers round sizes to their own grid).
 */
export async function imagesFromBase64(files: string[], aspectRatio: AspectRatio): Promise<EngineImage[]> {
  const [rw, rh] = aspectRatio.split(':').map(Number) as [number, number]
  return Promise.all(
    files.map(async (file, index): Promise<EngineImage> => {
      const bytes = Buffer.from(file.replace(/^data:[^,]*;base64,/, ''), 'base64')
      let meta: Metadata
      try {
        meta = await sharp(bytes).metadata()
      } catch (error) {
        throw new EngineError('bad-response', `image ${index + 1} is not a readable image`, false, { cause: error })
      }
      const { width, height, format } = meta
      if (!width || !height || (format !== 'png' && format !== 'webp' && format !== 'jpeg')) {
        throw new EngineError('bad-response', `image ${index + 1} is not a PNG, WebP or JPEG image`, false)
      }
      const target =
        width / height > rw / rh
          ? { width: Math.round((height * rw) / rh), height }
          : { width, height: Math.round((width * rh) / rw) }
      if (Math.abs(target.width - width) <= 2 && Math.abs(target.height - height) <= 2) {
        return { bytes, mimeType: `image/${format}` as const, width, height }
      }
      const cropped = await sharp(bytes)
        .resize({ ...target, fit: 'cover' })
        .webp({ quality: 90 })
        .toBuffer()
      return { bytes: cropped, mimeType: 'image/webp' as const, ...target }
    }),
  )
}

export function abortedError(signal: AbortSignal): EngineError {
  return new EngineError('aborted', 'generation was cancelled', false, { cause: signal.reason })
}

export function timeoutError(timeoutMs: number): EngineError {
  return new EngineError('timeout', `no answer within ${timeoutMs} ms`, true)
}

/** Exponential backoff with jitter: 0.5–1× of 500 ms, 1 s, 2 s… capped at 8 s. */
export function backoff(attempt: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
  return Math.round(ceiling * (0.5 + Math.random() * 0.5))
}

/** `retry-after-ms` (OpenAI), or `Retry-After` in seconds or as an HTTP date. */
export function retryAfter(headers: Headers, now: number): number | null {
  const ms = Number(headers.get('retry-after-ms'))
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms
  const value = headers.get('retry-after')
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    return `${error.message}${cause}`
  }
  return String(error)
}

/** Keeps every given secret out of error messages and logs, whatever a provider echoes. */
export function redactor(secrets: string[]): (text: string) => string {
  const known = secrets.filter((secret) => secret.length >= 4)
  return (text) => {
    let out = text
    for (const secret of known) out = out.split(secret).join('[redacted]')
    return out
      .replace(/\bsk-[\w*.-]{3,}/g, 'sk-[redacted]')
      .replace(/\b(Api-Key|Bearer|Key|Secret)\s+[\w*.~+/=-]{6,}/gi, '$1 [redacted]')
  }
}

/** The engine cannot start from a photo: refused before anything is sent, like any other unsupported option. */
export function photoNotSupported(engineName: string): EngineError {
  return new EngineError('rejected', `${engineName} cannot generate from a photo; send a prompt without one`, false)
}
