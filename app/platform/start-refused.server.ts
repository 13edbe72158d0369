import { closeDb } from '~/platform/db/client.server'
import { logger } from '~/platform/log.server'

/** A start that must not go ahead; the message says why and what to set. */
export class StartRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StartRefused'
  }
}

/**
 * Runs a start-up check of the web server or `npm run worker`; a
 * StartRefused ends the process with its message (on stderr for the person
 * starting it, and in the JSON log) and exit code 1. Other errors pass.
 */
export async function refuseStartOn<T>(check: () => T | Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (error) {
    if (!(error instanceof StartRefused)) throw error
    console.error(error.message)
    logger.fatal({ event: 'start.refused' }, error.message)
    await closeDb().catch(() => {})
    process.exit(1)
  }
}
