import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { balanceOf, creditHistory } from '~/credits/movements.server'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { server } from '../../tests/mocks'
import { OPENAI_API_URL, openaiMock, openaiScenarios } from '../../tests/mocks/openai'
import { guestWithCredits, memoryStorage, testWorker } from '../../tests/support/generation'
import { createOpenAiEngine } from './engines/openai.server'
import { createJob, jobStatus, type NewJob } from './jobs.server'
import type { GenerationWorker } from './worker.server'

// The provider adapter inside the real queue: whatever the provider does
// wrong, the person ends up either with images or with their credits back.
let handle: TestDatabase
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' })
  handle = await createTestDatabase()
})
afterEach(() => {
  server.resetHandlers()
  openaiMock.reset()
})
afterAll(async () => {
  server.close()
  await handle?.close()
})

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

async function runUntilSettled(worker: GenerationWorker, jobId: string, owner: `guest:${string}`) {
  for (let i = 0; i < 10; i++) {
    await handle.db.execute(
      // Skip the back-off between attempts.
      (await import('drizzle-orm')).sql`update generation_jobs set run_after = now() where id = ${jobId}`,
    )
    await worker.runOnce()
    const status = await jobStatus(handle.db, jobId, owner)
    if (status && ['done', 'failed'].includes(status.job.status)) return status
  }
  throw new Error('job never settled')
}

describe('the OpenAI adapter in the queue', () => {
  it('stores the images of a good answer and keeps the charge', async () => {
    const { worker, storage, engine } = setup({ timeoutMs: 5000, retries: 0 })
    const generator = await guestWithCredits(handle.db, 2)
    const created = await createJob(handle.db, storage, engine, generator, request, { maxAttempts: 1 })
    if (!created.ok) throw new Error('expected a job')
    const status = await runUntilSettled(worker, created.job.id, generator.owner as `guest:${string}`)
    expect(status.job).toMatchObject({ status: 'done', refundedCredits: 0, engine: { id: 'openai', kind: 'ai' } })
    expect(status.job.images).toHaveLength(2)
    expect(status.balance).toBe(0)
  })

  it('refunds a job whose provider answers too slowly on every attempt, once', async () => {
    server.use(openaiScenarios.slow(2_000))
    const { worker, storage, engine } = setup({ timeoutMs: 200, retries: 0 })
    const generator = await guestWithCredits(handle.db, 2)
    const created = await createJob(handle.db, storage, engine, generator, request, { maxAttempts: 2 })
    if (!created.ok) throw new Error('expected a job')
    const status = await runUntilSettled(worker, created.job.id, generator.owner as `guest:${string}`)
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'timeout', refundedCredits: 2 })
    expect(status.balance).toBe(2)
    expect((await creditHistory(handle.db, generator.owner)).filter((m) => m.reason === 'refund')).toHaveLength(1)
    expect(storage.objects.size).toBe(0)
  })

  it('refunds a job the provider keeps failing with 5xx after its retries', async () => {
    server.use(openaiScenarios.serverErrors(100, 503))
    const { worker, storage, engine } = setup({ timeoutMs: 5000, retries: 2 })
    const generator = await guestWithCredits(handle.db, 2)
    const created = await createJob(handle.db, storage, engine, generator, request, { maxAttempts: 2 })
    if (!created.ok) throw new Error('expected a job')
    const status = await runUntilSettled(worker, created.job.id, generator.owner as `guest:${string}`)
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'engine-error', refundedCredits: 2 })
    // Two job attempts, each with the first call and two retries.
    expect(openaiMock.requests).toHaveLength(6)
    expect(await balanceOf(handle.db, generator.owner)).toBe(2)
  })

  it('recovers when the provider fails once and then answers', async () => {
    server.use(openaiScenarios.serverErrors(1, 500))
    const { worker, storage, engine } = setup({ timeoutMs: 5000, retries: 1 })
    const generator = await guestWithCredits(handle.db, 2)
    const created = await createJob(handle.db, storage, engine, generator, request, { maxAttempts: 1 })
    if (!created.ok) throw new Error('expected a job')
    const status = await runUntilSettled(worker, created.job.id, generator.owner as `guest:${string}`)
    expect(status.job).toMatchObject({ status: 'done', refundedCredits: 0 })
  })

  it('fails at once, refunded, when the provider refuses the prompt under its content policy', async () => {
    server.use(openaiScenarios.contentPolicy('moderation_blocked'))
    const { worker, storage, engine } = setup({ timeoutMs: 5000, retries: 2 })
    const generator = await guestWithCredits(handle.db, 2)
    const created = await createJob(handle.db, storage, engine, generator, request, { maxAttempts: 3 })
    if (!created.ok) throw new Error('expected a job')
    const status = await runUntilSettled(worker, created.job.id, generator.owner as `guest:${string}`)
    expect(status.job).toMatchObject({ status: 'failed', failureCode: 'rejected-by-provider', refundedCredits: 2 })
    expect(openaiMock.requests).toHaveLength(1)
  })
})
