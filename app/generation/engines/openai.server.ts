import { z } from 'zod'
import { MAX_IMAGES, MIN_IMAGES, type AspectRatio } from '../options'
import {
  abortedError,
  imagesFromBase64,
  openSession,
  realClock,
  redactor,
  requestJson,
  type ProviderFailure,
} from './provider-http.server'
import { providerPrompt } from './provider-prompt.server'
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

const QUOTA = 'insufficient_quota'
const CONTENT_POLICY_CODES = new Set(['moderation_blocked', 'content_policy_violation', 'image_generation_user_error'])

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

function readFailure(_status: number, body: unknown): ProviderFailure {
  const result = errorBody.safeParse(body)
  if (!result.success) return { message: '', code: null, type: null }
  const { message, code, type } = result.data.error
  return { message: message ?? '', code: code ?? null, type: type ?? null }
}

export function createOpenAiEngine(opts: OpenAiEngineOptions): ImageEngine {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '')
  // Resolved on each call, so a fetch replaced later (msw in tests) is used.
  const fetchImpl: typeof fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const clock = { now: realClock.now, sleep: opts.sleep ?? realClock.sleep }
  // GPT image models always answer in base64 and refuse `response_format`; older and compatible models need it.
  const needsResponseFormat = !/^(gpt-image|chatgpt-image)/.test(opts.model)
  // Providers echo a masked key in 401 messages; keep every trace of it out of errors and logs.
  const redact = redactor([opts.apiKey])

  function requestFor(input: EngineInput, size: OpenAiSize): { operation: string; init: () => RequestInit } {
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
        operation: 'generations',
        init: () => ({ method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body }),
      }
    }
    return {
      operation: 'edits',
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

  return {
    id: 'openai',
    kind: 'ai',
    async generate(input, { signal }) {
      if (signal.aborted) throw abortedError(signal)
      if (!Number.isInteger(input.count) || input.count < MIN_IMAGES || input.count > MAX_IMAGES) {
        throw new EngineError('rejected', `count must be ${MIN_IMAGES}–${MAX_IMAGES}`, false)
      }
      const session = openSession(
        {
          engine: 'openai',
          retries: opts.retries,
          timeoutMs: opts.timeoutMs,
          clock,
          fetch: fetchImpl,
          redact,
          readFailure,
          isRefusal: (failure) => failure.code !== null && CONTENT_POLICY_CODES.has(failure.code),
          isQuotaExhausted: (failure) => failure.code === QUOTA || failure.type === QUOTA,
        },
        signal,
      )
      const { operation, init } = requestFor(input, openAiSize(input.aspectRatio))
      const body = await requestJson(session, operation, `${baseUrl}/images/${operation}`, init)
      const images = await decodeImages(body, input)
      const stop = session.stopped()
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
  // Cut the provider's nearest size (3:2, 2:3) to the exact ratio the person chose.
  return imagesFromBase64(
    parsed.data.data.map((image) => image.b64_json),
    input.aspectRatio,
  )
}
