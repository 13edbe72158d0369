import { closeDb, getDb } from './db/client.server'
import { getEnv } from './env.server'
import { logger } from './log.server'

/**
 * Runs once before the server listens: validates settings (a bad setting
 * stops the process) and applies database migrations.
 */
export async function prepareServer() {
  const env = getEnv()
  const started = Date.now()
  await getDb()
  logger.info(
    {
      database: env.DATABASE_URL ? 'postgresql' : 'pglite',
      content: env.SANITY_PROJECT_ID ? 'sanity' : 'local-dataset',
      ms: Date.now() - started,
    },
    'database ready',
  )
}

/** Closes what prepareServer opened, on SIGTERM/SIGINT. */
export async function shutdownServer() {
  await closeDb()
}
