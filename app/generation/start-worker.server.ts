import type { Database } from '~/platform/db/client.server'
import { getEnv } from '~/platform/env.server'
import { getStorage } from '~/platform/storage/index.server'
import { getEngine } from './engines/index.server'
import { GenerationWorker } from './worker.server'

/**
 * Starts generation workers on this process's own settings: the configured
 * storage and engine, the lease and the engine timeout. The web server
 * (WORKER_CONCURRENCY) and `npm run worker` both start theirs here, so the
 * two cannot drift apart.
 */
export function startWorker(db: Database, concurrency: number): GenerationWorker {
  const env = getEnv()
  const worker = new GenerationWorker({
    db,
    storage: getStorage(),
    engine: getEngine(),
    concurrency,
    leaseSeconds: env.JOB_LEASE_SECONDS,
    timeoutMs: env.ENGINE_TIMEOUT_MS,
  })
  worker.start()
  return worker
}
