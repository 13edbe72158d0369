import { http, HttpResponse } from 'msw'
import sharp from 'sharp'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { server } from '../../../tests/mocks'
import { OPENAI_API_URL, openaiMock, openaiScenarios } from '../../../tests/mocks/openai'
import {
  engineContract,
  failure,
  live,
  mockRecords,
  serveVendorMock,
  settingsWithoutProviders,
} from './adapter-contract'
import { createEngine } from './index.server'
import { createOpenAiEngine, openAiSize, type OpenAiEngineOptions } from './openai.server'
import type { EngineInput } from './types'

serveVendorMock(() => openaiMock.reset())

const waits: number[] = []
beforeEach(() => {
  waits.length = 0
})

function engineWith(options: Partial<OpenAiEngineOptions> = {}) {
  return createOpenAiEngine({
    apiKey: openaiMock.apiKey,
    baseUrl: OPENAI_API_URL,
    model: 'gpt-image-1',
    timeoutMs: 10_000,
    retries: 2,
    // Record the waits instead of sleeping through them.
    sleep: async (ms) => {
      waits.push(ms)
    },
    ...options,
  })
}

const base: EngineInput = {
  prompt: 'Маяк на скале в шторм',
  style: 'watercolor',
  aspectRatio: '1:1',
  count: 2,
  seed: 1,
}

let photo: Buffer
beforeAll(async () => {
  photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#4a7fb0' } })
    .webp()
    .toBuffer()
})

describe('OpenAI images engine', () => {
  it('is an AI engine with its own id', () => {
    const engine = engineWith()
    expect([engine.id, engine.kind]).toEqual(['openai', 'ai'])
  })

  it('generates from a prompt with the documented request', async () => {
    const images = await engineWith().generate(base, live())

    expect(openaiMock.requests).toHaveLength(1)
    const request = openaiMock.requests[0]!
    expect(request.operation).toBe('generations')
    expect(request.authorization).toBe(`Bearer ${openaiMock.apiKey}`)
    expect(request.fields).toMatchObject({ model: 'gpt-image-1', n: 2, size: '1024x1024' })
    expect(request.fields).not.toHaveProperty('response_format')
    expect(request.fields).not.toHaveProperty('user')
    expect(request.fields.prompt).toContain('Маяк на скале в шторм')
    expect(request.fields.prompt).toMatch(/watercolour painting/)

    expect(images).toHaveLength(2)
    for (const image of images) {
      expect(image).toMatchObject({ mimeType: 'image/png', width: 1024, height: 1024 })
      expect((await sharp(image.bytes).metadata()).format).toBe('png')
    }
  })

  it('sends no style hint for the plain style', async () => {
    await engineWith().generate({ ...base, style: 'none', count: 1 }, live())
    expect(openaiMock.requests[0]!.fields.prompt).toBe('Маяк на скале в шторм')
  })

  it('edits the photo with a multipart request', async () => {
    const images = await engineWith().generate(
      { ...base, style: 'noir', count: 1, sourceImage: { bytes: photo, mimeType: 'image/webp' } },
      live(),
    )
    const request = openaiMock.requests[0]!
    expect(request.operation).toBe('edits')
    expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/)
    expect(request.fields).toMatchObject({ model: 'gpt-image-1', n: '1', size: '1024x1024' })
    expect(request.fields.prompt).toMatch(/film-noir/)
    expect(request.images).toHaveLength(1)
    expect(request.images[0]).toMatchObject({ field: 'image', type: 'image/webp', name: 'photo.webp' })
    expect(request.images[0]!.bytes.equals(photo)).toBe(true)
    expect(images).toHaveLength(1)
  })

  it('asks for the nearest size and crops to the exact aspect ratio', async () => {
    expect(openAiSize('4:3')).toBe('1536x1024')
    expect(openAiSize('9:16')).toBe('1024x1536')
    const [wide] = await engineWith().generate({ ...base, aspectRatio: '16:9', count: 1 }, live())
    expect(openaiMock.requests[0]!.fields.size).toBe('1536x1024')
    expect(wide).toMatchObject({ mimeType: 'image/webp', width: 1536, height: 864 })
    const meta = await sharp(wide!.bytes).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1536, 864])

    const [tall] = await engineWith().generate({ ...base, aspectRatio: '3:4', count: 1 }, live())
    expect(openaiMock.requests[1]!.fields.size).toBe('1024x1536')
    expect([tall!.width, tall!.height]).toEqual([1024, 1365])
  })

  it('asks for base64 from models that need response_format', async () => {
    const images = await engineWith({ model: 'dall-e-2' }).generate({ ...base, count: 1 }, live())
    expect(openaiMock.requests[0]!.fields).toMatchObject({ model: 'dall-e-2', response_format: 'b64_json' })
    expect(images).toHaveLength(1)
  })

  it('retries server errors with growing waits, then succeeds', async () => {
    server.use(openaiScenarios.serverErrors(2, 503))
    const images = await engineWith().generate(base, live())
    expect(images).toHaveLength(2)
    expect(openaiMock.requests).toHaveLength(3)
    expect(waits).toHaveLength(2)
    expect(waits[0]).toBeGreaterThanOrEqual(250)
    expect(waits[0]).toBeLessThanOrEqual(500)
    expect(waits[1]).toBeGreaterThanOrEqual(500)
    expect(waits[1]).toBeLessThanOrEqual(1000)
  })

  it('retries network errors', async () => {
    server.use(openaiScenarios.networkErrors(1))
    expect(await engineWith().generate(base, live())).toHaveLength(2)
    expect(openaiMock.requests).toHaveLength(2)
  })

  it('waits as long as Retry-After says on 429', async () => {
    server.use(openaiScenarios.rateLimited(3))
    expect(await engineWith().generate(base, live())).toHaveLength(2)
    expect(waits).toEqual([3000])
  })

  it('gives up on a Retry-After longer than the time left', async () => {
    server.use(openaiScenarios.rateLimited(60))
    const error = await failure(engineWith({ timeoutMs: 5000 }).generate(base, live()))
    expect(error).toMatchObject({ code: 'rate-limited', retryable: true })
    expect(waits).toEqual([])
  })

  it('reports a retryable failure when the retries run out', async () => {
    server.use(openaiScenarios.serverErrors(10, 500))
    const error = await failure(engineWith({ retries: 2 }).generate(base, live()))
    expect(error).toMatchObject({ code: 'unavailable', retryable: true })
    expect(error.message).toContain('HTTP 500')
    expect(openaiMock.requests).toHaveLength(3)

    openaiMock.reset()
    server.resetHandlers()
    server.use(openaiScenarios.rateLimited(1, 10))
    const limited = await failure(engineWith({ retries: 1 }).generate(base, live()))
    expect(limited).toMatchObject({ code: 'rate-limited', retryable: true })
    expect(openaiMock.requests).toHaveLength(2)
  })

  it.each(['moderation_blocked', 'content_policy_violation'] as const)(
    'does not retry a content-policy refusal (%s)',
    async (code) => {
      server.use(openaiScenarios.contentPolicy(code))
      const error = await failure(engineWith().generate(base, live()))
      expect(error).toMatchObject({ code: 'rejected', retryable: false })
      expect(error.message).toContain(code)
      expect(openaiMock.requests).toHaveLength(1)
    },
  )

  it('does not retry a bad request', async () => {
    const error = await failure(engineWith().generate({ ...base, style: 'none', prompt: '   ' }, live()))
    expect(error).toMatchObject({ code: 'rejected', retryable: false })
    expect(error.message).toContain('missing_required_parameter')
    expect(openaiMock.requests).toHaveLength(1)
  })

  it('times out on a slow answer', async () => {
    server.use(openaiScenarios.slow(2000))
    const started = Date.now()
    const error = await failure(engineWith({ timeoutMs: 200 }).generate(base, live()))
    expect(error).toMatchObject({ code: 'timeout', retryable: true })
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('stops when the caller aborts', async () => {
    server.use(openaiScenarios.slow(2000))
    const controller = new AbortController()
    const pending = engineWith().generate(base, { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    expect(await failure(pending)).toMatchObject({ code: 'aborted', retryable: false })

    const aborted = new AbortController()
    aborted.abort()
    expect(await failure(engineWith().generate(base, { signal: aborted.signal }))).toMatchObject({ code: 'aborted' })
  })

  it.each([
    ['not-json', 'not JSON'],
    ['no-data', 'no images'],
    ['too-few', 'asked for 1 images, the answer has 0'],
    ['not-an-image', 'not a readable image'],
  ] as const)('reports a malformed answer (%s)', async (kind, message) => {
    server.use(openaiScenarios.malformed(kind))
    const error = await failure(engineWith().generate({ ...base, count: 1 }, live()))
    expect(error).toMatchObject({ code: 'bad-response', retryable: false })
    expect(error.message).toContain(message)
    expect(openaiMock.requests).toHaveLength(1)
  })

  it('reports a wrong key as unavailable without repeating the key', async () => {
    const apiKey = 'sk-proj-wrongKEY1234567890abcdef'
    const error = await failure(engineWith({ apiKey }).generate(base, live()))
    expect(error).toMatchObject({ code: 'unavailable', retryable: false })
    expect(error.message).toContain('HTTP 401 (invalid_api_key)')
    expect(openaiMock.requests).toHaveLength(1)
    for (const text of [error.message, String(error.stack), JSON.stringify(error)]) {
      expect(text).not.toContain(apiKey)
      expect(text).not.toContain(apiKey.slice(-4))
    }
  })

  it('keeps the key out of errors even when a provider echoes it', async () => {
    const apiKey = openaiMock.apiKey
    server.use(
      http.post(`${OPENAI_API_URL}/images/:operation`, ({ request }) =>
        HttpResponse.json(
          { error: { message: `bad header ${request.headers.get('authorization')}`, code: 'echo' } },
          { status: 400 },
        ),
      ),
    )
    const error = await failure(engineWith({ apiKey }).generate(base, live()))
    expect(error.code).toBe('rejected')
    expect(error.message).not.toContain(apiKey)
    expect(error.message).toContain('[redacted]')
  })

  it('does not retry an exhausted quota', async () => {
    server.use(
      openaiScenarios.always(429, {
        error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' },
      }),
    )
    const error = await failure(engineWith().generate(base, live()))
    expect(error).toMatchObject({ code: 'unavailable', retryable: false })
    expect(openaiMock.requests).toHaveLength(1)
  })

  it('treats a missing model or wrong base URL as unavailable', async () => {
    server.use(
      openaiScenarios.always(404, {
        error: {
          message: 'The model `gpt-image-9` does not exist.',
          type: 'invalid_request_error',
          code: 'model_not_found',
        },
      }),
    )
    const error = await failure(engineWith({ model: 'gpt-image-9' }).generate(base, live()))
    expect(error).toMatchObject({ code: 'unavailable', retryable: false })
  })
})

describe('createEngine', () => {
  const settings = { ...settingsWithoutProviders, OPENAI_BASE_URL: OPENAI_API_URL }

  it('builds the engine the settings name', async () => {
    expect(createEngine({ ...settings, IMAGE_ENGINE: 'local' }).id).toBe('local')
    const engine = createEngine({ ...settings, IMAGE_ENGINE: 'openai', OPENAI_API_KEY: openaiMock.apiKey })
    expect(engine.id).toBe('openai')
    expect(await engine.generate({ ...base, count: 1 }, live())).toHaveLength(1)
    expect(() => createEngine({ ...settings, IMAGE_ENGINE: 'openai' })).toThrow(/OPENAI_API_KEY/)
  })
})

engineContract({
  id: 'openai',
  create: ({ clock, wrongKey, ...options }) =>
    engineWith({ ...options, sleep: clock.sleep, ...(wrongKey ? { apiKey: 'sk-wrong-key-for-the-contract' } : {}) }),
  ...mockRecords(openaiMock),
  requestsPerImage: 1,
  acceptsPhoto: true,
  // One synchronous request: slowness is a late answer, bounded by the real time limit.
  slowness: 'delay',
  scenarios: {
    refusal: () => [openaiScenarios.contentPolicy()],
    serverErrors: (times) => [openaiScenarios.serverErrors(times, 503)],
    networkErrors: (times) => [openaiScenarios.networkErrors(times)],
    slow: (ms) => [openaiScenarios.slow(ms)],
    malformed: {
      'not JSON': () => [openaiScenarios.malformed('not-json')],
      'no data': () => [openaiScenarios.malformed('no-data')],
      'too few images': () => [openaiScenarios.malformed('too-few')],
      'not an image': () => [openaiScenarios.malformed('not-an-image')],
    },
  },
})
