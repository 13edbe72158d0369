import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { checkLimits, hit } from './rate-limit.server'

// Real PostgreSQL: the pool runs these hits on several connections at once,
// as several instances of the site would.
let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

describe('rate limits under concurrency (PostgreSQL)', () => {
  it('lets exactly `limit` of 30 simultaneous hits on one key through', async () => {
    const key = `concurrent:${randomUUID()}`
    const results = await Promise.all(
      Array.from({ length: 30 }, () => hit(handle.db, key, { limit: 10, windowSeconds: 900 })),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(10)
    for (const refused of results.filter((r) => !r.ok)) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1)
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(900)
    }
  })

  it('holds a named policy across simultaneous sign-in attempts', async () => {
    const email = `${randomUUID()}@mail.example`
    const results = await Promise.all(
      Array.from({ length: 25 }, () => checkLimits(handle.db, [{ policy: 'signin-account', subject: email }])),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(10)
  })
})
