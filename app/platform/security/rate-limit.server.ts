/**
 * Fixed-window rate limits counted in PostgreSQL (`rate_limit_windows`), so
 * every instance sees the same counts. Windows are aligned on the database
 * clock unless a test passes `now`.
 */
import { createHash } from 'node:crypto'
import { isIPv4, isIPv6 } from 'node:net'
import { lt, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { rateLimitWindows } from './schema'
import { retentionDays } from '~/platform/processing-register'
import { SECONDS } from '~/platform/processing-register/text'

export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number }

export type RateLimitRule = { limit: number; windowSeconds: number }

export const RATE_LIMIT_POLICIES = {
  'signin-ip': { limit: 20, windowSeconds: 15 * 60 },
  'signin-account': { limit: 10, windowSeconds: 15 * 60 },
  'register-ip': { limit: 10, windowSeconds: 60 * 60 },
  'reset-ip': { limit: 5, windowSeconds: 60 * 60 },
  'reset-account': { limit: 3, windowSeconds: 60 * 60 },
  // Generous for a person, a brake for a script: credits are the real limit.
  'generate-ip': { limit: 30, windowSeconds: 60 },
  // Data-subject requests: a person files a few at most; each unconfirmed one mails an address.
  'privacy-request-ip': { limit: 10, windowSeconds: 60 * 60 },
  'privacy-request-email': { limit: 5, windowSeconds: 60 * 60 },
  // A new confirmation link mails the account's address: a few an hour is plenty for a person.
  'verify-resend-account': { limit: 3, windowSeconds: 60 * 60 },
  'verify-resend-ip': { limit: 10, windowSeconds: 60 * 60 },
  // Anonymous writes, each of which costs us something (credits, ledger rows): per client address, then for everybody
  // together (`-all`, subject ALL), so many addresses cannot add up to a flood either.
  // A guest session gives free credits: a household or an office may start a few an hour.
  'guest-ip': { limit: 10, windowSeconds: 60 * 60 },
  'guest-all': { limit: 300, windowSeconds: 60 * 60 },
  // A cookie choice writes a consent id and two ledger rows.
  'cookie-choice-ip': { limit: 30, windowSeconds: 10 * 60 },
  'cookie-choice-all': { limit: 3000, windowSeconds: 60 },
  // The page-view beacon: one per client-side navigation, with analytics consent.
  'page-view-ip': { limit: 120, windowSeconds: 60 },
  'page-view-all': { limit: 6000, windowSeconds: 60 },
  // Refused webhook calls (bad token or signature): the bank and Sanity never send these.
  'refused-webhook-ip': { limit: 10, windowSeconds: 10 * 60 },
  'refused-webhook-all': { limit: 100, windowSeconds: 10 * 60 },
} as const satisfies Record<string, RateLimitRule>

export type RateLimitPolicy = keyof typeof RATE_LIMIT_POLICIES

/**
 * Counts one hit against `key` in the current window and says whether it is
 * within `limit`. One atomic upsert: concurrent hits from any number of
 * instances each get a distinct count, so exactly `limit` of them pass.
 */
export async function hit(
  db: Database,
  key: string,
  { limit, windowSeconds, now }: RateLimitRule & { now?: Date },
): Promise<RateLimitResult> {
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0)
    throw new Error('windowSeconds must be a positive integer')
  const at = now ? sql`${now.toISOString()}::timestamptz` : sql`statement_timestamp()`
  const result = await db.execute(sql`
    with clock as (select extract(epoch from ${at})::float8 as t)
    insert into ${rateLimitWindows} (key, window_start, hits)
    select ${key}::text, to_timestamp(floor(clock.t / ${windowSeconds}::float8) * ${windowSeconds}::float8), 1 from clock
    on conflict (key, window_start) do update set hits = ${rateLimitWindows}.hits + 1
    returning hits,
      extract(epoch from window_start)::float8 + ${windowSeconds}::float8 - (select t from clock) as seconds_left
  `)
  const row = (result as unknown as { rows: Array<{ hits: number | string; seconds_left: number | string }> }).rows[0]
  if (!row) throw new Error('rate limit upsert returned no row')
  if (Number(row.hits) <= limit) return { ok: true }
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(Number(row.seconds_left))) }
}

/**
 * Hits every named limit (each one counts even when another already refuses,
 * so an attacker cannot dodge one by tripping the other) and refuses when any
 * is exceeded, with the longest wait. Subjects: an IP address for `-ip`
 * policies, a normalized e-mail address for `-account` policies; a missing
 * subject is skipped.
 */
export async function checkLimits(
  db: Database,
  checks: Array<{ policy: RateLimitPolicy; subject: string | null | undefined }>,
  options: { now?: Date } = {},
): Promise<RateLimitResult> {
  let retryAfterSeconds = 0
  for (const { policy, subject } of checks) {
    if (!subject) continue
    const rule = RATE_LIMIT_POLICIES[policy]
    const result = await hit(db, policyKey(policy, subject), { ...rule, now: options.now })
    if (!result.ok) retryAfterSeconds = Math.max(retryAfterSeconds, result.retryAfterSeconds)
  }
  return retryAfterSeconds > 0 ? { ok: false, retryAfterSeconds } : { ok: true }
}

/** The subject of the `-all` policies: one counter for every client together. */
export const ALL_CLIENTS = 'all'

/** The anonymous actions limited per client address and overall. */
export type AnonymousAction = 'guest' | 'cookie-choice' | 'page-view' | 'refused-webhook'

/**
 * Limits an anonymous action per client address, then overall. Unlike
 * checkLimits, the overall window only counts requests the address's own
 * limit let through: one address flooding cannot use up everybody's share
 * (it gets at most its own limit of it). A missing address counts as one
 * shared address, 'unknown'.
 */
export async function checkClientThenOverall(
  db: Database,
  action: AnonymousAction,
  ip: string | null | undefined,
  options: { now?: Date } = {},
): Promise<RateLimitResult> {
  const own = await checkLimits(db, [{ policy: `${action}-ip`, subject: ip?.trim() || 'unknown' }], options)
  if (!own.ok) return own
  return checkLimits(db, [{ policy: `${action}-all`, subject: ALL_CLIENTS }], options)
}

/**
 * The counter key of a policy and subject. The subject is hashed: the table
 * then holds no e-mail addresses or IPs, and keys have a fixed length.
 */
export function policyKey(policy: RateLimitPolicy, subject: string): string {
  const canonical = policy.endsWith('-ip') ? ipSubject(subject) : subject.trim().toLowerCase()
  return `${policy}:${createHash('sha256').update(canonical).digest('base64url').slice(0, 32)}`
}

/**
 * IPv6 hosts usually get a whole /64, so limits apply per /64 prefix; an
 * IPv4-mapped IPv6 address counts as its IPv4 address.
 */
export function ipSubject(ip: string): string {
  const trimmed = ip.trim().toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed)
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!
  if (!isIPv6(trimmed)) return trimmed
  const groups = expandIPv6(trimmed.split('%')[0]!)
  return `${groups.slice(0, 4).join(':')}::/64`
}

function expandIPv6(address: string): string[] {
  // An embedded IPv4 tail (::1.2.3.4) becomes two groups.
  const withHex = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) => {
    const hex = (x: string, y: string) => ((Number(x) << 8) | Number(y)).toString(16)
    return `${hex(a, b)}:${hex(c, d)}`
  })
  const [head = '', tail] = withHex.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0')
  return [...left, ...zeros, ...right].map((g) => g.replace(/^0+(?=.)/, ''))
}

/**
 * Deletes windows that started more than `keepSeconds` ago: by default the
 * register's `rateLimits` period (a day, longer than any policy's window).
 * The keys are hashes of addresses, still data about a person, so the
 * register names how long they stay.
 */
export async function sweepRateLimitWindows(
  db: Database,
  {
    keepSeconds = retentionDays('rateLimits') * SECONDS.day,
    now = new Date(),
  }: { keepSeconds?: number; now?: Date } = {},
): Promise<number> {
  const removed = await db
    .delete(rateLimitWindows)
    .where(lt(rateLimitWindows.windowStart, new Date(now.getTime() - keepSeconds * 1000)))
    .returning({ key: rateLimitWindows.key })
  return removed.length
}
