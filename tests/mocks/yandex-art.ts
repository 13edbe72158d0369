import { http, HttpResponse } from 'msw'
import { gatewayPage, requestLog, sampleJpegBase64, type ResolverInfo } from '../support/vendor-mock'

/**
 * YandexART in Yandex Cloud Foundation Models: `POST
 * /foundationModels/v1/imageGenerationAsync` starts an operation, `GET
 * /operations/:id` reads it until `done`, with the picture base64-encoded in
 * `response.image` (a JPEG whose sides follow the requested aspect ratio) or
 * a failure in `error`. Requests are checked as the service checks them (the
 * `Api-Key` header, a model URI naming the folder, messages with text) and
 * recorded in `yandexArtMock.requests`. An operation is done after
 * `yandexArtMock.pollsUntilDone` reads (1 by default); `yandexArtScenarios`
 * puts failures, refusals, slow operations and malformed answers in front
 * with `server.use(...)`.
 */

export const YANDEX_ART_API_URL = 'https://llm.api.cloud.yandex.net'
const START_URL = `${YANDEX_ART_API_URL}/foundationModels/v1/imageGenerationAsync`
const OPERATION_URL = `${YANDEX_ART_API_URL}/operations/:id`

/** The service's text for a prompt its safety rules refuse. */
export const YANDEX_ART_REFUSAL =
  'it is not possible to generate an image from this request because it may violate the terms of use'

export type RecordedYandexArtRequest = {
  kind: 'start' | 'operation'
  authorization: string | null
  folderId: string | null
  /** The JSON body of a start; empty for an operation read. */
  body: Record<string, unknown>
  operationId: string | null
}

type Operation = { id: string; reads: number; readsUntilDone: number; image: Promise<string> | null; error: unknown }

const log = requestLog<RecordedYandexArtRequest>()
const operations = new Map<string, Operation>()
let counter = 0

export const yandexArtMock = {
  apiKey: 'AQVN-test-palitra-yandex-art-0000000000',
  folderId: 'b1gtestpalitrafolder',
  requests: log.entries,
  /** Reads of an operation before it is done. */
  pollsUntilDone: 1,
  reset() {
    log.clear()
    operations.clear()
    this.pollsUntilDone = 1
  },
}

function record(kind: RecordedYandexArtRequest['kind'], info: ResolverInfo) {
  return log.record(
    info,
    () => ({
      kind,
      authorization: info.request.headers.get('authorization'),
      folderId: info.request.headers.get('x-folder-id'),
      body: {},
      operationId: kind === 'operation' ? String(info.params.id) : null,
    }),
    async (entry) => {
      if (kind !== 'start') return
      try {
        const body: unknown = JSON.parse(await info.request.clone().text())
        if (body && typeof body === 'object' && !Array.isArray(body)) entry.body = body as Record<string, unknown>
      } catch {
        // An unreadable body stays empty; the handler answers it with a 400.
      }
    },
  )
}

/** The gateway's error shape: `{ error: { grpcCode, httpCode, message, httpStatus, details } }`. */
export function yandexArtError(status: number, grpcCode: number, message: string, headers?: Record<string, string>) {
  const httpStatus: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  }
  return HttpResponse.json(
    { error: { grpcCode, httpCode: status, message, httpStatus: httpStatus[status] ?? 'Error', details: [] } },
    { status, headers },
  )
}

function checkAuth(entry: RecordedYandexArtRequest) {
  const key = /^Api-Key (.+)$/.exec(entry.authorization ?? '')?.[1]
  if (!key || key !== yandexArtMock.apiKey) return yandexArtError(401, 16, 'Unknown api key')
  return null
}

/** A real JPEG with the ratio's sides (long side 1024), base64-encoded, its colour following the seed. */
function sampleJpeg(widthRatio: number, heightRatio: number, seed: number): Promise<string> {
  const scale = 1024 / Math.max(widthRatio, heightRatio)
  const hue = (seed % 7) * 37
  return sampleJpegBase64(Math.round(widthRatio * scale), Math.round(heightRatio * scale), {
    r: 40 + hue,
    g: 120,
    b: 200 - hue,
  })
}

function operationJson(operation: Operation, done: boolean, image?: string) {
  const now = new Date().toISOString()
  return {
    id: operation.id,
    description: 'Async Image Generation',
    createdAt: now,
    createdBy: 'ajetestpalitra',
    modifiedAt: now,
    done,
    metadata: null,
    ...(done && operation.error ? { error: operation.error } : {}),
    ...(done && image
      ? {
          response: {
            '@type':
              'type.googleapis.com/yandex.cloud.ai.foundation_models.v1.image_generation.ImageGenerationResponse',
            image,
            modelVersion: '',
          },
        }
      : {}),
  }
}

async function startOperation(entry: RecordedYandexArtRequest, override?: { error?: unknown }) {
  const denied = checkAuth(entry)
  if (denied) return denied
  const { modelUri, messages, generationOptions } = entry.body as {
    modelUri?: unknown
    messages?: unknown
    generationOptions?: { seed?: unknown; aspectRatio?: { widthRatio?: unknown; heightRatio?: unknown } }
  }
  const folder = typeof modelUri === 'string' ? /^art:\/\/([^/]+)\/yandex-art\/latest$/.exec(modelUri)?.[1] : null
  if (!folder) return yandexArtError(400, 3, 'Invalid model uri')
  if (folder !== yandexArtMock.folderId)
    return yandexArtError(403, 7, `Permission to [resource-manager.folder ${folder}] denied`)
  const texts = Array.isArray(messages)
    ? messages.filter((m): m is { text: string } => typeof (m as { text?: unknown })?.text === 'string')
    : []
  if (texts.length === 0 || texts.some((m) => m.text.trim() === '')) {
    return yandexArtError(400, 3, 'Request must contain at least one non-empty message')
  }
  const widthRatio = Number(generationOptions?.aspectRatio?.widthRatio ?? 1)
  const heightRatio = Number(generationOptions?.aspectRatio?.heightRatio ?? 1)
  if (!Number.isInteger(widthRatio) || !Number.isInteger(heightRatio) || widthRatio < 1 || heightRatio < 1) {
    return yandexArtError(400, 3, 'Invalid aspect ratio')
  }
  const seed = Number(generationOptions?.seed ?? 0)
  const id = `fbv${(++counter).toString(36).padStart(17, '0')}`
  const operation: Operation = {
    id,
    reads: 0,
    readsUntilDone: yandexArtMock.pollsUntilDone,
    image: override?.error ? null : sampleJpeg(widthRatio, heightRatio, seed),
    error: override?.error ?? null,
  }
  operations.set(id, operation)
  return HttpResponse.json(operationJson(operation, false))
}

async function readOperation(entry: RecordedYandexArtRequest) {
  const denied = checkAuth(entry)
  if (denied) return denied
  const operation = operations.get(entry.operationId ?? '')
  if (!operation) return yandexArtError(404, 5, `Operation ${entry.operationId} not found`)
  operation.reads++
  if (operation.reads < operation.readsUntilDone) return HttpResponse.json(operationJson(operation, false))
  return HttpResponse.json(operationJson(operation, true, operation.image ? await operation.image : undefined))
}

export const yandexArtHandlers = [
  http.post(START_URL, async (info) => startOperation(await record('start', info))),
  http.get(OPERATION_URL, async (info) => readOperation(await record('operation', info))),
]

/** Answers the first `times` requests of a kind with `respond`, then passes them on to the normal handlers. */
function forCalls(kind: 'start' | 'operation' | 'any', times: number, respond: () => Response | Promise<Response>) {
  let calls = 0
  const handle = (which: 'start' | 'operation') => async (info: ResolverInfo) => {
    await record(which, info)
    if (calls >= times) return undefined
    calls++
    return respond()
  }
  return [
    ...(kind === 'operation' ? [] : [http.post(START_URL, handle('start'))]),
    ...(kind === 'start' ? [] : [http.get(OPERATION_URL, handle('operation'))]),
  ]
}

export const yandexArtScenarios = {
  /** `times` server errors (500 by default) on any request, then normal answers. */
  serverErrors(times: number, status = 500, on: 'start' | 'operation' | 'any' = 'any') {
    return forCalls(on, times, () => yandexArtError(status, status === 503 ? 14 : 13, 'Internal error'))
  },
  /** `times` connection failures, then normal answers. */
  networkErrors(times: number) {
    return forCalls('any', times, () => HttpResponse.error())
  },
  /** `times` 429 answers with `Retry-After`, then normal answers. */
  rateLimited(retryAfterSeconds: number, times = 1) {
    return forCalls('start', times, () =>
      yandexArtError(429, 8, 'ai.imageGenerationAsyncRequestsPerSecond.rate exceeded', {
        'Retry-After': String(retryAfterSeconds),
      }),
    )
  },
  /** The safety rules refuse the prompt when the operation is started (as the service does). */
  refusal() {
    return forCalls('start', Infinity, () => yandexArtError(400, 3, YANDEX_ART_REFUSAL))
  },
  /** The operation is accepted and then finishes with the refusal in `error`. */
  refusalInOperation() {
    return [
      http.post(START_URL, async (info) =>
        startOperation(await record('start', info), { error: { code: 3, message: YANDEX_ART_REFUSAL, details: [] } }),
      ),
    ]
  },
  /** The operation finishes with an internal error. */
  failedOperation() {
    return [
      http.post(START_URL, async (info) =>
        startOperation(await record('start', info), { error: { code: 13, message: 'Internal error', details: [] } }),
      ),
    ]
  },
  /** Operations started from now on need `reads` reads before they are done. */
  slow(reads: number) {
    yandexArtMock.pollsUntilDone = reads
    return []
  },
  /** A 200 answer the client cannot use. */
  malformed(kind: 'not-json' | 'no-id' | 'no-image' | 'not-an-image') {
    const done = (response: Record<string, unknown>) => HttpResponse.json({ id: 'fbvmalformed', done: true, response })
    switch (kind) {
      case 'not-json':
        return forCalls('start', Infinity, gatewayPage)
      case 'no-id':
        return forCalls('start', Infinity, () => HttpResponse.json({ done: false, result: 'ok' }))
      case 'no-image':
        return forCalls('operation', Infinity, () => done({ modelVersion: '' }))
      case 'not-an-image':
        return forCalls('operation', Infinity, () => done({ image: Buffer.from('not an image').toString('base64') }))
    }
  },
  /** Every request answered with this status and body. */
  always(status: number, body: Record<string, unknown>) {
    return forCalls('any', Infinity, () => HttpResponse.json(body, { status }))
  },
}
