import { describe, expect, it } from 'vitest'
import { balanceOf, creditHistory } from '~/credits/movements.server'
import { server } from '../../tests/mocks'
import { OPENAI_API_URL, openaiMock, openaiScenarios } from '../../tests/mocks/openai'
import { memoryStorage, testWorker } from '../../tests/support/generation'
import { providerQueueSuite, settleJob } from '../../tests/support/provider-queue'
import { createOpenAiEngine } from './engines/openai.server'
import type { NewJob } from './jobs.server'

// The provider adapter inside the real queue: whatever the provider does
// wrong, the person ends up either with images or with their credits back.
const handle = providerQueueSuite(() => openaiMock.reset())

const request: NewJob = {
  prompt: 'a paper boat on a puddle',
  style: 'comic',
  aspectRatio: '1:1',
  count: 2,
  photo: null,
}

function setup(opts: { timeoutMs: number; retries: number }) {
  const engine = createOpenAiEngine({
    apiKey: openaiMock.apiKey,
    baseUrl: OPENAI_API_URL,
    model: 'gpt-image-1',
    timeoutMs: opts.timeoutMs,
    retries: opts.retries,
    sleep: async () => {},
  })
  const storage = memoryStorage()
  const worker = testWorker({ db: handle.db, storage, engine, timeoutMs: opts.timeoutMs + 1000 })
  return { engine, storage, worker }
}

describe('the OpenAI adapter in the queue', () => {
  it('stores the images of a good answer and keeps the charge', async () => {
    const queue = setup({ timeoutMs: 5000, retries: 0 })
    const { status } = await settleJob(handle.db, queue, request, 1)
    expect(status.job).toMatchObject({ status: 'done', refundedCredits: 0, engine: { id: 'openai', kind: 'ai' } })
    expect(status.job.images).toHaveLength(2)
    expect(status.balance).toBe(0)
  })

  it('refunds a job whose provider answers too slowly on every attempt, once', async () => {
    server.use(openaiScenarios.slow(2_000))
    const queue = setup({ timeoutMs: 200, retries: 0 })
    const { status, owner } = await settleJob(handle.db, queue, request, 2)
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'timeout', refundedCredits: 2 })
    expect(status.balance).toBe(2)
    expect((await creditHistory(handle.db, owner)).filter((m) => m.reason === 'refund')).toHaveLength(1)
    expect(queue.storage.objects.size).toBe(0)
  })

  it('refunds a job the provider keeps failing with 5xx after its retries', async () => {
    server.use(openaiScenarios.serverErrors(100, 503))
    const queue = setup({ timeoutMs: 5000, retries: 2 })
    const { status, owner } = await settleJob(handle.db, queue, request, 2)
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'engine-error', refundedCredits: 2 })
    // Two job attempts, each with the first call and two retries.
    expect(openaiMock.requests).toHaveLength(6)
    expect(await balanceOf(handle.db, owner)).toBe(2)
  })

  it('recovers when the provider fails once and then answers', async () => {
    server.use(openaiScenarios.serverErrors(1, 500))
    const queue = setup({ timeoutMs: 5000, retries: 1 })
    const { status } = await settleJob(handle.db, queue, request, 1)
    expect(status.job).toMatchObject({ status: 'done', refundedCredits: 0 })
  })

  it('fails at once, refunded, when the provider refuses the prompt under its content policy', async () => {
    server.use(openaiScenarios.contentPolicy('moderation_blocked'))
    const queue = setup({ timeoutMs: 5000, retries: 2 })
    const { status } = await settleJob(handle.db, queue, request, 3)
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'rejected-by-provider', refundedCredits: 2 })
    expect(openaiMock.requests).toHaveLength(1)
  })
})
