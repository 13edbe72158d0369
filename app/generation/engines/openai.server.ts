import { untilAborted } from '~/platform/abortable'
import sharp, { type Metadata } from 'sharp'
import { z } from 'zod'
import { logger } from '~/platform/log.server'
import { MAX_IMAGES, MIN_IMAGES, type AspectRatio, type Style } from '../options'
import { EngineError, type EngineImage, type EngineInput, type ImageEngine } from './types'

/**
 * The OpenAI Images API (`/images/generations`, `/images/edits`), or any
 * endpoint that speaks it (OPENAI_BASE_URL). See docs/decisions/007.
 *
 * Only the prompt, the photo and technical parameters leave the service:
 * no account data, not even the API's optional `user` field (privacy
 * policy 7.2).
 */

export type OpenAiEngineOptions = {
  apiKey: string
  baseUrl: string
  model: string
  /** Bounds the whole call, retries and waits included. */
  timeoutMs: number
  /** Extra attempts on 429, 5xx and network errors. */
  retries: number
  fetch?: typeof fetch
  sleep?: (ms: number) => Promise<void>
}

export type OpenAiSize = '1024x1024' | '1536x1024' | '1024x1536'

const BACKOFF_BASE_MS = 500
const BACKOFF_CAP_MS = 8000
const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504])
const CONTENT_POLICY_CODES = new Set(['moderation_blocked', 'content_policy_violation', 'image_generation_user_error'])

const STYLE_HINTS: Record<Style, string | null> = {
  none: null,
  watercolor: 'a watercolour painting with soft washes of colour, gentle bleeding edges and visible paper texture',
  comic: 'a comic-book illustration with bold black ink outlines, flat saturated colours and halftone shading',
  noir: 'a high-contrast black-and-white film-noir photograph with deep shadows and dramatic light',
  vintage: 'a faded vintage photograph with a warm sepia tone, soft focus, film grain and a light vignette',
  neon: 'a neon-lit image with glowing, saturated magenta and cyan light against deep dark shadows',
  pastel: 'a soft pastel illustration in light, gentle, low-saturation colours',
}

/** The supported size nearest to the chosen aspect ratio; the result is then cropped to the exact ratio. */
export function openAiSize(ratio: AspectRatio): OpenAiSize {
  switch (ratio) {
    case '1:1':
      return '1024x1024'
    case '4:3':
    case '16:9':
      return '1536x1024'
    case '3:4':
    case '9:16':
      return '1024x1536'
  }
}

/** The prompt as sent: the person's words, then an English style hint. */
export function providerPrompt(input: Pick<EngineInput, 'prompt' | 'style' | 'sourceImage'>): string {
  const lines = [input.prompt.trim()]
  const hint = STYLE_HINTS[input.style]
  if (input.sourceImage) {
    lines.push(hint ? `Restyle the attached photo as ${hint}.` : 'Base the image on the attached photo.')
  } else if (hint) {
    lines.push(`Style: ${hint}.`)
  }
  return lines.join('\n\n')
}

const imagesResponse = z.object({
  data: z.array(z.object({ b64_json: z.string().min(1) })),
})

const errorBody = z.object({
  error: z.object({
    message: z.string().nullish(),
    type: z.string().nullish(),
    code: z.string().nullish(),
  }),
})

type ProviderError = { message: string; code: string | null; type: string | null }

export function createOpenAiEngine(opts: OpenAiEngineOptions): ImageEngine {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '')
  // Resolved on each call, so a fetch replaced later (msw in tests) is used.
  const fetchImpl: typeof fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  // GPT image models always answer in base64 and refuse `response_format`; older and compatible models need it.
  const needsResponseFormat = !/^(gpt-image|chatgpt-image)/.test(opts.model)
  const redact = redactor(opts.apiKey)

  function requestFor(input: EngineInput, size: OpenAiSize): { url: string; init: () => RequestInit } {
    const prompt = providerPrompt(input)
    const headers = { Authorization: `Bearer ${opts.apiKey}`, Accept: 'application/json' }
    const source = input.sourceImage
    if (!source) {
      const body = JSON.stringify({
        model: opts.model,
        prompt,
        n: input.count,
        size,
        ...(needsResponseFormat ? { response_format: 'b64_json' } : {}),
      })
      return {
        url: `${baseUrl}/images/generations`,
        init: () => ({ method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body }),
      }
    }
    return {
      url: `${baseUrl}/images/edits`,
      // A fresh form per attempt: a body stream cannot be sent twice.
      init: () => {
        const form = new FormData()
        const extension = source.mimeType.split('/')[1] ?? 'webp'
        form.append('image', new Blob([new Uint8Array(source.bytes)], { type: source.mimeType }), `photo.${extension}`)
        form.append('prompt', prompt)
        form.append('model', opts.model)
        form.append('n', String(input.count))
        form.append('size', size)
        if (needsResponseFormat) form.append('response_format', 'b64_json')
        return { method: 'POST', headers, body: form }
      },
    }
  }

  async function call(url: string, init: () => RequestInit, signal: AbortSignal, stopped: () => EngineError | null) {
    const deadline = Date.now() + opts.timeoutMs
    const operation = url.slice(baseUrl.length + 1)
    for (let attempt = 0; ; attempt++) {
      let failure: EngineError
      let retryAfterMs: number | null = null
      try {
        const response = await fetchImpl(url, { ...init(), signal })
        if (response.ok) return await readJson(response)
        const detail = await readProviderError(response)
        failure = failureFor(response.status, detail)
        retryAfterMs = retryAfter(response.headers)
      } catch (error) {
        const stop = stopped()
        if (stop) throw stop
        if (error instanceof EngineError) throw error
        failure = new EngineError('unavailable', `${operation}: network error (${redact(describe(error))})`, true, {
          cause: error,
        })
      }

      if (!failure.retryable || attempt >= opts.retries) throw failure
      const waitMs = retryAfterMs ?? backoff(attempt)
      // Waiting past the deadline only turns this failure into a timeout.
      if (Date.now() + waitMs >= deadline) throw failure
      logger.warn(
        { engine: 'openai', operation, attempt: attempt + 1, waitMs, error: failure.message },
        'image provider failed; retrying',
      )
      try {
        await untilAborted(signal, sleep(waitMs))
      } catch (error) {
        throw stopped() ?? error
      }
    }

    function failureFor(status: number, detail: ProviderError): EngineError {
      const label = `${operation}: HTTP ${status}${detail.code ? ` (${detail.code})` : ''}`
      const text = detail.message ? `${label}: ${detail.message}` : label
      if (status === 401 || status === 403 || status === 404) {
        // Set-up problems (key, organisation, model or base URL): retrying will not help, an operator must act.
        logger.error({ engine: 'openai', operation, status, code: detail.code }, 'image provider refused the request')
        return new EngineError('unavailable', text, false)
      }
      if (status === 429 && (detail.code === 'insufficient_quota' || detail.type === 'insufficient_quota')) {
        logger.error({ engine: 'openai', operation, status, code: detail.code }, 'image provider quota exhausted')
        return new EngineError('unavailable', text, false)
      }
      if (status === 429) return new EngineError('rate-limited', text, true)
      if (RETRYABLE_STATUS.has(status) || status >= 500) return new EngineError('unavailable', text, true)
      if (detail.code && CONTENT_POLICY_CODES.has(detail.code)) {
        return new EngineError('rejected', `${label}: the provider refused the prompt or photo`, false)
      }
      if (status >= 400 && status < 500) return new EngineError('rejected', text, false)
      return new EngineError('bad-response', text, false)
    }

    async function readJson(response: Response): Promise<unknown> {
      const text = await response.text()
      try {
        return JSON.parse(text) as unknown
      } catch (error) {
        throw new EngineError('bad-response', `${operation}: the answer is not JSON`, false, { cause: error })
      }
    }

    async function readProviderError(response: Response): Promise<ProviderError> {
      const text = await response.text()
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return { message: redact(text).replace(/\s+/g, ' ').slice(0, 200), code: null, type: null }
      }
      const result = errorBody.safeParse(parsed)
      if (!result.success) return { message: '', code: null, type: null }
      const { message, code, type } = result.data.error
      return { message: redact(message ?? '').slice(0, 300), code: code ?? null, type: type ?? null }
    }
  }

  return {
    id: 'openai',
    kind: 'ai',
    async generate(input, { signal: callerSignal }) {
      if (callerSignal.aborted) throw abortedError(callerSignal)
      if (!Number.isInteger(input.count) || input.count < MIN_IMAGES || input.count > MAX_IMAGES) {
        throw new EngineError('rejected', `count must be ${MIN_IMAGES}–${MAX_IMAGES}`, false)
      }
      const timeout = AbortSignal.timeout(opts.timeoutMs)
      const signal = AbortSignal.any([callerSignal, timeout])
      const stopped = () => {
        if (callerSignal.aborted) return abortedError(callerSignal)
        if (timeout.aborted) return new EngineError('timeout', `no answer within ${opts.timeoutMs} ms`, true)
        return null
      }

      const size = openAiSize(input.aspectRatio)
      const { url, init } = requestFor(input, size)
      const body = await call(url, init, signal, stopped)
      const images = await decodeImages(body, input)
      const stop = stopped()
      if (stop) throw stop
      return images
    },
  }
}

async function decodeImages(body: unknown, input: EngineInput): Promise<EngineImage[]> {
  const parsed = imagesResponse.safeParse(body)
  if (!parsed.success) throw new EngineError('bad-response', 'the answer has no images (data[].b64_json)', false)
  if (parsed.data.data.length !== input.count) {
    throw new EngineError(
      'bad-response',
      `asked for ${input.count} images, the answer has ${parsed.data.data.length}`,
      false,
    )
  }
  const [rw, rh] = input.aspectRatio.split(':').map(Number) as [number, number]
  return Promise.all(
    parsed.data.data.map(async ({ b64_json }, index): Promise<EngineImage> => {
      const bytes = Buffer.from(b64_json, 'base64')
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
      // Cut the provider's nearest size (3:2, 2:3) to the exact ratio the person chose.
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

function abortedError(signal: AbortSignal): EngineError {
  return new EngineError('aborted', 'generation was cancelled', false, { cause: signal.reason })
}

/** Exponential backoff with jitter: 0.5–1× of 500 ms, 1 s, 2 s… capped at 8 s. */
function backoff(attempt: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
  return Math.round(ceiling * (0.5 + Math.random() * 0.5))
}

/** `retry-after-ms` (OpenAI) or `Retry-After` in seconds or as an HTTP date. */
function retryAfter(headers: Headers): number | null {
  const ms = Number(headers.get('retry-after-ms'))
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms
  const value = headers.get('retry-after')
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now())
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    return `${error.message}${cause}`
  }
  return String(error)
}

/** Providers echo a masked key in 401 messages; keep every trace of it out of errors and logs. */
function redactor(apiKey: string): (text: string) => string {
  return (text) => {
    let out = text
    if (apiKey.length >= 4) out = out.split(apiKey).join('[redacted]')
    return out.replace(/\bsk-[\w*.-]{3,}/g, 'sk-[redacted]').replace(/Bearer\s+\S+/gi, 'Bearer [redacted]')
  }
}
