import { randomUUID } from 'node:crypto'
import { eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataSubjectRequestEvents, dataSubjectRequests, type RequestStatus } from './schema'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../tests/db'
import { deleteExpiredRequests } from './retention.server'

// Runs on PGlite and, under `npm run test:pg`, on PostgreSQL. The event
// log's guard compares against the database's own clock, so requests here are
// dated in the real past and the job runs with the real time.
const DAY = 24 * 60 * 60 * 1000
const YEAR = 365.25 * DAY
const yearsAgo = (years: number) => new Date(Date.now() - years * YEAR)
const day = (d: Date) => d.toISOString().slice(0, 10)

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

/**
 * A request in `status` whose clock (completion, or the expiry of its
 * confirmation link) is `yearsAgo` years back, with its events.
 */
async function request(status: RequestStatus, clockYearsAgo: number): Promise<string> {
  const at = yearsAgo(clockYearsAgo)
  const received = status !== 'awaiting-confirmation'
  const [row] = await handle.db
    .insert(dataSubjectRequests)
    .values({
      kind: 'access',
      regime: 'ru',
      status,
      outcome: status === 'completed' ? 'fulfilled' : null,
      locale: 'ru',
      email: `${randomUUID()}@mail.example`,
      details: 'Прошу сообщить, какие данные обо мне хранятся',
      confirmTokenHash: received ? null : randomUUID(),
      confirmExpiresAt: received ? null : at,
      createdAt: new Date(at.getTime() - 20 * DAY),
      receivedAt: received ? new Date(at.getTime() - 10 * DAY) : null,
      originalDueOn: received ? day(at) : null,
      dueOn: received ? day(at) : null,
      completedAt: status === 'completed' ? at : null,
      completionNote: status === 'completed' ? 'Ответ отправлен' : null,
      ip: '198.51.100.7',
    })
    .returning({ id: dataSubjectRequests.id })
  const id = row!.id
  await handle.db.insert(dataSubjectRequestEvents).values([
    {
      requestId: id,
      action: 'created',
      toStatus: received ? 'open' : 'awaiting-confirmation',
      at: new Date(at.getTime() - 20 * DAY),
    },
    ...(status === 'completed'
      ? [
          {
            requestId: id,
            action: 'completed',
            fromStatus: 'open',
            toStatus: 'completed',
            note: 'Ответ отправлен',
            at,
          },
        ]
      : []),
  ])
  return id
}

async function events(requestId: string) {
  return handle.db.select().from(dataSubjectRequestEvents).where(eq(dataSubjectRequestEvents.requestId, requestId))
}

function deleteEventsWith(cutoff: Date | null, requestId: string) {
  return handle.db.transaction(async (tx) => {
    if (cutoff) {
      await tx.execute(sql`select set_config('palitra.request_retention_cutoff', ${cutoff.toISOString()}, true)`)
    }
    await tx.execute(sql`delete from data_subject_request_events where request_id = ${requestId}`)
  })
}

const APPEND_ONLY = /append-only/

describe('the request history deletion path in the database', () => {
  it('refuses a DELETE without the declaration', async () => {
    const id = await request('completed', 5)
    expect((await captureDatabaseError(deleteEventsWith(null, id))).message).toMatch(APPEND_ONLY)
    expect(await events(id)).toHaveLength(2)
  })

  it('refuses a cut-off less than 3 years old by the database clock', async () => {
    const id = await request('completed', 5)
    expect((await captureDatabaseError(deleteEventsWith(yearsAgo(2.9), id))).message).toMatch(APPEND_ONLY)
  })

  it.each([
    ['an open request, however old', 'open' as const, 6],
    ['a request completed after the cut-off', 'completed' as const, 2],
    ['an unconfirmed request whose link expired after the cut-off', 'awaiting-confirmation' as const, 1],
  ])('refuses the history of %s', async (_name, status, clock) => {
    const id = await request(status, clock)
    expect((await captureDatabaseError(deleteEventsWith(yearsAgo(3.1), id))).message).toMatch(APPEND_ONLY)
    expect((await events(id)).length).toBeGreaterThan(0)
  })

  it('still refuses UPDATE and TRUNCATE inside a deletion transaction', async () => {
    const id = await request('completed', 5)
    const update = await captureDatabaseError(
      handle.db.transaction(async (tx) => {
        await tx.execute(
          sql`select set_config('palitra.request_retention_cutoff', ${yearsAgo(3.1).toISOString()}, true)`,
        )
        await tx.execute(sql`update data_subject_request_events set note = 'changed' where request_id = ${id}`)
      }),
    )
    expect(update.message).toMatch(APPEND_ONLY)
    const truncate = await captureDatabaseError(
      handle.db.transaction(async (tx) => {
        await tx.execute(
          sql`select set_config('palitra.request_retention_cutoff', ${yearsAgo(3.1).toISOString()}, true)`,
        )
        await tx.execute(sql`truncate data_subject_request_events`)
      }),
    )
    expect(truncate.message).toMatch(APPEND_ONLY)
  })

  it('lets a declared cut-off delete the history of a request completed before it', async () => {
    const id = await request('completed', 3.5)
    await deleteEventsWith(yearsAgo(3.1), id)
    expect(await events(id)).toEqual([])
  })
})

describe('deleteExpiredRequests', () => {
  it('deletes exactly the requests whose period has run, with their history', async () => {
    const due = [await request('completed', 3.2), await request('awaiting-confirmation', 4)]
    const kept = [await request('completed', 2.8), await request('open', 6), await request('awaiting-confirmation', 2)]
    const result = await deleteExpiredRequests(handle.db)
    expect(result.requests).toBeGreaterThanOrEqual(2)
    const left = await handle.db
      .select({ id: dataSubjectRequests.id })
      .from(dataSubjectRequests)
      .where(inArray(dataSubjectRequests.id, [...due, ...kept]))
    expect(left.map((r) => r.id).sort()).toEqual([...kept].sort())
    for (const id of due) expect(await events(id)).toEqual([])
    for (const id of kept) expect((await events(id)).length).toBeGreaterThan(0)
    expect(await deleteExpiredRequests(handle.db)).toEqual({ requests: 0, events: 0 })
  })

  it('waits rather than fails when the app clock runs ahead of the database', async () => {
    const id = await request('completed', 1090 / 365.25)
    await expect(deleteExpiredRequests(handle.db, new Date(Date.now() + 10 * DAY))).resolves.toEqual({
      requests: 0,
      events: 0,
    })
    expect(await events(id)).toHaveLength(2)
  })
})
