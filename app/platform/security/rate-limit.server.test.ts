import { randomUUID } from 'node:crypto'
import { like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rateLimitWindows } from './schema'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import {
  ALL_CLIENTS,
  checkClientThenOverall,
  checkLimits,
  hit,
  ipSubject,
  policyKey,
  RATE_LIMIT_POLICIES,
  sweepRateLimitWindows,
} from './rate-limit.server'

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

// 100 s into a 15-minute window (windows are aligned on the Unix epoch).
const windowStart = new Date('2025-09-01T10:00:00Z')
const at = (seconds: number) => new Date(windowStart.getTime() + seconds * 1000)

describe('hit', () => {
  it('lets `limit` hits through in a window, then says how long until the next one', async () => {
    const key = `test:${randomUUID()}`
    const rule = { limit: 3, windowSeconds: 900 }
    for (let i = 0; i < 3; i++) expect(await hit(handle.db, key, { ...rule, now: at(100 + i) })).toEqual({ ok: true })
    expect(await hit(handle.db, key, { ...rule, now: at(100) })).toEqual({ ok: false, retryAfterSeconds: 800 })
    expect(await hit(handle.db, key, { ...rule, now: at(899.5) })).toEqual({ ok: false, retryAfterSeconds: 1 })
    // The next window starts from zero.
    expect(await hit(handle.db, key, { ...rule, now: at(900) })).toEqual({ ok: true })
  })

  it('counts keys separately', async () => {
    const rule = { limit: 1, windowSeconds: 60, now: at(0) }
    const a = `test:${randomUUID()}`
    const b = `test:${randomUUID()}`
    expect(await hit(handle.db, a, rule)).toEqual({ ok: true })
    expect(await hit(handle.db, b, rule)).toEqual({ ok: true })
    expect((await hit(handle.db, a, rule)).ok).toBe(false)
  })

  it("uses the database's clock when no time is given", async () => {
    const key = `test:${randomUUID()}`
    expect(await hit(handle.db, key, { limit: 1, windowSeconds: 3600 })).toEqual({ ok: true })
    const refused = await hit(handle.db, key, { limit: 1, windowSeconds: 3600 })
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1)
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(3600)
    }
  })

  it('keeps concurrent hits exact', async () => {
    const key = `test:${randomUUID()}`
    const results = await Promise.all(
      Array.from({ length: 12 }, () => hit(handle.db, key, { limit: 5, windowSeconds: 60, now: at(0) })),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(5)
  })

  it('refuses a window that is not a positive whole number of seconds', async () => {
    await expect(hit(handle.db, 'x', { limit: 1, windowSeconds: 0 })).rejects.toThrow(/windowSeconds/)
  })
})

describe('checkLimits', () => {
  it('counts every named limit and refuses with the longest wait', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`
    const email = `${randomUUID()}@mail.example`
    const checks = [
      { policy: 'reset-ip', subject: ip },
      { policy: 'reset-account', subject: email },
    ] as const
    const now = at(600) // 10 minutes into the hour
    for (let i = 0; i < RATE_LIMIT_POLICIES['reset-account'].limit; i++) {
      expect(await checkLimits(handle.db, [...checks], { now })).toEqual({ ok: true })
    }
    // The account limit (3/hour) is reached; the IP one (5/hour) is not yet.
    expect(await checkLimits(handle.db, [...checks], { now })).toEqual({ ok: false, retryAfterSeconds: 3000 })
    // The refused attempt still counted against the IP: one more and it is full too.
    expect(await checkLimits(handle.db, [{ policy: 'reset-ip', subject: ip }], { now })).toEqual({ ok: true })
    expect((await checkLimits(handle.db, [{ policy: 'reset-ip', subject: ip }], { now })).ok).toBe(false)
  })

  it('skips a missing subject', async () => {
    expect(await checkLimits(handle.db, [{ policy: 'signin-ip', subject: null }])).toEqual({ ok: true })
  })

  it('stores neither addresses nor e-mails in the keys', async () => {
    const email = `Secret.${randomUUID()}@Mail.example`
    await checkLimits(handle.db, [{ policy: 'signin-account', subject: email }], { now: at(0) })
    const rows = await handle.db.select().from(rateLimitWindows).where(like(rateLimitWindows.key, 'signin-account:%'))
    expect(rows.some((r) => r.key.includes('@') || r.key.toLowerCase().includes('secret'))).toBe(false)
    expect(policyKey('signin-account', email)).toBe(policyKey('signin-account', email.toLowerCase()))
  })
})

describe('ipSubject', () => {
  it('groups IPv6 addresses by /64 and unwraps IPv4-mapped ones', () => {
    expect(ipSubject('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(ipSubject('2001:DB8:1:2::9')).toBe('2001:db8:1:2::/64')
    expect(ipSubject('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(ipSubject('::1')).toBe('0:0:0:0::/64')
    expect(ipSubject('::ffff:192.0.2.10')).toBe('192.0.2.10')
    expect(ipSubject(' 192.0.2.10 ')).toBe('192.0.2.10')
    expect(policyKey('signin-ip', '2001:db8:1:2::a')).toBe(policyKey('signin-ip', '2001:db8:1:2:ffff::1'))
    expect(policyKey('signin-ip', '2001:db8:1:2::a')).not.toBe(policyKey('signin-ip', '2001:db8:1:3::a'))
  })
})

describe('sweepRateLimitWindows', () => {
  it('deletes windows older than the retention', async () => {
    const key = `sweep:${randomUUID()}`
    const now = new Date('2025-09-02T12:00:00Z')
    await hit(handle.db, key, { limit: 5, windowSeconds: 60, now: new Date('2025-09-01T00:00:00Z') })
    await hit(handle.db, key, { limit: 5, windowSeconds: 60, now })
    expect(await sweepRateLimitWindows(handle.db, { now })).toBeGreaterThanOrEqual(1)
    const left = await handle.db.select().from(rateLimitWindows).where(like(rateLimitWindows.key, key))
    expect(left.map((r) => r.windowStart.toISOString())).toEqual(['2025-09-02T12:00:00.000Z'])
  })
})

describe('checkClientThenOverall', () => {
  it('counts toward the overall window only what the address was allowed, so one flooding address cannot use it up', async () => {
    // A window of its own, far from the other tests' windows.
    const now = new Date('2031-03-03T03:00:10Z')
    const { limit: own } = RATE_LIMIT_POLICIES['guest-ip']
    const { limit: overall } = RATE_LIMIT_POLICIES['guest-all']
    const results = []
    for (let i = 0; i < own * 5; i++)
      results.push(await checkClientThenOverall(handle.db, 'guest', '192.0.2.1', { now }))
    expect(results.filter((r) => r.ok)).toHaveLength(own)
    const [row] = await handle.db
      .select()
      .from(rateLimitWindows)
      .where(like(rateLimitWindows.key, `${policyKey('guest-all', ALL_CLIENTS)}%`))
    expect(row!.hits).toBe(own)
    // Many addresses together meet the overall limit.
    let passed = own
    for (let i = 2; passed < overall + own; i++) {
      const result = await checkClientThenOverall(handle.db, 'guest', `192.0.${Math.floor(i / 250)}.${i % 250}`, {
        now,
      })
      if (!result.ok) break
      passed++
    }
    expect(passed).toBe(overall)
    expect(await checkClientThenOverall(handle.db, 'guest', '198.51.100.200', { now })).toMatchObject({ ok: false })
  })

  it('treats a missing address as one shared address', async () => {
    const now = new Date('2031-04-04T04:00:10Z')
    const { limit } = RATE_LIMIT_POLICIES['cookie-choice-ip']
    for (let i = 0; i < limit; i++)
      expect((await checkClientThenOverall(handle.db, 'cookie-choice', null, { now })).ok).toBe(true)
    expect((await checkClientThenOverall(handle.db, 'cookie-choice', undefined, { now })).ok).toBe(false)
  })
})
