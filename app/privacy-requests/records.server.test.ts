import { count, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { dataSubjectRequestEvents, dataSubjectRequests } from './schema'
import { captureDatabaseError } from '../../tests/db'
import { requestsFixture } from '../../tests/support/privacy-requests'

// The table's own guards, below the model: the event log every change of a
// request is recorded in (records.server.ts) and the deadline columns.
const fixture = requestsFixture()
const { openRequest, row } = fixture

describe('the database', () => {
  it('refuses a received request without a due date and an extension without a reason', async () => {
    const created = await openRequest()
    const { id } = await row(created.number)
    expect(
      (
        await captureDatabaseError(
          fixture.db.update(dataSubjectRequests).set({ dueOn: null }).where(eq(dataSubjectRequests.id, id)),
        )
      ).constraint,
    ).toBe('data_subject_requests_received_has_due')
    expect(
      (
        await captureDatabaseError(
          fixture.db
            .update(dataSubjectRequests)
            .set({ extendedAt: new Date(), extensionReason: ' ' })
            .where(eq(dataSubjectRequests.id, id)),
        )
      ).constraint,
    ).toBe('data_subject_requests_extension_reasoned')
  })

  it('keeps the event log append-only', async () => {
    const created = await openRequest()
    const { id } = await row(created.number)
    const error = await captureDatabaseError(
      fixture.db
        .update(dataSubjectRequestEvents)
        .set({ note: 'rewritten' })
        .where(eq(dataSubjectRequestEvents.requestId, id)),
    )
    expect(error.message).toContain('append-only')
    const [{ n }] = (await fixture.db
      .select({ n: count() })
      .from(dataSubjectRequestEvents)
      .where(eq(dataSubjectRequestEvents.requestId, id))) as [{ n: number }]
    expect(Number(n)).toBe(2)
  })
})
