import { checkDb } from '~/db/client.server'
import { getEnv } from '~/env.server'
import { getContentSource } from '~/legal/content/index.server'
import { disclosureProblems } from '~/legal/disclosure.server'
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

/**
 * 'ok', or what the settings enable that the privacy policy in force does not
 * disclose (docs/decisions/009): an instance that would send personal data
 * to a service the policy denies is not fit to take traffic.
 */
async function disclosures(): Promise<void> {
  const problems = await disclosureProblems(getEnv())
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '))
}

// Readiness: the database and the content source both answer, and the
// privacy policy in force discloses every outside service the settings enable.
export async function loader() {
  const [database, content] = await Promise.all([probe(() => checkDb()), probe(() => getContentSource().checkHealth())])
  // The disclosure check reads the policy from the database and the source: only worth asking when both answer.
  const disclosed = database === 'ok' && content === 'ok' ? await probe(disclosures, 10_000) : 'not checked'
  const ready = database === 'ok' && content === 'ok' && disclosed === 'ok'
  if (!ready) logger.warn({ database, content, disclosures: disclosed }, 'not ready')
  return Response.json(
    { status: ready ? 'ok' : 'unavailable', checks: { database, content, disclosures: disclosed } },
    { status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  )
}
