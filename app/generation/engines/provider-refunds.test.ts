import type { RequestHandler } from 'msw'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { balanceOf, creditHistory } from '~/credits/movements.server'
import { server } from '../../../tests/mocks'
import { KANDINSKY_API_URL, kandinskyMock, kandinskyScenarios } from '../../../tests/mocks/kandinsky'
import { YANDEX_ART_API_URL, yandexArtMock, yandexArtScenarios } from '../../../tests/mocks/yandex-art'
import { memoryStorage, testWorker } from '../../../tests/support/generation'
import { providerQueueSuite, settleJob } from '../../../tests/support/provider-queue'
import type { NewJob } from '../jobs.server'
import { virtualClock } from './adapter-contract'
import { createKandinskyEngine } from './kandinsky.server'
import type { ImageEngine } from './types'
import { createYandexArtEngine } from './yandex-art.server'

// The asynchronous provider adapters inside the real queue: whatever the
// provider does, the person ends up with images or with their credits back.

const handle = providerQueueSuite(() => {
  yandexArtMock.reset()
  kandinskyMock.reset()
})

const request: NewJob = {
  prompt: 'бумажный кораблик в луже',
  style: 'comic',
  aspectRatio: '1:1',
  count: 2,
  photo: null,
}

type Vendor = {
  id: string
  engine: (timeoutMs: number) => ImageEngine
  requests: () => number
  refusal: () => RequestHandler[]
  serverErrors: () => RequestHandler[]
  slow: (reads: number) => RequestHandler[]
}

const vendors: Vendor[] = [
  {
    id: 'yandex-art',
    engine: (timeoutMs) =>
      createYandexArtEngine({
        apiKey: yandexArtMock.apiKey,
        folderId: yandexArtMock.folderId,
        apiUrl: YANDEX_ART_API_URL,
        timeoutMs,
        retries: 1,
        pollIntervalMs: 1000,
        clock: virtualClock(),
      }),
    requests: () => yandexArtMock.requests.length,
    refusal: () => yandexArtScenarios.refusal(),
    serverErrors: () => yandexArtScenarios.serverErrors(100, 503),
    slow: (reads) => yandexArtScenarios.slow(reads),
  },
  {
    id: 'kandinsky',
    engine: (timeoutMs) =>
      createKandinskyEngine({
        apiKey: kandinskyMock.apiKey,
        secretKey: kandinskyMock.secretKey,
        apiUrl: KANDINSKY_API_URL,
        timeoutMs,
        retries: 1,
        pollIntervalMs: 1000,
        clock: virtualClock(),
      }),
    requests: () => kandinskyMock.requests.length,
    refusal: () => kandinskyScenarios.censored(),
    serverErrors: () => kandinskyScenarios.serverErrors(100, 500),
    slow: (reads) => kandinskyScenarios.slow(reads),
  },
]

describe.each(vendors)('the $id adapter in the queue', (vendor) => {
  async function run(job: NewJob, maxAttempts: number, timeoutMs = 60_000) {
    const engine = vendor.engine(timeoutMs)
    const storage = memoryStorage()
    const worker = testWorker({ db: handle.db, storage, engine })
    const { status, owner } = await settleJob(handle.db, { engine, storage, worker }, job, maxAttempts)
    return { status, storage, owner }
  }

  it('stores the images of a good answer and keeps the charge', async () => {
    const { status } = await run(request, 1)
    expect(status.job).toMatchObject({ status: 'done', refundedCredits: 0, engine: { id: vendor.id, kind: 'ai' } })
    expect(status.job.images).toHaveLength(2)
    expect(status.balance).toBe(0)
  })

  it('fails at once, refunded, when the provider refuses the prompt', async () => {
    server.use(...vendor.refusal())
    const { status, owner } = await run({ ...request, count: 1 }, 3)
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'rejected-by-provider', refundedCredits: 1 })
    expect(await balanceOf(handle.db, owner)).toBe(2)
  })

  it('refunds, once, a job the provider keeps failing with 5xx on every attempt', async () => {
    server.use(...vendor.serverErrors())
    const { status, owner } = await run({ ...request, count: 1 }, 2)
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'engine-error', refundedCredits: 1 })
    // Two job attempts, each with a first request and one retry.
    expect(vendor.requests()).toBe(4)
    expect((await creditHistory(handle.db, owner)).filter((m) => m.reason === 'refund')).toHaveLength(1)
  })

  it('refunds a job whose operation does not finish within the time limit', async () => {
    server.use(...vendor.slow(1_000))
    const { status, storage } = await run({ ...request, count: 1 }, 2, 10_000)
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'timeout', refundedCredits: 1 })
    expect(storage.objects.size).toBe(0)
  })

  it('refuses the person’s photo, refunded, without sending anything', async () => {
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#4a7fb0' } })
      .webp()
      .toBuffer()
    const { status, owner } = await run(
      { ...request, count: 1, photo: { bytes: photo, mimeType: 'image/webp', width: 320, height: 240 } },
      3,
    )
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'rejected-by-provider', refundedCredits: 1 })
    expect(vendor.requests()).toBe(0)
    expect(await balanceOf(handle.db, owner)).toBe(2)
  })
})
