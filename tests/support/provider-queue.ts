import { sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { ImageEngine } from '~/generation/engines/types'
import { createJob, jobStatus, type NewJob } from '~/generation/jobs.server'
import type { GenerationWorker } from '~/generation/worker.server'
import type { Database } from '~/platform/db/client.server'
import type { ObjectStorage } from '~/platform/storage/types'
import { createTestDatabase, type TestDatabase } from '../db'
import { server } from '../mocks'
import { guestWithCredits } from './generation'

/**
 * The arrangement of the tests that run a provider adapter, against its
 * vendor's msw mock, inside the real queue (app/generation/provider-failures.test.ts,
 * app/generation/engines/provider-refunds.test.ts), so that each file says
 * only what the provider does and what the person ends up with.
 */

/**
 * Starts msw and a test database for the file; after each test drops the
 * scenarios and clears the vendors' records (`resetMocks`). The database
 * is there from the first test on.
 */
export function providerQueueSuite(resetMocks: () => void): { readonly db: Database } {
  let handle: TestDatabase | undefined
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' })
    handle = await createTestDatabase()
  })
  afterEach(() => {
    server.resetHandlers()
    resetMocks()
  })
  afterAll(async () => {
    server.close()
    await handle?.close()
  })
  return {
    get db() {
      if (!handle) throw new Error('the test database starts in beforeAll')
      return handle.db
    },
  }
}

/**
 * A guest with 2 credits orders `job`; the worker runs it, attempt after
 * attempt with no back-off between them, until it is done or failed.
 * Gives the job's final status and the guest who paid.
 */
export async function settleJob(
  db: Database,
  queue: { engine: ImageEngine; storage: ObjectStorage; worker: GenerationWorker },
  job: NewJob,
  maxAttempts: number,
) {
  const generator = await guestWithCredits(db, 2)
  const created = await createJob(db, queue.storage, queue.engine, generator, job, { maxAttempts })
  if (!created.ok) throw new Error('expected a job')
  const owner = generator.owner as `guest:${string}`
  for (let i = 0; i < 10; i++) {
    // Skip the back-off between attempts.
    await db.execute(sql`update generation_jobs set run_after = now() where id = ${created.job.id}`)
    await queue.worker.runOnce()
    const status = await jobStatus(db, created.job.id, owner)
    if (status && ['done', 'failed'].includes(status.job.status)) return { status, owner }
  }
  throw new Error('job never settled')
}
