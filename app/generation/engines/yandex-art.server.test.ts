import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { server } from '../../../tests/mocks'
import {
  YANDEX_ART_API_URL,
  yandexArtMock,
  yandexArtScenarios,
  type RecordedYandexArtRequest,
} from '../../../tests/mocks/yandex-art'
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
import { createYandexArtEngine, yandexAspectRatio, type YandexArtEngineOptions } from './yandex-art.server'
import type { EngineInput } from './types'

serveVendorMock(() => yandexArtMock.reset())

function engineWith(clock: VirtualClock, options: Partial<YandexArtEngineOptions> = {}) {
  return createYandexArtEngine({
    apiKey: yandexArtMock.apiKey,
    folderId: yandexArtMock.folderId,
    apiUrl: YANDEX_ART_API_URL,
    ...pollingForTests(clock),
    ...options,
  })
}

engineContract({
  id: 'yandex-art',
  create: ({ clock, wrongKey, ...options }) =>
    engineWith(clock, { ...options, ...(wrongKey ? { apiKey: 'wrong-key-for-the-contract' } : {}) }),
  ...mockRecords(yandexArtMock),
  requestsPerImage: 2,
  acceptsPhoto: false,
  slowness: 'polls',
  scenarios: {
    refusal: () => yandexArtScenarios.refusal(),
    serverErrors: (times) => yandexArtScenarios.serverErrors(times, 503),
    networkErrors: (times) => yandexArtScenarios.networkErrors(times),
    slow: (reads) => yandexArtScenarios.slow(reads),
    malformed: {
      'not JSON': () => yandexArtScenarios.malformed('not-json'),
      'no operation id': () => yandexArtScenarios.malformed('no-id'),
      'done without an image': () => yandexArtScenarios.malformed('no-image'),
      'not an image': () => yandexArtScenarios.malformed('not-an-image'),
    },
  },
})

const base: EngineInput = { prompt: 'Маяк на скале в шторм', style: 'noir', aspectRatio: '4:3', count: 2, seed: 41 }

const starts = () => yandexArtMock.requests.filter((r): r is RecordedYandexArtRequest => r.kind === 'start')

describe('YandexART engine', () => {
  it('starts one operation per image with the documented request and reads each until done', async () => {
    const clock = virtualClock()
    const images = await engineWith(clock).generate(base, live())

    expect(starts()).toHaveLength(2)
    for (const [index, request] of starts().entries()) {
      expect(request.authorization).toBe(`Api-Key ${yandexArtMock.apiKey}`)
      expect(request.folderId).toBe(yandexArtMock.folderId)
      expect(request.body).toMatchObject({
        modelUri: `art://${yandexArtMock.folderId}/yandex-art/latest`,
        generationOptions: { seed: String(41 + index), aspectRatio: { widthRatio: '4', heightRatio: '3' } },
      })
      const [message] = request.body.messages as { text: string; weight: string }[]
      expect(message!.weight).toBe('1')
      expect(message!.text).toContain('Маяк на скале в шторм')
      expect(message!.text).toMatch(/film-noir/)
    }
    expect(yandexArtMock.requests.filter((r) => r.kind === 'operation')).toHaveLength(2)

    expect(images).toHaveLength(2)
    for (const image of images) {
      expect(image.mimeType).toBe('image/jpeg')
      expect((await sharp(image.bytes).metadata()).format).toBe('jpeg')
      expect(Math.abs(image.width / image.height - 4 / 3)).toBeLessThan(0.01)
    }
  })

  it('passes every aspect ratio as whole-number weights', () => {
    expect(yandexAspectRatio('16:9')).toEqual({ widthRatio: '16', heightRatio: '9' })
    expect(yandexAspectRatio('9:16')).toEqual({ widthRatio: '9', heightRatio: '16' })
  })

  it('maps a refusal reported in the finished operation to a final rejection', async () => {
    server.use(...yandexArtScenarios.refusalInOperation())
    const error = await failure(engineWith(virtualClock()).generate({ ...base, count: 1 }, live()))
    expect(error).toMatchObject({ code: 'rejected', retryable: false })
    expect(error.message).toMatch(/refused/)
  })

  it('reports an operation that failed inside the provider as retryable', async () => {
    server.use(...yandexArtScenarios.failedOperation())
    const error = await failure(engineWith(virtualClock()).generate({ ...base, count: 1 }, live()))
    expect(error).toMatchObject({ code: 'unavailable', retryable: true })
    expect(error.message).toContain('code 13')
  })

  it('waits as long as Retry-After says on 429', async () => {
    server.use(...yandexArtScenarios.rateLimited(3))
    const clock = virtualClock()
    expect(await engineWith(clock).generate({ ...base, count: 1 }, live())).toHaveLength(1)
    expect(clock.waits[0]).toBe(3000)
  })

  it('gives up on a Retry-After longer than the time left', async () => {
    server.use(...yandexArtScenarios.rateLimited(120))
    const clock = virtualClock()
    const error = await failure(engineWith(clock, { timeoutMs: 30_000 }).generate({ ...base, count: 1 }, live()))
    expect(error).toMatchObject({ code: 'rate-limited', retryable: true })
    expect(clock.waits).toEqual([])
  })

  it('treats a folder the key may not use as a set-up problem', async () => {
    const error = await failure(
      engineWith(virtualClock(), { folderId: 'b1gotherfolder' }).generate({ ...base, count: 1 }, live()),
    )
    expect(error).toMatchObject({ code: 'unavailable', retryable: false })
    expect(error.message).toContain('HTTP 403')
  })

  it('stops waiting when the caller aborts during a slow operation', async () => {
    server.use(...yandexArtScenarios.slow(1000))
    const controller = new AbortController()
    const clock = virtualClock()
    const slowClock = {
      ...clock,
      sleep: async (ms: number) => {
        if (clock.waits.length === 2) controller.abort()
        await clock.sleep(ms)
      },
    }
    const error = await failure(engineWith(slowClock).generate({ ...base, count: 1 }, { signal: controller.signal }))
    expect(error).toMatchObject({ code: 'aborted', retryable: false })
  })
})

createEngineChecks(
  'YandexART',
  'yandex-art',
  { YANDEX_ART_API_KEY: yandexArtMock.apiKey, YANDEX_ART_FOLDER_ID: yandexArtMock.folderId, YANDEX_ART_API_URL },
  'YANDEX_ART_FOLDER_ID',
)
