import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { server } from '../../../tests/mocks'
import {
  KANDINSKY_API_URL,
  KANDINSKY_PIPELINE_ID,
  kandinskyMock,
  kandinskyScenarios,
} from '../../../tests/mocks/kandinsky'
import {
  createEngineChecks,
  engineContract,
  failure,
  live,
  mockRecords,
  pollingForTests,
  serveVendorMock,
  virtualClock,
  type VirtualClock,
} from './adapter-contract'
import { createKandinskyEngine, kandinskyQuery, kandinskySize, type KandinskyEngineOptions } from './kandinsky.server'
import type { EngineInput } from './types'

serveVendorMock(() => kandinskyMock.reset())

function engineWith(clock: VirtualClock, options: Partial<KandinskyEngineOptions> = {}) {
  return createKandinskyEngine({
    apiKey: kandinskyMock.apiKey,
    secretKey: kandinskyMock.secretKey,
    apiUrl: KANDINSKY_API_URL,
    ...pollingForTests(clock),
    ...options,
  })
}

engineContract({
  id: 'kandinsky',
  create: ({ clock, wrongKey, ...options }) =>
    engineWith(clock, { ...options, ...(wrongKey ? { secretKey: 'wrong-key-for-the-contract' } : {}) }),
  ...mockRecords(kandinskyMock),
  requestsPerImage: 3,
  acceptsPhoto: false,
  slowness: 'polls',
  scenarios: {
    refusal: () => kandinskyScenarios.censored(),
    serverErrors: (times) => kandinskyScenarios.serverErrors(times, 500),
    networkErrors: (times) => kandinskyScenarios.networkErrors(times),
    slow: (reads) => kandinskyScenarios.slow(reads),
    malformed: {
      'not JSON': () => kandinskyScenarios.malformed('not-json'),
      'no uuid': () => kandinskyScenarios.malformed('no-uuid'),
      'done without files': () => kandinskyScenarios.malformed('no-files'),
      'not an image': () => kandinskyScenarios.malformed('not-an-image'),
    },
  },
})

const base: EngineInput = { prompt: 'Пушистый кот в очках', style: 'pastel', aspectRatio: '16:9', count: 2, seed: 3 }

describe('Kandinsky engine', () => {
  it('finds the pipeline, runs one generation per image and reads each status until done', async () => {
    const images = await engineWith(virtualClock()).generate(base, live())

    const runs = kandinskyMock.requests.filter((r) => r.kind === 'run')
    expect(kandinskyMock.requests.filter((r) => r.kind === 'pipelines')).toHaveLength(1)
    expect(runs).toHaveLength(2)
    for (const run of runs) {
      expect([run.key, run.secret]).toEqual([`Key ${kandinskyMock.apiKey}`, `Secret ${kandinskyMock.secretKey}`])
      expect(run.contentType).toMatch(/^multipart\/form-data; boundary=/)
      expect(run.pipelineId).toBe(KANDINSKY_PIPELINE_ID)
      expect(run.paramsType).toBe('application/json')
      expect(run.params).toMatchObject({ type: 'GENERATE', numImages: 1, width: 1024, height: 576 })
      const query = (run.params!.generateParams as { query: string }).query
      expect(query).toContain('Пушистый кот в очках')
      expect(query).toMatch(/pastel/)
    }
    expect(images).toHaveLength(2)
    for (const image of images) {
      expect(image).toMatchObject({ mimeType: 'image/jpeg', width: 1024, height: 576 })
      expect((await sharp(image.bytes).metadata()).format).toBe('jpeg')
    }
  })

  it('looks the pipeline up once per process', async () => {
    const engine = engineWith(virtualClock())
    await engine.generate({ ...base, count: 1 }, live())
    await engine.generate({ ...base, count: 1 }, live())
    expect(kandinskyMock.requests.filter((r) => r.kind === 'pipelines')).toHaveLength(1)
  })

  it('asks for sizes within 1024 px in multiples of 64', () => {
    for (const ratio of ['1:1', '4:3', '3:4', '16:9', '9:16'] as const) {
      const { width, height } = kandinskySize(ratio)
      expect(Math.max(width, height)).toBe(1024)
      expect((width % 64) + (height % 64)).toBe(0)
      const [rw, rh] = ratio.split(':').map(Number) as [number, number]
      expect(width / height).toBeCloseTo(rw / rh, 2)
    }
  })

  it('keeps the query within 1000 characters, the style included', () => {
    const query = kandinskyQuery({ prompt: 'к'.repeat(1000), style: 'comic' })
    expect(query.length).toBeLessThanOrEqual(1000)
    expect(query).toMatch(/comic-book/)
    expect(kandinskyQuery({ prompt: ' море ', style: 'none' })).toBe('море')
  })

  it('reports a pipeline that takes no new work as retryable', async () => {
    server.use(...kandinskyScenarios.unavailable())
    const error = await failure(engineWith(virtualClock()).generate({ ...base, count: 1 }, live()))
    expect(error).toMatchObject({ code: 'unavailable', retryable: true })
    expect(error.message).toContain('DISABLED_BY_QUEUE')
  })

  it('reports a failed generation as retryable, with the provider’s reason', async () => {
    server.use(...kandinskyScenarios.failed('GPU out of memory'))
    const error = await failure(engineWith(virtualClock()).generate({ ...base, count: 1 }, live()))
    expect(error).toMatchObject({ code: 'unavailable', retryable: true })
    expect(error.message).toContain('GPU out of memory')
  })

  it('fails cleanly when no pipeline is offered, and looks again next time', async () => {
    server.use(...kandinskyScenarios.malformed('no-pipelines'))
    const engine = engineWith(virtualClock())
    const error = await failure(engine.generate({ ...base, count: 1 }, live()))
    expect(error).toMatchObject({ code: 'unavailable', retryable: false })
    server.resetHandlers()
    expect(await engine.generate({ ...base, count: 1 }, live())).toHaveLength(1)
  })

  it('waits as long as Retry-After says on 429', async () => {
    server.use(...kandinskyScenarios.rateLimited(2))
    const clock = virtualClock()
    expect(await engineWith(clock).generate({ ...base, count: 1 }, live())).toHaveLength(1)
    expect(clock.waits[0]).toBe(2000)
  })

  it('keeps both keys out of errors', async () => {
    server.use(
      ...kandinskyScenarios.always(400, {
        status: 400,
        message: `bad headers Key ${kandinskyMock.apiKey} Secret ${kandinskyMock.secretKey}`,
      }),
    )
    const error = await failure(engineWith(virtualClock()).generate({ ...base, count: 1 }, live()))
    expect(error.code).toBe('rejected')
    expect(error.message).not.toContain(kandinskyMock.apiKey)
    expect(error.message).not.toContain(kandinskyMock.secretKey)
  })
})

createEngineChecks(
  'Kandinsky',
  'kandinsky',
  { KANDINSKY_API_KEY: kandinskyMock.apiKey, KANDINSKY_SECRET_KEY: kandinskyMock.secretKey, KANDINSKY_API_URL },
  'KANDINSKY_SECRET_KEY',
)
