import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../tests/db'
import { acceptances, type NewAcceptanceRow } from './schema'
import { legalDocumentVersions } from '~/legal/schema'
import { pageViews } from '~/cookie-consent/schema'
import { users } from '~/identity/schema'
import { logger } from '~/platform/log.server'
import { eraseExpiredEvidence } from './retention.server'
import { startRetentionSchedule } from '~/flows/retention/schedule.server'

// The database guard compares against its own clock (now()), so these tests
// use the real time and rows recorded in the past.
const DAY = 24 * 60 * 60 * 1000
const daysAgo = (days: number) => new Date(Date.now() - days * DAY)

let database: TestDatabase
let documentVersionId: string
let userId: string

beforeAll(async () => {
  database = await createTestDatabase()
  const [version] = await database.db
    .insert(legalDocumentVersions)
    .values({
      kind: 'terms',
      locale: 'ru',
      version: 1,
      effectiveFrom: new Date('2022-01-01T00:00:00Z'),
      title: 'Условия',
      body: [
        {
          _type: 'block',
          _key: 'a',
          style: 'normal',
          markDefs: [],
          children: [{ _type: 'span', text: 'Т', marks: [] }],
        },
      ],
      plainText: 'Условия\n\nТ',
      sha256: 'a'.repeat(64),
      sourceDocumentId: 'terms-ru-1',
    })
    .returning()
  documentVersionId = version!.id
  userId = `user_${randomUUID()}`
  await database.db.insert(users).values({ id: userId })
})

afterAll(async () => {
  await database?.close()
})

async function insertRow(recordedAt: Date, overrides: Partial<NewAcceptanceRow> = {}) {
  const [row] = await database.db
    .insert(acceptances)
    .values({
      userId,
      documentVersionId,
      kind: 'terms',
      locale: 'ru',
      version: 1,
      contentSha256: 'a'.repeat(64),
      event: 'register',
      state: 'given',
      wording: 'Принимаю условия',
      recordedAt,
      ip: '198.51.100.4',
      userAgent: 'Browser/1.0',
      actionType: 'account',
      actionId: userId,
      ...overrides,
    })
    .returning()
  return row!
}

async function readRow(id: string) {
  const result = await database.db.execute(sql`select to_jsonb(a) as row from acceptances a where id = ${id}`)
  return (result as unknown as { rows: Array<{ row: Record<string, unknown> }> }).rows[0]!.row
}

/** A raw statement in a transaction that declares the retention cut-off. */
function withCutoff(cutoff: Date, statement: ReturnType<typeof sql>) {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('palitra.ledger_retention_cutoff', ${cutoff.toISOString()}, true)`)
    await tx.execute(statement)
  })
}

describe('the retention exception in the database', () => {
  const APPEND_ONLY = /append-only/

  it('refuses erasing ip and user agent without the setting', async () => {
    const row = await insertRow(daysAgo(1200))
    const error = await captureDatabaseError(
      database.db.execute(sql`update acceptances set ip = null, user_agent = null where id = ${row.id}`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('lets the declared cut-off erase ip and user agent of older rows, and nothing else', async () => {
    const row = await insertRow(daysAgo(1200))
    await withCutoff(daysAgo(800), sql`update acceptances set ip = null, user_agent = null where id = ${row.id}`)
    const after = await readRow(row.id)
    expect(after.ip).toBeNull()
    expect(after.user_agent).toBeNull()
    expect(after.wording).toBe('Принимаю условия')
  })

  it.each([
    ['another column', sql`ip = null, user_agent = null, wording = 'rewritten'`],
    ['ip to another value', sql`ip = '192.0.2.1', user_agent = null`],
    ['only the user agent while ip stays', sql`user_agent = null`],
  ])('refuses changing %s even with the setting', async (_name, assignments) => {
    const row = await insertRow(daysAgo(1200))
    const error = await captureDatabaseError(
      withCutoff(daysAgo(800), sql`update acceptances set ${assignments} where id = ${row.id}`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
    expect((await readRow(row.id)).ip).toBe('198.51.100.4')
  })

  it('refuses rows recorded after the cut-off', async () => {
    const row = await insertRow(daysAgo(500))
    const error = await captureDatabaseError(
      withCutoff(daysAgo(800), sql`update acceptances set ip = null, user_agent = null where id = ${row.id}`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('refuses a cut-off less than a year old', async () => {
    const row = await insertRow(daysAgo(1200))
    const error = await captureDatabaseError(
      withCutoff(daysAgo(300), sql`update acceptances set ip = null, user_agent = null where id = ${row.id}`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('refuses DELETE even with the setting', async () => {
    const row = await insertRow(daysAgo(1200))
    const error = await captureDatabaseError(
      withCutoff(daysAgo(800), sql`delete from acceptances where id = ${row.id}`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
  })
})

describe('eraseExpiredEvidence', () => {
  it('erases only ip and user agent, only of rows older than the retention period', async () => {
    const old = await insertRow(daysAgo(1100))
    const onlyUa = await insertRow(daysAgo(1100), { ip: null })
    const recent = await insertRow(daysAgo(1000))
    const fresh = await insertRow(daysAgo(5))
    const before = await readRow(old.id)

    // Rows from the tests above may be erased too; count only what this test owns.
    await eraseExpiredEvidence(database.db, { now: new Date(), retentionDays: 1095 })

    const after = await readRow(old.id)
    expect(after.ip).toBeNull()
    expect(after.user_agent).toBeNull()
    const { ip: _ip, user_agent: _ua, ...rest } = after
    const { ip: _ip0, user_agent: _ua0, ...restBefore } = before
    expect(rest).toEqual(restBefore)
    expect((await readRow(onlyUa.id)).user_agent).toBeNull()
    expect((await readRow(recent.id)).ip).toBe('198.51.100.4')
    expect((await readRow(fresh.id)).user_agent).toBe('Browser/1.0')
  })

  it('counts the rows it changed, and finds nothing the second time', async () => {
    await eraseExpiredEvidence(database.db, { now: new Date(), retentionDays: 365 })
    await insertRow(daysAgo(400))
    await insertRow(daysAgo(400), { userAgent: null })
    await insertRow(daysAgo(400), { ip: null, userAgent: null })
    await insertRow(daysAgo(100))
    expect(await eraseExpiredEvidence(database.db, { now: new Date(), retentionDays: 365 })).toBe(2)
    expect(await eraseExpiredEvidence(database.db, { now: new Date(), retentionDays: 365 })).toBe(0)
  })

  it('leaves the setting behind in no later transaction', async () => {
    await eraseExpiredEvidence(database.db, { now: new Date(), retentionDays: 365 })
    const row = await insertRow(daysAgo(1200))
    const error = await captureDatabaseError(
      database.db.transaction((tx) =>
        tx.execute(sql`update acceptances set ip = null, user_agent = null where id = ${row.id}`),
      ),
    )
    expect(error.message).toMatch(/append-only/)
  })

  it("waits rather than fails when the period in days falls short of the database clock's year", async () => {
    // An app clock a day ahead makes now - 365 days newer than the database's
    // "a year ago"; the cut-off is held back to that year instead of tripping the guard.
    const row = await insertRow(daysAgo(364.5))
    const aheadByADay = new Date(Date.now() + DAY)
    await expect(eraseExpiredEvidence(database.db, { now: aheadByADay, retentionDays: 365 })).resolves.toBeTypeOf(
      'number',
    )
    expect((await readRow(row.id)).ip).toBe('198.51.100.4')
  })

  it('refuses a retention period shorter than a year', async () => {
    await expect(eraseExpiredEvidence(database.db, { now: new Date(), retentionDays: 364 })).rejects.toThrow(RangeError)
  })
})

describe('startRetentionSchedule', () => {
  it('runs at once, then on its interval', async () => {
    const info = vi.spyOn(logger, 'info')
    const runs = () =>
      info.mock.calls.filter(([fields]) => (fields as { event?: string }).event === 'ledger.retention.run')
    const row = await insertRow(daysAgo(1200))
    const schedule = startRetentionSchedule(database.db, { intervalMs: 50 })
    try {
      await vi.waitFor(() => expect(runs().length).toBeGreaterThanOrEqual(1))
      expect((await readRow(row.id)).ip).toBeNull()
      await vi.waitFor(() => expect(runs().length).toBeGreaterThanOrEqual(2))
    } finally {
      schedule.stop()
      info.mockRestore()
    }
  })

  it('also deletes page views older than 12 months', async () => {
    const info = vi.spyOn(logger, 'info')
    const purged = () =>
      info.mock.calls.filter(([fields]) => (fields as { event?: string }).event === 'page-views.retention.run')
    const visitorId = randomUUID().replaceAll('-', '').slice(0, 22)
    const view = (viewedAt: Date) => ({
      visitorId,
      route: '/:lang',
      locale: 'ru' as const,
      device: 'desktop' as const,
      viewedAt,
    })
    await database.db.insert(pageViews).values([view(daysAgo(400)), view(daysAgo(30))])
    const schedule = startRetentionSchedule(database.db, { intervalMs: 60_000 })
    try {
      await vi.waitFor(() => expect(purged().length).toBeGreaterThanOrEqual(1))
      const left = await database.db
        .select()
        .from(pageViews)
        .where(sql`${pageViews.visitorId} = ${visitorId}`)
      expect(left).toHaveLength(1)
      expect(left[0]!.viewedAt.getTime()).toBeGreaterThan(daysAgo(60).getTime())
    } finally {
      schedule.stop()
      info.mockRestore()
    }
  })
})
