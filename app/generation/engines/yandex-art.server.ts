import { z } from 'zod'
import type { AspectRatio } from '../options'
import {
  generateOneByOne,
  pollUntilDone,
  redactor,
  requestJson,
  type PollingProviderOptions,
  type ProviderFailure,
  type ProviderSession,
} from './provider-http.server'
import { providerPrompt } from './provider-prompt.server'
import { EngineError, type ImageEngine } from './types'

/**
 * YandexART in Yandex Cloud Foundation Models (docs/architecture.md,
 * "Engines"). Generation is asynchronous: `imageGenerationAsync` answers
 * with an operation, which is read until it is `done`; the image comes
 * base64-encoded in `response.image`, a failure in `error`. One operation
 * makes one image, so a job of N images starts N operations (seeds seed,
 * seed+1, …) and waits for all of them.
 *
 * Only the prompt and technical parameters are sent: no account data. The
 * API takes no source image, so a job with the person's photo is refused
 * before anything is sent.
 */

export type YandexArtEngineOptions = PollingProviderOptions & {
  apiKey: string
  folderId: string
  /** The Foundation Models endpoint, without a path. */
  apiUrl: string
}

export const YANDEX_ART_POLL_INTERVAL_MS = 2000

// Yandex Cloud's text for a prompt its safety rules refuse.
const REFUSAL = /violate the terms of use|нарушать условия использования/i

const operationSchema = z.object({
  id: z.string().min(1),
  done: z.boolean().optional(),
  error: z.object({ code: z.union([z.number(), z.string()]).nullish(), message: z.string().nullish() }).nullish(),
  response: z.object({ image: z.string().nullish() }).nullish(),
})

/** The aspect ratio as the API's whole-number weights. */
export function yandexAspectRatio(ratio: AspectRatio): { widthRatio: string; heightRatio: string } {
  const [width, height] = ratio.split(':')
  return { widthRatio: width!, heightRatio: height! }
}

/** Error bodies come as `{ error: { message, grpcCode } }`, `{ error: "…", code, message }` or `{ message, code }`. */
function readFailure(_status: number, body: unknown): ProviderFailure {
  if (!body || typeof body !== 'object') return { message: '', code: null }
  const record = body as Record<string, unknown>
  const nested = record.error
  if (nested && typeof nested === 'object') {
    const inner = nested as Record<string, unknown>
    return {
      message: typeof inner.message === 'string' ? inner.message : '',
      code: inner.grpcCode != null ? String(inner.grpcCode) : inner.code != null ? String(inner.code) : null,
    }
  }
  const message = typeof record.message === 'string' ? record.message : typeof nested === 'string' ? nested : ''
  return { message, code: record.code != null ? String(record.code) : null }
}

export function createYandexArtEngine(opts: YandexArtEngineOptions): ImageEngine {
  const apiUrl = opts.apiUrl.replace(/\/+$/, '')
  const pollIntervalMs = opts.pollIntervalMs ?? YANDEX_ART_POLL_INTERVAL_MS
  const redact = redactor([opts.apiKey])
  const headers = {
    Authorization: `Api-Key ${opts.apiKey}`,
    'x-folder-id': opts.folderId,
    Accept: 'application/json',
  }

  async function start(session: ProviderSession, text: string, seed: number, ratio: AspectRatio) {
    const body = JSON.stringify({
      modelUri: `art://${opts.folderId}/yandex-art/latest`,
      messages: [{ text, weight: '1' }],
      generationOptions: { seed: String(seed), aspectRatio: yandexAspectRatio(ratio) },
    })
    const answer = await requestJson(
      session,
      'imageGenerationAsync',
      `${apiUrl}/foundationModels/v1/imageGenerationAsync`,
      () => ({
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body,
      }),
    )
    const operation = operationSchema.safeParse(answer)
    if (!operation.success) {
      throw new EngineError('bad-response', 'imageGenerationAsync: the answer has no operation id', false)
    }
    return operation.data
  }

  async function finish(session: ProviderSession, first: z.infer<typeof operationSchema>): Promise<string> {
    let current = first
    return pollUntilDone(session, pollIntervalMs, async () => {
      if (!current.done) {
        const answer = await requestJson(
          session,
          'operations',
          `${apiUrl}/operations/${encodeURIComponent(first.id)}`,
          () => ({
            method: 'GET',
            headers,
          }),
        )
        const parsed = operationSchema.safeParse(answer)
        if (!parsed.success) throw new EngineError('bad-response', 'operations: the answer is not an operation', false)
        current = parsed.data
        if (!current.done) return null
      }
      if (current.error) throw operationFailure(current.error)
      const image = current.response?.image
      if (!image) throw new EngineError('bad-response', 'operations: a finished operation has no image', false)
      return image
    })
  }

  function operationFailure(error: { code?: number | string | null; message?: string | null }): EngineError {
    const message = redact(error.message ?? '').slice(0, 300)
    const code = error.code == null ? null : String(error.code)
    const label = `operation failed${code ? ` (code ${code})` : ''}`
    if (REFUSAL.test(message)) return new EngineError('rejected', `${label}: the provider refused the prompt`, false)
    // gRPC codes: 3 invalid argument (our request), 7/16 permissions (set-up); the rest (8 quota, 13 internal, 14 unavailable…) may pass.
    if (code === '3') return new EngineError('rejected', `${label}: ${message}`, false)
    if (code === '7' || code === '16') return new EngineError('unavailable', `${label}: ${message}`, false)
    return new EngineError('unavailable', `${label}: ${message}`, true)
  }

  return {
    id: 'yandex-art',
    kind: 'ai',
    takesPhoto: false,
    generate(input, { signal }) {
      return generateOneByOne(
        {
          engine: 'yandex-art',
          name: 'YandexART',
          options: opts,
          redact,
          readFailure,
          isRefusal: (failure) => REFUSAL.test(failure.message),
          start: (session, index) => start(session, providerPrompt(input), input.seed + index, input.aspectRatio),
          finish,
        },
        input,
        signal,
      )
    },
  }
}
