import { http, HttpResponse } from 'msw'
import { gatewayPage, requestLog, sampleJpegBase64, type ResolverInfo } from '../support/vendor-mock'

/**
 * Kandinsky through the FusionBrain key API: `GET /key/api/v1/pipelines`
 * lists the pipelines, `POST /key/api/v1/pipeline/run` (multipart:
 * `pipeline_id`, and `params` as a JSON part) starts a generation and
 * answers with its uuid, and `GET /key/api/v1/pipeline/status/:uuid` reads
 * it (INITIAL, PROCESSING, then DONE with base64 JPEGs in `result.files` and
 * `result.censored`, or FAIL with `errorDescription`). Requests are checked
 * as the service checks them (`X-Key: Key …`, `X-Secret: Secret …`, the
 * parameters) and recorded in `kandinskyMock.requests`. A generation is done
 * after `kandinskyMock.pollsUntilDone` reads (1 by default);
 * `kandinskyScenarios` puts failures, refusals, an unavailable pipeline,
 * slow generations and malformed answers in front with `server.use(...)`.
 */

export const KANDINSKY_API_URL = 'https://api-key.fusionbrain.ai'
const API = `${KANDINSKY_API_URL}/key/api/v1`
const PIPELINES_URL = `${API}/pipelines`
const RUN_URL = `${API}/pipeline/run`
const STATUS_URL = `${API}/pipeline/status/:uuid`

export const KANDINSKY_PIPELINE_ID = '8f9a2c1e-5b7d-4e3f-9a6b-0c1d2e3f4a5b'

export type RecordedKandinskyRequest = {
  kind: 'pipelines' | 'run' | 'status'
  key: string | null
  secret: string | null
  contentType: string | null
  /** The text fields of a run (params as parsed JSON). */
  pipelineId: string | null
  params: Record<string, unknown> | null
  /** The Content-Type the `params` part was sent with. */
  paramsType: string | null
  uuid: string | null
}

type Generation = { uuid: string; reads: number; readsUntilDone: number; width: number; height: number }

const log = requestLog<RecordedKandinskyRequest>()
const generations = new Map<string, Generation>()
let counter = 0

export const kandinskyMock = {
  apiKey: 'TESTPALITRAKANDINSKYKEY000000000',
  secretKey: 'TESTPALITRAKANDINSKYSECRET000000',
  requests: log.entries,
  /** Status reads before a generation is done. */
  pollsUntilDone: 1,
  reset() {
    log.clear()
    generations.clear()
    this.pollsUntilDone = 1
  },
}

function record(kind: RecordedKandinskyRequest['kind'], info: ResolverInfo) {
  const { request } = info
  return log.record(
    info,
    () => ({
      kind,
      key: request.headers.get('x-key'),
      secret: request.headers.get('x-secret'),
      contentType: request.headers.get('content-type'),
      pipelineId: null,
      params: null,
      paramsType: null,
      uuid: kind === 'status' ? String(info.params.uuid) : null,
    }),
    async (entry) => {
      if (kind !== 'run' || !entry.contentType?.startsWith('multipart/form-data')) return
      try {
        const form = await request.clone().formData()
        const pipelineId = form.get('pipeline_id')
        entry.pipelineId = typeof pipelineId === 'string' ? pipelineId : null
        const params = form.get('params')
        if (params !== null) {
          const text = typeof params === 'string' ? params : await params.text()
          entry.paramsType = typeof params === 'string' ? null : params.type
          const parsed: unknown = JSON.parse(text)
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            entry.params = parsed as Record<string, unknown>
        }
      } catch {
        // An unreadable form stays empty; the handler answers it with a 400.
      }
    },
  )
}

/** The service's error shape (a Spring-style body). */
export function kandinskyError(status: number, message: string) {
  const error: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  }
  return HttpResponse.json(
    { timestamp: new Date().toISOString(), status, error: error[status] ?? 'Error', message, path: '/key/api/v1' },
    { status },
  )
}

function checkAuth(entry: RecordedKandinskyRequest) {
  const key = /^Key (.+)$/.exec(entry.key ?? '')?.[1]
  const secret = /^Secret (.+)$/.exec(entry.secret ?? '')?.[1]
  if (key !== kandinskyMock.apiKey || secret !== kandinskyMock.secretKey) {
    return kandinskyError(401, 'Unauthorized')
  }
  return null
}

function sampleJpeg(width: number, height: number): Promise<string> {
  return sampleJpegBase64(width, height, { r: 200, g: 90, b: 60 })
}

function listPipelines(entry: RecordedKandinskyRequest) {
  const denied = checkAuth(entry)
  if (denied) return denied
  const now = new Date().toISOString()
  return HttpResponse.json([
    {
      id: KANDINSKY_PIPELINE_ID,
      name: 'Kandinsky',
      nameEn: 'Kandinsky',
      description: '',
      descriptionEn: '',
      tags: [],
      version: 3.1,
      status: 'ACTIVE',
      type: 'TEXT2IMAGE',
      createdDate: now,
      lastModified: now,
    },
  ])
}

function startRun(entry: RecordedKandinskyRequest) {
  const denied = checkAuth(entry)
  if (denied) return denied
  if (!entry.contentType?.startsWith('multipart/form-data')) return kandinskyError(415, 'Content type not supported')
  if (entry.pipelineId !== KANDINSKY_PIPELINE_ID) return kandinskyError(404, 'Pipeline not found')
  if (entry.paramsType !== 'application/json') return kandinskyError(415, "Content type '' not supported")
  const params = entry.params as {
    type?: unknown
    numImages?: unknown
    width?: unknown
    height?: unknown
    generateParams?: { query?: unknown }
  } | null
  if (!params || params.type !== 'GENERATE') return kandinskyError(400, 'type must be GENERATE')
  if (params.numImages !== undefined && params.numImages !== 1) return kandinskyError(400, 'numImages must be 1')
  const width = Number(params.width ?? 1024)
  const height = Number(params.height ?? 1024)
  if (![width, height].every((side) => Number.isInteger(side) && side >= 64 && side <= 1024)) {
    return kandinskyError(400, 'width and height must be at most 1024')
  }
  const query = params.generateParams?.query
  if (typeof query !== 'string' || query.trim() === '') return kandinskyError(400, 'query must not be empty')
  if (query.length > 1000) return kandinskyError(400, 'query is longer than 1000 characters')
  const uuid = `c0ffee00-0000-4000-8000-${(++counter).toString(16).padStart(12, '0')}`
  generations.set(uuid, { uuid, reads: 0, readsUntilDone: kandinskyMock.pollsUntilDone, width, height })
  return HttpResponse.json({ uuid, status: 'INITIAL', status_time: 0 }, { status: 201 })
}

async function readStatus(entry: RecordedKandinskyRequest, outcome?: { censored?: boolean; fail?: string }) {
  const denied = checkAuth(entry)
  if (denied) return denied
  const generation = generations.get(entry.uuid ?? '')
  if (!generation) return kandinskyError(404, 'Request not found')
  generation.reads++
  if (generation.reads < generation.readsUntilDone) {
    return HttpResponse.json({
      uuid: generation.uuid,
      status: generation.reads === 1 ? 'INITIAL' : 'PROCESSING',
      errorDescription: null,
      result: null,
    })
  }
  if (outcome?.fail) {
    return HttpResponse.json({ uuid: generation.uuid, status: 'FAIL', errorDescription: outcome.fail, result: null })
  }
  const censored = outcome?.censored ?? false
  return HttpResponse.json({
    uuid: generation.uuid,
    status: 'DONE',
    errorDescription: null,
    result: { files: censored ? [] : [await sampleJpeg(generation.width, generation.height)], censored },
    generationTime: 12,
  })
}

export const kandinskyHandlers = [
  http.get(PIPELINES_URL, async (info) => listPipelines(await record('pipelines', info))),
  http.post(RUN_URL, async (info) => startRun(await record('run', info))),
  http.get(STATUS_URL, async (info) => readStatus(await record('status', info))),
]

type Kind = RecordedKandinskyRequest['kind']

/** Answers the first `times` requests of the given kinds with `respond`, then passes them on. */
function forCalls(kinds: Kind[], times: number, respond: () => Response | Promise<Response>) {
  let calls = 0
  const handle = (kind: Kind) => async (info: ResolverInfo) => {
    await record(kind, info)
    if (calls >= times) return undefined
    calls++
    return respond()
  }
  return [
    ...(kinds.includes('pipelines') ? [http.get(PIPELINES_URL, handle('pipelines'))] : []),
    ...(kinds.includes('run') ? [http.post(RUN_URL, handle('run'))] : []),
    ...(kinds.includes('status') ? [http.get(STATUS_URL, handle('status'))] : []),
  ]
}

const ALL: Kind[] = ['pipelines', 'run', 'status']

export const kandinskyScenarios = {
  /** `times` server errors (500 by default), then normal answers. */
  serverErrors(times: number, status = 500, on: Kind[] = ALL) {
    return forCalls(on, times, () => kandinskyError(status, 'Internal server error'))
  },
  /** `times` connection failures, then normal answers. */
  networkErrors(times: number) {
    return forCalls(ALL, times, () => HttpResponse.error())
  },
  /** `times` 429 answers with `Retry-After`, then normal answers. */
  rateLimited(retryAfterSeconds: number, times = 1) {
    return forCalls(['run'], times, () =>
      HttpResponse.json(
        { status: 429, error: 'Too Many Requests', message: 'Too many requests' },
        { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
      ),
    )
  },
  /** The content filter refuses: DONE with `censored: true` and no files. */
  censored() {
    return [http.get(STATUS_URL, async (info) => readStatus(await record('status', info), { censored: true }))]
  },
  /** The generation fails (status FAIL). */
  failed(description = 'Internal error') {
    return [http.get(STATUS_URL, async (info) => readStatus(await record('status', info), { fail: description }))]
  },
  /** The pipeline takes no new work: `run` answers with the pipeline's status instead of a uuid. */
  unavailable(status = 'DISABLED_BY_QUEUE') {
    return forCalls(['run'], Infinity, () => HttpResponse.json({ pipeline_status: status }))
  },
  /** Generations started from now on need `reads` status reads before they are done. */
  slow(reads: number) {
    kandinskyMock.pollsUntilDone = reads
    return []
  },
  /** A 200 answer the client cannot use. */
  malformed(kind: 'not-json' | 'no-uuid' | 'no-files' | 'not-an-image' | 'no-pipelines') {
    const done = (result: Record<string, unknown>) =>
      HttpResponse.json({ uuid: 'malformed', status: 'DONE', errorDescription: null, result })
    switch (kind) {
      case 'not-json':
        return forCalls(['run'], Infinity, gatewayPage)
      case 'no-uuid':
        return forCalls(['run'], Infinity, () => HttpResponse.json({ status: 'INITIAL' }))
      case 'no-files':
        return forCalls(['status'], Infinity, () => done({ files: [], censored: false }))
      case 'not-an-image':
        return forCalls(['status'], Infinity, () =>
          done({ files: [Buffer.from('not an image').toString('base64')], censored: false }),
        )
      case 'no-pipelines':
        return forCalls(['pipelines'], Infinity, () => HttpResponse.json([]))
    }
  },
  /** Every request answered with this status and body. */
  always(status: number, body: Record<string, unknown>) {
    return forCalls(ALL, Infinity, () => HttpResponse.json(body, { status }))
  },
}
