import { checkDb } from '~/db/client.server'
import { getContentSource } from '~/legal/content/index.server'
import { logger } from '~/log.server'

async function probe(check: () => Promise<unknown>, timeoutMs = 3_000): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
    return 'ok'
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    clearTimeout(timer)
  }
}

// Readiness: the database and the content source both answer.
export async function loader() {
  const [database, content] = await Promise.all([probe(() => checkDb()), probe(() => getContentSource().checkHealth())])
  const ready = database === 'ok' && content === 'ok'
  if (!ready) logger.warn({ database, content }, 'not ready')
  return Response.json(
    { status: ready ? 'ok' : 'unavailable', checks: { database, content } },
    { status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  )
}
