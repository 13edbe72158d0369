import { delay, http, HttpResponse } from 'msw'
import sharp from 'sharp'

/**
 * The OpenAI Images API: `POST /v1/images/generations` (JSON) and
 * `POST /v1/images/edits` (multipart), checked the way the API checks them
 * (bearer key, prompt, n, size, the image file) and answered with real PNGs
 * of the requested size in `data[].b64_json`. Every request is recorded once
 * in `openaiMock.requests`. `openaiScenarios` builds handlers to put in
 * front with `server.use(...)`: failures, rate limits, refusals, slow and
 * malformed answers; the ones limited to a number of calls pass the later
 * calls on to the normal handlers.
 */

export const OPENAI_API_URL = 'https://api.openai.com/v1'
const OPERATION_URL = `${OPENAI_API_URL}/images/:operation`

export type OpenAiOperation = 'generations' | 'edits'

export type RecordedOpenAiRequest = {
  operation: string
  authorization: string | null
  contentType: string | null
  /** The JSON body, or the text fields of the multipart form. */
  fields: Record<string, unknown>
  /** The uploaded file(s) of an edit. */
  images: { field: string; name: string; type: string; bytes: Buffer }[]
}

const GPT_IMAGE_SIZES = ['1024x1024', '1536x1024', '1024x1536', 'auto']
const KNOWN_FIELDS = new Set([
  'model',
  'prompt',
  'n',
  'size',
  'quality',
  'background',
  'moderation',
  'output_format',
  'output_compression',
  'response_format',
  'user',
  'style',
  'input_fidelity',
  'partial_images',
  'stream',
])
const IMAGE_TYPES = new Set(['image/png', 'image/webp', 'image/jpeg'])

const requests: RecordedOpenAiRequest[] = []
const byRequestId = new Map<string, RecordedOpenAiRequest>()

export const openaiMock = {
  apiKey: 'sk-test-palitra-0000000000000000',
  requests: requests as readonly RecordedOpenAiRequest[],
  reset() {
    requests.length = 0
    byRequestId.clear()
  },
}

type ResolverInfo = {
  request: Request
  requestId: string
  params: Record<string, string | readonly string[] | undefined>
}

async function record({ request, requestId, params }: ResolverInfo): Promise<RecordedOpenAiRequest> {
  const seen = byRequestId.get(requestId)
  if (seen) return seen
  const contentType = request.headers.get('content-type')
  const entry: RecordedOpenAiRequest = {
    operation: String(params.operation),
    authorization: request.headers.get('authorization'),
    contentType,
    fields: {},
    images: [],
  }
  byRequestId.set(requestId, entry)
  requests.push(entry)
  const copy = request.clone()
  try {
    if (contentType?.startsWith('multipart/form-data')) {
      for (const [field, value] of await copy.formData()) {
        if (typeof value === 'string') entry.fields[field] = value
        else
          entry.images.push({
            field,
            name: value.name,
            type: value.type,
            bytes: Buffer.from(await value.arrayBuffer()),
          })
      }
    } else {
      const body: unknown = JSON.parse(await copy.text())
      if (body && typeof body === 'object' && !Array.isArray(body)) entry.fields = body as Record<string, unknown>
    }
  } catch {
    // An unreadable body stays empty; the handler answers it with a 400.
  }
  return entry
}

const apiError = (
  status: number,
  message: string,
  extra: { type?: string; param?: string | null; code?: string | null } = {},
  headers?: Record<string, string>,
) =>
  HttpResponse.json(
    {
      error: {
        message,
        type: extra.type ?? 'invalid_request_error',
        param: extra.param ?? null,
        code: extra.code ?? null,
      },
    },
    { status, headers },
  )

/** The API's masked echo of a wrong key, e.g. `sk-tes*****0000`. */
const maskKey = (key: string) => `${key.slice(0, 6)}${'*'.repeat(Math.max(0, key.length - 10))}${key.slice(-4)}`

const pngCache = new Map<string, Promise<Buffer>>()

/** A real PNG of the given size, a different colour for each image of an answer. */
function samplePng(width: number, height: number, index: number): Promise<Buffer> {
  const key = `${width}x${height}:${index}`
  let png = pngCache.get(key)
  if (!png) {
    const hue = (index * 83) % 360
    const background = { r: 90 + (hue % 120), g: 60 + ((hue * 3) % 150), b: 120 + ((hue * 7) % 120) }
    png = sharp({ create: { width, height, channels: 3, background } })
      .png({ compressionLevel: 9 })
      .toBuffer()
    pngCache.set(key, png)
  }
  return png
}

function checkAuthorization(entry: RecordedOpenAiRequest) {
  const token = /^Bearer (.+)$/.exec(entry.authorization ?? '')?.[1]
  if (!token) {
    return apiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    )
  }
  if (token !== openaiMock.apiKey) {
    return apiError(
      401,
      `Incorrect API key provided: ${maskKey(token)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      { code: 'invalid_api_key' },
    )
  }
  return null
}

function checkFields(entry: RecordedOpenAiRequest) {
  const { fields } = entry
  for (const name of Object.keys(fields)) {
    if (!KNOWN_FIELDS.has(name)) {
      return apiError(400, `Unknown parameter: '${name}'.`, { param: name, code: 'unknown_parameter' })
    }
  }
  const model = typeof fields.model === 'string' ? fields.model : 'dall-e-2'
  const gptImage = /^(gpt-image|chatgpt-image)/.test(model)
  if (typeof fields.prompt !== 'string' || fields.prompt.trim() === '') {
    return apiError(400, "Missing required parameter: 'prompt'.", {
      param: 'prompt',
      code: 'missing_required_parameter',
    })
  }
  const n = fields.n === undefined ? 1 : Number(fields.n)
  if (!Number.isInteger(n) || n < 1 || n > 10) {
    return apiError(400, `Invalid 'n': expected an integer between 1 and 10, got ${String(fields.n)}.`, {
      param: 'n',
      code: 'invalid_value',
    })
  }
  const size = fields.size === undefined ? 'auto' : String(fields.size)
  if (gptImage && !GPT_IMAGE_SIZES.includes(size)) {
    return apiError(
      400,
      `Invalid value: '${size}'. Supported values are: ${GPT_IMAGE_SIZES.map((s) => `'${s}'`).join(', ')}.`,
      { param: 'size', code: 'invalid_value' },
    )
  }
  if (gptImage && fields.response_format !== undefined) {
    return apiError(400, "Unknown parameter: 'response_format'.", {
      param: 'response_format',
      code: 'unknown_parameter',
    })
  }
  if (entry.operation === 'edits') {
    const images = entry.images.filter((file) => file.field === 'image' || file.field === 'image[]')
    if (images.length === 0) {
      return apiError(400, "Missing required parameter: 'image'.", {
        param: 'image',
        code: 'missing_required_parameter',
      })
    }
    const wrong = images.find((file) => !IMAGE_TYPES.has(file.type))
    if (wrong) {
      return apiError(
        400,
        `Invalid file '${wrong.field}': unsupported mimetype ('${wrong.type}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`,
        { param: wrong.field, code: 'invalid_image_format' },
      )
    }
  }
  return { model, gptImage, n, size }
}

async function answer(entry: RecordedOpenAiRequest) {
  const denied = checkAuthorization(entry)
  if (denied) return denied
  if (entry.operation === 'generations' && !entry.contentType?.startsWith('application/json')) {
    return apiError(400, 'Invalid Content-Type header; expected application/json.')
  }
  if (entry.operation === 'edits' && !entry.contentType?.startsWith('multipart/form-data')) {
    return apiError(400, 'Invalid Content-Type header; expected multipart/form-data.')
  }
  const checked = checkFields(entry)
  if (checked instanceof Response) return checked

  const [width, height] = checked.size === 'auto' ? [1024, 1024] : checked.size.split('x').map(Number)
  const data = await Promise.all(
    Array.from({ length: checked.n }, async (_, index) => ({
      b64_json: (await samplePng(width!, height!, index)).toString('base64'),
    })),
  )
  const created = Math.floor(Date.now() / 1000)
  if (!checked.gptImage) return HttpResponse.json({ created, data })
  const promptTokens = Math.ceil(String(entry.fields.prompt).length / 4)
  const imageTokens = entry.images.length * 323
  return HttpResponse.json({
    created,
    background: 'opaque',
    data,
    output_format: 'png',
    quality: 'medium',
    size: checked.size === 'auto' ? '1024x1024' : checked.size,
    usage: {
      input_tokens: promptTokens + imageTokens,
      input_tokens_details: { image_tokens: imageTokens, text_tokens: promptTokens },
      output_tokens: checked.n * 1056,
      total_tokens: promptTokens + imageTokens + checked.n * 1056,
    },
  })
}

export const openaiHandlers = [http.post(OPERATION_URL, async (info) => answer(await record(info)))]

/** Answers the first `times` calls with `respond`, then passes calls on to the next handler. */
function forCalls(times: number, respond: () => Response | Promise<Response>) {
  let calls = 0
  return http.post(OPERATION_URL, async (info) => {
    await record(info)
    if (calls >= times) return undefined
    calls++
    return respond()
  })
}

export const openaiScenarios = {
  /** `times` server errors (500 by default), then normal answers. */
  serverErrors(times: number, status = 500) {
    return forCalls(times, () =>
      apiError(status, 'The server had an error while processing your request. Sorry about that!', {
        type: 'server_error',
      }),
    )
  },
  /** `times` connection failures (fetch rejects), then normal answers. */
  networkErrors(times: number) {
    return forCalls(times, () => HttpResponse.error())
  },
  /** `times` 429 answers with `Retry-After: retryAfterSeconds`, then normal answers. */
  rateLimited(retryAfterSeconds: number, times = 1) {
    return forCalls(times, () =>
      apiError(
        429,
        'Rate limit reached for gpt-image-1 on images per minute. Please try again later.',
        { type: 'requests', code: 'rate_limit_exceeded' },
        { 'Retry-After': String(retryAfterSeconds) },
      ),
    )
  },
  /** The safety system refuses the prompt (gpt-image-1's `moderation_blocked`). */
  contentPolicy(code: 'moderation_blocked' | 'content_policy_violation' = 'moderation_blocked') {
    return forCalls(Infinity, () =>
      apiError(
        400,
        'Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID.',
        { type: code === 'moderation_blocked' ? 'image_generation_user_error' : 'invalid_request_error', code },
      ),
    )
  },
  /** Waits `ms` before the normal answer. */
  slow(ms: number) {
    return http.post(OPERATION_URL, async (info) => {
      await record(info)
      await delay(ms)
      return undefined
    })
  },
  /** A 200 answer the client cannot use. */
  malformed(kind: 'not-json' | 'no-data' | 'not-an-image' | 'too-few') {
    return forCalls(Infinity, async () => {
      const created = Math.floor(Date.now() / 1000)
      switch (kind) {
        case 'not-json':
          return new HttpResponse('<html><body>502 Bad Gateway</body></html>', {
            status: 200,
            headers: { 'Content-Type': 'text/html' },
          })
        case 'no-data':
          return HttpResponse.json({ created, result: 'ok' })
        case 'not-an-image':
          return HttpResponse.json({ created, data: [{ b64_json: Buffer.from('not an image').toString('base64') }] })
        case 'too-few':
          return HttpResponse.json({ created, data: [] })
      }
    })
  },
  /** Every call answered with this status and body. */
  always(status: number, body: Record<string, unknown>, headers?: Record<string, string>) {
    return forCalls(Infinity, () => HttpResponse.json(body, { status, headers }))
  },
}
