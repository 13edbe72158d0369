import type { RequestHandler } from 'msw'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { server } from '../../../tests/mocks'
import { createEngine, type EngineSettings } from './index.server'
import type { ProviderClock } from './provider-http.server'
import { EngineError, type EngineInput, type ImageEngine } from './types'

/**
 * The behaviour every provider adapter shares, checked against each
 * vendor's msw mock (tests/mocks/): images of the asked count and ratio;
 * a content refusal is final; overload and network errors are tried again
 * and, when they last, fail with an error the worker retries and then
 * refunds; malformed answers fail cleanly; slow work is waited for within
 * the overall time limit and no longer. Waits go through a virtual clock,
 * so nothing sleeps for real and no assertion depends on timing.
 *
 * A test file per engine calls `engineContract(harness)` inside a file that
 * starts the msw server.
 */

export type VirtualClock = ProviderClock & { readonly waits: number[] }

/** A clock whose `sleep` returns at once and moves `now` on by the time asked. */
export function virtualClock(start = Date.UTC(2026, 11, 1)): VirtualClock {
  let now = start
  const waits: number[] = []
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms)
      now += ms
    },
  }
}

export type ContractHarness = {
  /** The engine's id, as stored with each job. */
  id: string
  create(options: { timeoutMs: number; retries: number; clock: VirtualClock; wrongKey?: boolean }): ImageEngine
  /** HTTP requests the vendor's mock has seen since `reset`. */
  requestCount(): number
  reset(): void
  /** Requests one image takes when all goes well (a refusal must not take more: it is not retried). */
  requestsPerImage: number
  /** Whether the engine can start from the person's photo. */
  acceptsPhoto: boolean
  /**
   * 'polls': the provider works asynchronously and `slow(n)` makes a job take
   * n status reads (virtual time). 'delay': `slow(n)` delays the answer by n
   * real milliseconds (keep them small).
   */
  slowness: 'polls' | 'delay'
  scenarios: {
    refusal(): RequestHandler[]
    serverErrors(times: number): RequestHandler[]
    networkErrors(times: number): RequestHandler[]
    slow(amount: number): RequestHandler[]
    malformed: Record<string, () => RequestHandler[]>
  }
}

const input: EngineInput = {
  prompt: 'Маяк на скале в шторм',
  style: 'watercolor',
  aspectRatio: '1:1',
  count: 2,
  seed: 7,
}

/** Generation options whose signal never aborts. */
export const live = () => ({ signal: new AbortController().signal })

/** The EngineError a generation fails with; a generation that succeeds, or throws anything else, fails the test. */
export async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(EngineError)
  return error as EngineError
}

/**
 * Starts the shared msw server for an engine's test file, failing on any
 * request no handler answers, and clears the vendor mock's record
 * (`resetMock`) before each test and the scenarios after it.
 */
export function serveVendorMock(resetMock: () => void) {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  beforeEach(() => resetMock())
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
}

/** A harness's `requestCount` and `reset`, read from a vendor mock that records its requests. */
export function mockRecords(mock: { readonly requests: readonly unknown[]; reset(): void }) {
  return { requestCount: () => mock.requests.length, reset: () => mock.reset() }
}

/** How the tests build a polling engine unless they say otherwise: a minute's limit, two retries, a read a second on `clock`. */
export function pollingForTests(clock: VirtualClock) {
  return { timeoutMs: 60_000, retries: 2, pollIntervalMs: 1000, clock }
}

/** createEngine's settings with no provider configured: each test adds the keys of the engine it builds. */
export const settingsWithoutProviders = {
  OPENAI_API_KEY: undefined,
  OPENAI_BASE_URL: 'https://api.openai.com/v1',
  OPENAI_IMAGE_MODEL: 'gpt-image-1',
  ENGINE_TIMEOUT_MS: 120_000,
  ENGINE_RETRIES: 2,
  YANDEX_ART_API_KEY: undefined,
  YANDEX_ART_FOLDER_ID: undefined,
  YANDEX_ART_API_URL: 'https://llm.api.cloud.yandex.net',
  KANDINSKY_API_KEY: undefined,
  KANDINSKY_SECRET_KEY: undefined,
  KANDINSKY_API_URL: 'https://api-key.fusionbrain.ai',
} satisfies Omit<EngineSettings, 'IMAGE_ENGINE'>

/**
 * createEngine builds the provider engine `id` from the settings when
 * IMAGE_ENGINE names it (`keys` being the provider's settings), and refuses
 * when the setting `required` is missing.
 */
export function createEngineChecks(
  name: string,
  id: EngineSettings['IMAGE_ENGINE'],
  keys: Partial<EngineSettings>,
  required: keyof EngineSettings,
) {
  describe(`createEngine with ${name}`, () => {
    const settings = { ...settingsWithoutProviders, ...keys }

    it('builds the engine when IMAGE_ENGINE names it, and refuses without its keys', () => {
      expect(createEngine({ ...settings, IMAGE_ENGINE: id })).toMatchObject({ id, kind: 'ai' })
      expect(() => createEngine({ ...settings, IMAGE_ENGINE: id, [required]: undefined })).toThrow(new RegExp(required))
    })
  })
}

export function engineContract(harness: ContractHarness) {
  describe(`the engine contract: ${harness.id}`, () => {
    let clock: VirtualClock
    beforeEach(() => {
      harness.reset()
      clock = virtualClock()
    })
    const engine = (options: { timeoutMs?: number; retries?: number; wrongKey?: boolean } = {}) =>
      harness.create({ timeoutMs: options.timeoutMs ?? 60_000, retries: options.retries ?? 2, clock, ...options })

    it('is an AI engine with its id, saying whether it takes a photo', () => {
      const subject = engine()
      expect([subject.id, subject.kind]).toEqual([harness.id, 'ai'])
      expect(subject.takesPhoto !== false).toBe(harness.acceptsPhoto)
    })

    it('gives as many readable images as asked, in the chosen ratio', async () => {
      const images = await engine().generate(input, live())
      expect(images).toHaveLength(2)
      for (const image of images) {
        const meta = await sharp(image.bytes).metadata()
        expect([meta.width, meta.height]).toEqual([image.width, image.height])
        expect(image.mimeType).toBe(`image/${meta.format}`)
        expect(Math.abs(image.width - image.height)).toBeLessThanOrEqual(2)
      }
      const [wide] = await engine().generate({ ...input, aspectRatio: '16:9', count: 1 }, live())
      expect(Math.abs(wide!.width / wide!.height - 16 / 9)).toBeLessThan(0.01)
    })

    it('refuses a count outside 1–4 before sending anything', async () => {
      const error = await failure(engine().generate({ ...input, count: 5 }, live()))
      expect(error).toMatchObject({ code: 'rejected', retryable: false })
      expect(harness.requestCount()).toBe(0)
    })

    it(
      harness.acceptsPhoto ? 'takes the person’s photo' : 'refuses the person’s photo clearly, before sending anything',
      async () => {
        const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#4a7fb0' } })
          .webp()
          .toBuffer()
        const pending = engine().generate(
          { ...input, count: 1, sourceImage: { bytes: photo, mimeType: 'image/webp' } },
          live(),
        )
        if (harness.acceptsPhoto) {
          expect(await pending).toHaveLength(1)
          return
        }
        const error = await failure(pending)
        expect(error).toMatchObject({ code: 'rejected', retryable: false })
        expect(error.message).toMatch(/photo/)
        expect(harness.requestCount()).toBe(0)
      },
    )

    it('maps a content refusal to a final rejection, not tried again', async () => {
      server.use(...harness.scenarios.refusal())
      const error = await failure(engine().generate({ ...input, count: 1 }, live()))
      expect(error).toMatchObject({ code: 'rejected', retryable: false })
      expect(error.message).toMatch(/refused/)
      expect(harness.requestCount()).toBeLessThanOrEqual(harness.requestsPerImage)
    })

    it('tries server errors again with growing waits, then succeeds', async () => {
      server.use(...harness.scenarios.serverErrors(2))
      const images = await engine({ retries: 2 }).generate({ ...input, count: 1 }, live())
      expect(images).toHaveLength(1)
      expect(harness.requestCount()).toBe(harness.requestsPerImage + 2)
      const retryWaits = clock.waits.slice(0, 2)
      expect(retryWaits[1]!).toBeGreaterThanOrEqual(retryWaits[0]! / 2)
    })

    it('tries network errors again', async () => {
      server.use(...harness.scenarios.networkErrors(1))
      expect(await engine().generate({ ...input, count: 1 }, live())).toHaveLength(1)
      expect(harness.requestCount()).toBe(harness.requestsPerImage + 1)
    })

    it('fails lasting server errors with an error the worker retries and refunds', async () => {
      server.use(...harness.scenarios.serverErrors(100))
      const error = await failure(engine({ retries: 2 }).generate({ ...input, count: 1 }, live()))
      expect(error).toMatchObject({ code: 'unavailable', retryable: true })
      expect(error.message).toMatch(/HTTP 5\d\d/)
      expect(harness.requestCount()).toBe(3)
    })

    it.each(Object.keys(harness.scenarios.malformed))('fails a malformed answer cleanly (%s)', async (kind) => {
      server.use(...harness.scenarios.malformed[kind]!())
      const error = await failure(engine().generate({ ...input, count: 1 }, live()))
      expect(error).toMatchObject({ code: 'bad-response', retryable: false })
    })

    it('reports a wrong key as a set-up problem, without repeating the key', async () => {
      const error = await failure(engine({ wrongKey: true }).generate({ ...input, count: 1 }, live()))
      expect(error).toMatchObject({ code: 'unavailable', retryable: false })
      expect(error.message).toMatch(/HTTP 40[13]/)
      expect(error.message).not.toMatch(/wrong-key-for-the-contract/)
    })

    it('stops when the caller aborts', async () => {
      const aborted = new AbortController()
      aborted.abort()
      expect(await failure(engine().generate(input, { signal: aborted.signal }))).toMatchObject({ code: 'aborted' })
      expect(harness.requestCount()).toBe(0)
    })

    if (harness.slowness === 'polls') {
      it('reads a slow operation until it is done', async () => {
        server.use(...harness.scenarios.slow(5))
        const images = await engine({ timeoutMs: 120_000 }).generate({ ...input, count: 1 }, live())
        expect(images).toHaveLength(1)
        expect(harness.requestCount()).toBe(harness.requestsPerImage + 4)
        expect(clock.waits.length).toBeGreaterThanOrEqual(4)
      })

      it('gives up a slow operation at the overall time limit', async () => {
        server.use(...harness.scenarios.slow(10_000))
        const error = await failure(engine({ timeoutMs: 20_000 }).generate({ ...input, count: 1 }, live()))
        expect(error).toMatchObject({ code: 'timeout', retryable: true })
        // Waited up to the limit and not past it.
        const waited = clock.waits.reduce((sum, ms) => sum + ms, 0)
        expect(waited).toBeLessThanOrEqual(20_000)
        expect(harness.requestCount()).toBeLessThan(40)
      })
    } else {
      it('waits for a slow answer within the time limit', async () => {
        server.use(...harness.scenarios.slow(30))
        expect(await engine({ timeoutMs: 10_000 }).generate({ ...input, count: 1 }, live())).toHaveLength(1)
      })

      it('gives up a slow answer at the overall time limit', async () => {
        server.use(...harness.scenarios.slow(2000))
        const error = await failure(engine({ timeoutMs: 150 }).generate({ ...input, count: 1 }, live()))
        expect(error).toMatchObject({ code: 'timeout', retryable: true })
      })
    }
  })
}
