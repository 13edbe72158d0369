import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as GuestRoute from '~/routes/$lang.guest'
import type * as TbankRoute from '~/routes/webhooks.tbank'
import { isolateProcessDatabase } from '../db'
import { closeAppResources } from './support'

// Real PostgreSQL (npm run test:pg): the routes run concurrently on the pool's
// several connections, as requests on several instances would.

const dir = mkdtempSync(path.join(tmpdir(), 'palitra-rate-limits-pg-'))
process.env.DATA_DIR = dir
let dropOwnDatabase: () => Promise<void> = async () => {}
let routes: { guest: typeof GuestRoute; tbank: typeof TbankRoute }

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  const handle = await getDb()
  expect(handle).toBeTruthy()
  routes = { guest: await import('~/routes/$lang.guest'), tbank: await import('~/routes/webhooks.tbank') }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

async function count(table: string): Promise<number> {
  const { sql } = await import('drizzle-orm')
  const { getDb } = await import('~/platform/db/client.server')
  const result = await (await getDb()).execute(sql.raw(`select count(*)::int as n from ${table}`))
  return (result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n
}

async function status(run: () => Promise<unknown>): Promise<number> {
  try {
    const result = await run()
    return result instanceof Response ? result.status : ((result as { init?: { status?: number } }).init?.status ?? 200)
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status
    throw thrown
  }
}

describe('anonymous writes under concurrency (PostgreSQL)', () => {
  it('25 simultaneous guest starts from one address: exactly 10 guests, the rest 429 with nothing written', async () => {
    const form = (await routes.guest.loader({
      request: new Request('http://localhost/ru/guest'),
      params: { lang: 'ru' },
      context: {},
    })) as unknown as { shownVersions: string }
    const guestsBefore = await count('guests')
    const ledgerBefore = await count('acceptances')
    const statuses = await Promise.all(
      Array.from({ length: 25 }, () =>
        status(() =>
          routes.guest.action({
            request: new Request('http://localhost/ru/guest', {
              method: 'POST',
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                accept_terms: 'yes',
                accept_privacy: 'yes',
                accept_consent: 'yes',
                shownVersions: form.shownVersions,
              }),
            }),
            params: { lang: 'ru' },
            context: { clientIp: '192.0.2.10' },
          }),
        ),
      ),
    )
    expect(statuses.filter((s) => s === 302)).toHaveLength(10)
    expect(statuses.filter((s) => s === 429)).toHaveLength(15)
    expect(await count('guests')).toBe(guestsBefore + 10)
    // Three documents accepted per guest, none for the refused.
    expect(await count('acceptances')).toBe(ledgerBefore + 30)
  })

  it('25 simultaneous forged notifications from one address: exactly 10 summaries stored, the rest 429', async () => {
    const before = await count('refused_webhooks')
    const statuses = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        status(() =>
          routes.tbank.action({
            request: new Request('http://localhost/webhooks/tbank', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ OrderId: `forged-${i}`, Status: 'CONFIRMED', Token: '0'.repeat(64) }),
            }),
            params: {},
            context: { clientIp: '192.0.2.20' },
          }),
        ),
      ),
    )
    expect(statuses.filter((s) => s === 403)).toHaveLength(10)
    expect(statuses.filter((s) => s === 429)).toHaveLength(15)
    expect(await count('refused_webhooks')).toBe(before + 10)
  })
})
