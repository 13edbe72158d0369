// `npm run worker`: generation workers in their own process, beside or
// instead of the ones inside the web server (WORKER_CONCURRENCY there).
// Any number of these may run at once against one PostgreSQL database.
import { existsSync } from 'node:fs'
import { EnvError, getEnv } from '../app/platform/env.server'
import { closeDb, getDb } from '../app/platform/db/client.server'
import { startWorker } from '~/generation/index.server'
import { logger } from '../app/platform/log.server'
import { refuseStartOn } from '../app/platform/start-refused.server'
import { assertMediaStorageAllowed, startMediaProbe } from '../app/platform/storage/shared-media.server'

if (existsSync('.env')) process.loadEnvFile('.env')

function settings() {
  try {
    return getEnv()
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message)
      process.exit(1)
    }
    throw error
  }
}

const env = settings()
if (!env.DATABASE_URL) {
  console.error(
    'npm run worker needs DATABASE_URL: the embedded database (PGlite) can be opened by one process only, ' +
      'so without PostgreSQL the workers run inside the web server (WORKER_CONCURRENCY).',
  )
  process.exit(1)
}

// The worker reads photos uploaded through the web instances and writes images they serve.
await refuseStartOn(() => assertMediaStorageAllowed(env))

const concurrency = Number(process.env.WORKER_PROCESS_CONCURRENCY ?? '') || Math.max(1, env.WORKER_CONCURRENCY)
const db = await getDb()
const mediaProbe = await refuseStartOn(() => startMediaProbe(env, db))
const worker = startWorker(db, concurrency)

let stopping = false
async function stop(signal: string) {
  if (stopping) return
  stopping = true
  logger.info({ signal, worker: worker.id }, 'worker shutting down')
  await worker.stop()
  await mediaProbe?.stop().catch(() => {})
  await closeDb()
  process.exit(0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
