/**
 * How many accounts a material version asks to accept again, as the site
 * counts them (GET /api/studio/publish-impact). The Studio cannot see the
 * site's database, so it asks; when the site does not answer, the
 * confirmation says the number is unknown and why, and publishing stays
 * possible: the count informs the decision, it does not gate it.
 */
import { createPreviewSecret } from '@sanity/preview-url-secret/create-secret'
import type { SanityClient } from 'sanity'
import type { DocumentKind, Locale } from '../schemaTypes/vocabulary'

/** The source name the site's secret check expects for this request. */
export const PUBLISH_IMPACT_SECRET_SOURCE = 'palitra-publish'

export const PUBLISH_IMPACT_TIMEOUT_MS = 8000

export interface PublishImpactQuery {
  kind: DocumentKind
  locale: Locale
  version: number
}

export type PublishImpact =
  | {
      known: true
      accountsToAskAgain: number
      /** Days before the effective date that the site tells those accounts (null: the site did not say). */
      noticeDays: number | null
    }
  | { known: false; reason: string }

export function publishImpactUrl(siteUrl: string, query: PublishImpactQuery, secret: string): string {
  const url = new URL('/api/studio/publish-impact', `${siteUrl}/`)
  url.searchParams.set('kind', query.kind)
  url.searchParams.set('locale', query.locale)
  url.searchParams.set('version', String(query.version))
  url.searchParams.set('sanity-preview-secret', secret)
  return url.toString()
}

/** Reads the site's answer; anything but a non-negative integer count is “unknown”. */
export function readPublishImpact(status: number, body: unknown): PublishImpact {
  if (status === 401) return { known: false, reason: 'the site did not accept the Studio’s secret (401)' }
  if (status !== 200) return { known: false, reason: `the site answered with status ${status}` }
  const count =
    typeof body === 'object' && body !== null ? (body as { accountsToAskAgain?: unknown }).accountsToAskAgain : null
  if (!isCount(count)) return { known: false, reason: 'the site’s answer had no count in it' }
  const days = (body as { noticeDays?: unknown }).noticeDays
  return { known: true, accountsToAskAgain: count, noticeDays: isCount(days) ? days : null }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

export interface FetchPublishImpactOptions {
  siteUrl: string
  query: PublishImpactQuery
  /** A preview secret (createPreviewSecret) the site checks against the dataset. */
  secret: string
  fetch?: typeof globalThis.fetch
  timeoutMs?: number
}

export async function fetchPublishImpact({
  siteUrl,
  query,
  secret,
  fetch = globalThis.fetch,
  timeoutMs = PUBLISH_IMPACT_TIMEOUT_MS,
}: FetchPublishImpactOptions): Promise<PublishImpact> {
  let response: Response
  try {
    response = await fetch(publishImpactUrl(siteUrl, query, secret), {
      headers: { accept: 'application/json' },
      // The secret is in the address; keep it out of the site's caches and logs of referrers.
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    if (isTimeout(error))
      return { known: false, reason: `the site (${siteUrl}) did not answer within ${timeoutMs / 1000} seconds` }
    return { known: false, reason: `the site (${siteUrl}) could not be reached` }
  }
  let body: unknown = null
  if (response.status === 200) {
    try {
      body = await response.json()
    } catch {
      return { known: false, reason: 'the site’s answer was not JSON' }
    }
  }
  return readPublishImpact(response.status, body)
}

/** The sentence the confirmation shows for “asked to accept again”. */
export function describePublishImpact(material: boolean, impact: PublishImpact | null): string {
  if (!material) return 'Nobody: this is not a material change.'
  if (!impact) return 'Counting…'
  if (!impact.known) return `Unknown: ${impact.reason}. You can still publish.`
  const count = impact.accountsToAskAgain
  return `${count} ${count === 1 ? 'account' : 'accounts'}, once this version takes effect.`
}

const DAY_MS = 24 * 60 * 60 * 1000

/** `2026-12-01 21:00 UTC`. */
function utc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/**
 * The confirmation's line about the advance notice people get of a material
 * version (the site sends it `noticeDays` before the effective date): when,
 * or a warning when that moment has passed, so that they would be told late.
 */
export function describeNotice(
  material: boolean,
  effectiveFrom: unknown,
  impact: PublishImpact | null,
  now: Date = new Date(),
): { text: string; late: boolean } {
  if (!material)
    return { text: 'None: only material changes are announced by e-mail and on the account page.', late: false }
  if (!impact) return { text: 'Checking…', late: false }
  if (!impact.known || impact.noticeDays === null) {
    return { text: 'Unknown: the site did not say when it tells people.', late: false }
  }
  const takesEffect = typeof effectiveFrom === 'string' ? new Date(effectiveFrom) : null
  if (!takesEffect || Number.isNaN(takesEffect.getTime())) return { text: 'Set the date first.', late: false }
  const days = impact.noticeDays
  const due = new Date(takesEffect.getTime() - days * DAY_MS)
  const people = `${impact.accountsToAskAgain} ${impact.accountsToAskAgain === 1 ? 'account' : 'accounts'}`
  if (due.getTime() > now.getTime()) {
    return {
      text: `${people} will be told by e-mail and on their account page on ${utc(due)}, ${days} days before it takes effect.`,
      late: false,
    }
  }
  const left = Math.max(0, Math.floor((takesEffect.getTime() - now.getTime()) / DAY_MS))
  return {
    text: `Too late for the full notice: people are to be told ${days} days before a version takes effect, and that moment (${utc(due)}) has passed. Published now, the notice reaches ${people} within the hour, ${left} ${left === 1 ? 'day' : 'days'} before it takes effect. Consider a later “In force from”.`,
    late: true,
  }
}

/**
 * Creates a short-lived preview secret (stored in the dataset, where the site
 * can check it) and asks the site. Failing to create the secret is reported
 * like an unreachable site: the number is unknown.
 */
export async function askSiteForPublishImpact(
  client: SanityClient,
  userId: string,
  siteUrl: string,
  query: PublishImpactQuery,
  studioUrl: string,
): Promise<PublishImpact> {
  let secret: string
  try {
    ;({ secret } = await createPreviewSecret(client, PUBLISH_IMPACT_SECRET_SOURCE, studioUrl, userId))
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : ''
    return { known: false, reason: `the Studio could not create a secret for the site${detail}` }
  }
  return fetchPublishImpact({ siteUrl, query, secret })
}
