import { createHash, randomInt, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { encodeSignatureHeader, SIGNATURE_HEADER_NAME } from '@sanity/webhook'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as ConsentRoute from '~/routes/$lang.cookie-consent'
import type * as GuestRoute from '~/routes/$lang.guest'
import type * as BeaconRoute from '~/routes/api.page-view'
import type * as SanityRoute from '~/routes/webhooks.sanity'
import type * as TbankRoute from '~/routes/webhooks.tbank'
import type { RateLimitPolicy } from '~/platform/security/rate-limit.server'
import { orderValues } from '../support/orders'
import { isolateProcessDatabase } from '../db'
import { closeAppResources, type DataResult, settle } from './support'
import { post } from '../support/requests'

// Anonymous writes limited per address and overall, through the
// routes, against the process-wide database and the shipped seed dataset.

const dir = mkdtempSync(path.join(tmpdir(), 'palitra-rate-limits-'))
process.env.DATA_DIR = dir
const SANITY_SECRET = 'rate-limit-test-secret'
process.env.SANITY_WEBHOOK_SECRET = SANITY_SECRET
let dropOwnDatabase: () => Promise<void> = async () => {}

let routes: {
  guest: typeof GuestRoute
  consent: typeof ConsentRoute
  beacon: typeof BeaconRoute
  tbank: typeof TbankRoute
  sanity: typeof SanityRoute
}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    guest: await import('~/routes/$lang.guest'),
    consent: await import('~/routes/$lang.cookie-consent'),
    beacon: await import('~/routes/api.page-view'),
    tbank: await import('~/routes/webhooks.tbank'),
    sanity: await import('~/routes/webhooks.sanity'),
  }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

const ORIGIN = 'http://localhost'
const UA = 'Mozilla/5.0 (rate limits test)'
let ipCounter = 1
const nextIp = () => `203.0.113.${ipCounter++}`

async function db() {
  const { getDb } = await import('~/platform/db/client.server')
  return getDb()
}

async function count(table: string): Promise<number> {
  const { sql } = await import('drizzle-orm')
  const result = await (await db()).execute(sql.raw(`select count(*)::int as n from ${table}`))
  return (result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n
}

/** Everything an anonymous write could leave behind. */
async function written() {
  return {
    guests: await count('guests'),
    balances: await count('credit_balances'),
    ledger: await count('acceptances'),
    cookieConsents: await count('cookie_consents'),
    pageViews: await count('page_views'),
    refusedWebhooks: await count('refused_webhooks'),
  }
}

/**
 * Windows are fixed and aligned on the clock, so hits that straddle a window's
 * end start counting again. A test that counts up to a limit first waits out
 * the last seconds of the current window when it is that close to its end.
 */
async function clearOfWindowEdge(policy: RateLimitPolicy, marginSeconds = 10) {
  const { RATE_LIMIT_POLICIES } = await import('~/platform/security/rate-limit.server')
  const { windowSeconds } = RATE_LIMIT_POLICIES[policy]
  const left = windowSeconds - ((Date.now() / 1000) % windowSeconds)
  if (left < marginSeconds) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 50))
}

/** Puts everybody's window of `policy` at its limit, as if many addresses had used it up. */
async function exhaustOverall(policy: RateLimitPolicy) {
  await clearOfWindowEdge(policy)
  const { sql } = await import('drizzle-orm')
  const { ALL_CLIENTS, RATE_LIMIT_POLICIES, policyKey } = await import('~/platform/security/rate-limit.server')
  const { limit, windowSeconds } = RATE_LIMIT_POLICIES[policy]
  await (
    await db()
  ).execute(sql`
    insert into rate_limit_windows (key, window_start, hits)
    values (${policyKey(policy, ALL_CLIENTS)},
      to_timestamp(floor(extract(epoch from statement_timestamp()) / ${windowSeconds}::float8) * ${windowSeconds}::float8),
      ${limit})
    on conflict (key, window_start) do update set hits = ${limit}
  `)
}

const formPost = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  post(url, fields, undefined, { userAgent: UA, headers })

const statusOf = (result: unknown) =>
  result instanceof Response ? result.status : ((result as DataResult).init?.status ?? 200)
const headerOf = (result: unknown, name: string) =>
  result instanceof Response ? result.headers.get(name) : new Headers((result as DataResult).init?.headers).get(name)

// ---------------------------------------------------------------------------

describe('starting guest sessions is limited per address and overall', () => {
  let shownVersions: string
  beforeAll(async () => {
    const form = (await routes.guest.loader({
      request: new Request(`${ORIGIN}/en/guest`),
      params: { lang: 'en' },
      context: {},
    })) as unknown as { shownVersions: string }
    shownVersions = form.shownVersions
  })
  const start = (lang: 'ru' | 'en', ip: string) =>
    settle(() =>
      routes.guest.action({
        request: formPost(`/${lang}/guest`, {
          accept_terms: 'yes',
          accept_privacy: 'yes',
          accept_consent: 'yes',
          shownVersions,
        }),
        params: { lang },
        context: { clientIp: ip },
      }),
    )

  it('lets one address start 10 guests an hour, then answers a localized 429 with Retry-After and writes nothing', async () => {
    await clearOfWindowEdge('guest-ip')
    const ip = nextIp()
    for (let i = 0; i < 10; i++) expect(statusOf(await start('en', ip))).toBe(302)
    const before = await written()
    const refused = await start('en', ip)
    expect(statusOf(refused)).toBe(429)
    const retryAfter = Number(headerOf(refused, 'Retry-After'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(3600)
    const failure = (refused as DataResult).data as { formError: string; formErrorParams: { count: number } }
    expect(failure.formError).toBe('auth:errors.rateLimited')
    const { getFixedT } = await import('~/platform/i18n/i18next.server')
    expect(getFixedT('ru', 'auth')(failure.formError, failure.formErrorParams)).toMatch(/^Слишком много попыток/)
    expect(getFixedT('en', 'auth')(failure.formError, failure.formErrorParams)).toMatch(/^Too many attempts/)
    // No guest, no credits, no ledger row.
    expect(await written()).toEqual(before)
    // Another address is not held up by this one.
    expect(statusOf(await start('ru', nextIp()))).toBe(302)
  })

  it('refuses every address once the overall window is used up, writing nothing', async () => {
    await exhaustOverall('guest-all')
    const before = await written()
    const refused = await start('ru', nextIp())
    expect(statusOf(refused)).toBe(429)
    expect(Number(headerOf(refused, 'Retry-After'))).toBeGreaterThan(0)
    expect(await written()).toEqual(before)
  })
})

describe('cookie choices are limited per address and overall', () => {
  let version: number
  beforeAll(async () => {
    const { currentVersionsForAcceptance } = await import('~/acceptances/current-versions.server')
    version = (await currentVersionsForAcceptance(['cookies'], 'en'))[0]!.version
  })
  const choose = (ip: string, query = '') =>
    settle(() =>
      routes.consent.action({
        request: formPost(`/en/cookie-consent${query}`, {
          intent: 'all',
          shownVersion: String(version),
          returnTo: '/en/pricing',
        }),
        params: { lang: 'en' },
        context: { clientIp: ip },
      }),
    )

  it('records 30 choices from one address in ten minutes, then a localized 429 with Retry-After and nothing written', async () => {
    await clearOfWindowEdge('cookie-choice-ip')
    const ip = nextIp()
    for (let i = 0; i < 30; i++) expect(statusOf(await choose(ip, '?inline=1'))).toBe(200)
    const before = await written()
    for (const query of ['?inline=1', '']) {
      const refused = await choose(ip, query)
      expect(statusOf(refused)).toBe(429)
      expect(Number(headerOf(refused, 'Retry-After'))).toBeGreaterThan(0)
      const { data } = refused as DataResult
      expect(data).toMatchObject({ ok: false, failure: { formError: 'cookie-consent:rateLimited' } })
      const { failure } = data as { failure: { formError: string; formErrorParams?: Record<string, unknown> } }
      const { getFixedT } = await import('~/platform/i18n/i18next.server')
      expect(getFixedT('en', 'cookie-consent')(failure.formError, failure.formErrorParams ?? {})).toMatch(
        /^Too many cookie choices from this address\. Your choice was not saved/,
      )
      expect(headerOf(refused, 'Set-Cookie')).toBeNull()
    }
    expect(await written()).toEqual(before)
  })

  it('the Russian page says it in Russian', async () => {
    const ip = nextIp()
    const { getFixedT } = await import('~/platform/i18n/i18next.server')
    expect(getFixedT('ru', 'cookie-consent')('rateLimited', { count: 5 })).toBe(
      'Слишком много изменений настроек cookie с этого адреса. Выбор не сохранён; попробуйте снова через 5 минут.',
    )
    expect(statusOf(await choose(ip, '?inline=1'))).toBe(200)
  })

  it('refuses every address once the overall window is used up', async () => {
    await exhaustOverall('cookie-choice-all')
    const before = await written()
    expect(statusOf(await choose(nextIp(), '?inline=1'))).toBe(429)
    expect(await written()).toEqual(before)
  })
})

describe('the page-view beacon is limited per address and overall', () => {
  let consented: string
  beforeAll(async () => {
    const { currentVersionsForAcceptance } = await import('~/acceptances/current-versions.server')
    const { CONSENT_COOKIE, consentCookieValue, newConsentId } = await import('~/cookie-consent/cookie.server')
    const version = (await currentVersionsForAcceptance(['cookies'], 'ru'))[0]!.version
    const value = await consentCookieValue({
      consentId: newConsentId(),
      locale: 'ru',
      version,
      method: 'all',
      preferences: true,
      analytics: true,
      issuedAt: Math.floor(Date.now() / 1000) - 60,
    })
    consented = `${CONSENT_COOKIE}=${value}; palitra_stats=AAAAAAAAAAAAAAAAAAAAAA`
  })
  const beacon = (ip: string) =>
    routes.beacon.action({
      request: formPost('/api/page-view', { route: '/:lang/pricing', locale: 'ru' }, { Cookie: consented }),
      params: {},
      context: { clientIp: ip },
    })

  it('counts 120 views a minute from one address, then answers 429 with Retry-After and stores nothing', async () => {
    await clearOfWindowEdge('page-view-ip')
    const ip = nextIp()
    const first = await count('page_views')
    for (let i = 0; i < 120; i++) expect((await beacon(ip)).status).toBe(204)
    expect(await count('page_views')).toBe(first + 120)
    const before = await written()
    const refused = await beacon(ip)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(await written()).toEqual(before)
  })

  it('refuses every address once the overall window is used up', async () => {
    await exhaustOverall('page-view-all')
    const before = await written()
    expect((await beacon(nextIp())).status).toBe(429)
    expect(await written()).toEqual(before)
  })
})

describe('refused webhook calls are limited and kept only as a bounded summary', () => {
  const tbank = (body: string, ip: string) =>
    routes.tbank.action({
      request: new Request(`${ORIGIN}/webhooks/tbank`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      }),
      params: {},
      context: { clientIp: ip },
    })
  const sanity = (body: string, signature: string | null, ip: string) =>
    routes.sanity.action({
      request: new Request(`${ORIGIN}/webhooks/sanity`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(signature ? { [SIGNATURE_HEADER_NAME]: signature } : {}) },
        body,
      }),
      params: {},
      context: { clientIp: ip },
    })
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

  async function summaries() {
    const { refusedWebhooks } = await import('../support/schema')
    return (await db()).select().from(refusedWebhooks)
  }

  /** A pending sandbox order and a correctly signed CONFIRMED notification for it. */
  async function genuineNotification() {
    const { users, orders } = await import('../support/schema')
    const { getPaymentProvider, signedNotification } = await import('~/payments/provider.server')
    const provider = getPaymentProvider()
    const userId = randomUUID()
    await (await db()).insert(users).values({ id: userId, locale: 'ru' })
    const paymentId = String(randomInt(100_000_000, 999_999_999))
    const order = orderValues({ userId, provider: provider.kind, terminalKey: provider.terminalKey, paymentId })
    await (await db()).insert(orders).values(order)
    return JSON.stringify(
      signedNotification(provider, { orderId: order.id!, paymentId, status: 'CONFIRMED', amountKopecks: 59_000 }),
    )
  }

  it('stores when, which webhook, why, the byte length and SHA-256 of each forged T-Bank notification, and nothing else', async () => {
    const ip = nextIp()
    const forged = JSON.stringify({
      TerminalKey: 'x',
      OrderId: randomUUID(),
      Status: 'CONFIRMED',
      Token: '0'.repeat(64),
    })
    const before = (await summaries()).length
    const response = await tbank(forged, ip)
    expect(response.status).toBe(403)
    const rows = await summaries()
    expect(rows).toHaveLength(before + 1)
    const row = rows.find((r) => r.bodySha256 === sha256(forged))!
    expect(Object.keys(row).sort()).toEqual(['bodySha256', 'byteLength', 'id', 'reason', 'receivedAt', 'webhook'])
    expect(row).toMatchObject({ webhook: 'tbank', reason: 'bad-token', byteLength: Buffer.byteLength(forged) })
    expect(Math.abs(row.receivedAt.getTime() - Date.now())).toBeLessThan(60_000)
    // Not in the payment notifications any more: their body is not kept at all.
    expect(await count(`payment_notifications where outcome = 'bad-token'`)).toBe(0)
    const malformed = await tbank('not json', ip)
    expect(malformed.status).toBe(400)
    expect((await summaries()).find((r) => r.bodySha256 === sha256('not json'))).toMatchObject({ reason: 'malformed' })
  })

  it('answers 429 with Retry-After past 10 refusals from one address and stores nothing more, but a genuine notification from it still applies', async () => {
    await clearOfWindowEdge('refused-webhook-ip')
    const ip = nextIp()
    const forged = () => JSON.stringify({ OrderId: randomUUID(), Status: 'CONFIRMED', Token: 'f'.repeat(64) })
    for (let i = 0; i < 10; i++) expect((await tbank(forged(), ip)).status).toBe(403)
    const before = await written()
    const limited = await tbank(forged(), ip)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(await written()).toEqual(before)

    const genuine = await tbank(await genuineNotification(), ip)
    expect(genuine.status).toBe(200)
    expect(await genuine.text()).toBe('OK')
  })

  it('does the same for Sanity: a missing or bad signature is summarized, then limited; a signed call still passes', async () => {
    await clearOfWindowEdge('refused-webhook-ip')
    const ip = nextIp()
    const body = JSON.stringify({ _id: 'privacy-ru-v9', _type: 'legalDocument' })
    const missing = await sanity(body, null, ip)
    expect(missing.status).toBe(401)
    const forgedSignature = await encodeSignatureHeader(body, Date.now(), 'not-the-secret')
    for (let i = 0; i < 9; i++) expect((await sanity(body, forgedSignature, ip)).status).toBe(401)
    const rows = (await summaries()).filter((r) => r.webhook === 'sanity')
    expect(rows.map((r) => r.reason).sort()).toEqual([...Array(9).fill('bad-signature'), 'missing'])
    expect(rows.every((r) => r.bodySha256 === sha256(body) && r.byteLength === Buffer.byteLength(body))).toBe(true)

    const before = await written()
    const limited = await sanity(body, forgedSignature, ip)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(await written()).toEqual(before)

    const signed = await sanity(body, await encodeSignatureHeader(body, Date.now(), SANITY_SECRET), ip)
    expect(signed.status).toBe(200)
  })

  it('stores nothing for any address once the overall window of refusals is used up', async () => {
    await exhaustOverall('refused-webhook-all')
    const before = await written()
    expect((await tbank('{}', nextIp())).status).toBe(429)
    expect(await written()).toEqual(before)
  })

  it('the housekeeping sweep deletes summaries past 30 days and all but the newest of the cap', async () => {
    const { refusedWebhooks } = await import('../support/schema')
    const { sweepRefusedWebhooks } = await import('~/platform/security/refused-webhooks.server')
    const database = await db()
    await database.delete(refusedWebhooks)
    const now = new Date()
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000)
    const row = (daysAgo: number) => ({
      receivedAt: at(daysAgo),
      webhook: 'tbank',
      reason: 'bad-token',
      byteLength: 2,
      bodySha256: sha256(String(daysAgo)),
    })
    await database.insert(refusedWebhooks).values([row(31), row(40), row(1), row(2), row(3), row(4)])
    expect(await sweepRefusedWebhooks(database, { now, cap: 3 })).toBe(3)
    const left = await database.select().from(refusedWebhooks)
    expect(left.map((r) => r.receivedAt.getTime()).sort()).toEqual([at(3), at(2), at(1)].map((d) => d.getTime()))
  })
})
