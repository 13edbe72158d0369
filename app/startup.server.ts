import { startRetentionSchedule } from './consent/retention.server'
import { closeDb, getDb } from './db/client.server'
import { getEnv } from './env.server'
import { logger } from './log.server'

let retention: { stop(): void } | undefined

/**
 * Runs once before the server listens: validates settings (a bad setting
 * stops the process), applies database migrations, and starts the daily job
 * that erases IP addresses and user agents from acceptance records once the
 * retention period has passed (safe to run on every instance).
 */
export async function prepareServer() {
  const env = getEnv()
  const started = Date.now()
  const db = await getDb()
  logger.info(
    {
      database: env.DATABASE_URL ? 'postgresql' : 'pglite',
      content: env.SANITY_PROJECT_ID ? 'sanity' : 'local-dataset',
      ms: Date.now() - started,
    },
    'database ready',
  )
  retention = startRetentionSchedule(db, env)
}

/** Closes what prepareServer opened, on SIGTERM/SIGINT. */
export async function shutdownServer() {
  retention?.stop()
  await closeDb()
}
