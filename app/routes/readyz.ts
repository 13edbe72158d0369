import { checkDb } from '~/platform/db/client.server'
import { getEnv } from '~/platform/env.server'
import { getContentSource } from '~/content/index.server'
import { disclosureProblems } from '~/legal/index.server'
import { logger } from '~/platform/log.server'

/**
 * Readiness (docs/configuration.md, "Health checks"; docs/decisions/017).
 * Each check answers a state, never an error's text or a file path: what
 * went wrong is logged (`readyz.not-ready`), not published.
 *  - database: `ok` | `unavailable`
 *  - content: `ok` | `stale` (the last good content is served because newer
 *    content was refused as damaged or emptied) | `unavailable`
 *  - disclosures: `ok` | `not checked` (database or content unavailable) |
 *    `unavailable` | `undisclosed: …` naming the setting and what the privacy
 *    policy in force lacks (docs/decisions/009: a setting name is a state)
 * Ready (200) only when all three are `ok`; otherwise 503.
 */
export type ReadinessChecks = {
  database: 'ok' | 'unavailable'
  content: 'ok' | 'stale' | 'unavailable'
  disclosures: 'ok' | 'not checked' | 'unavailable' | `undisclosed: ${string}`
}

class TimedOut extends Error {}

/** Resolves to the check's value, or to the error it threw (or a TimedOut) as `{ failed }`. */
async function probe<T>(check: () => Promise<T>, timeoutMs = 3_000): Promise<{ value: T } | { failed: unknown }> {
  let timer: NodeJS.Timeout | undefined
  try {
    const value = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimedOut(`timed out after ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
    return { value }
  } catch (error) {
    return { failed: error }
  } finally {
    clearTimeout(timer)
  }
}

/** What the settings enable that the privacy policy in force does not disclose (docs/decisions/009). */
async function undisclosed(): Promise<string[]> {
  const problems = await disclosureProblems(getEnv())
  return [...new Set(problems.map((p) => p.message))]
}

export async function loader() {
  const source = getContentSource()
  const [db, contentHealth] = await Promise.all([probe(() => checkDb()), probe(() => source.checkHealth())])
  const database: ReadinessChecks['database'] = 'value' in db ? 'ok' : 'unavailable'
  const content: ReadinessChecks['content'] =
    'failed' in contentHealth ? 'unavailable' : source.freshness() === 'stale' ? 'stale' : 'ok'
  // The disclosure check reads the policy from the database and the source: only worth asking when both answer.
  let disclosures: ReadinessChecks['disclosures'] = 'not checked'
  let disclosureFailure: unknown
  if (database === 'ok' && content !== 'unavailable') {
    const found = await probe(undisclosed, 10_000)
    if ('failed' in found) {
      disclosures = 'unavailable'
      disclosureFailure = found.failed
    } else {
      disclosures = found.value.length === 0 ? 'ok' : `undisclosed: ${found.value.join('; ')}`
    }
  }
  const checks: ReadinessChecks = { database, content, disclosures }
  const ready = database === 'ok' && content === 'ok' && disclosures === 'ok'
  if (!ready) {
    logger.warn(
      {
        event: 'readyz.not-ready',
        checks,
        errors: {
          database: 'failed' in db ? describe(db.failed) : undefined,
          content: 'failed' in contentHealth ? describe(contentHealth.failed) : undefined,
          disclosures: disclosureFailure === undefined ? undefined : describe(disclosureFailure),
        },
      },
      'not ready',
    )
  }
  return Response.json(
    { status: ready ? 'ok' : 'unavailable', checks },
    { status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  )
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error.message}${cause}`
}
