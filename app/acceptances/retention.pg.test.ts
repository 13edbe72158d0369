import { randomUUID } from 'node:crypto'
import { inArray } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import { acceptances } from './schema'
import { dataSubjectRequestEvents, dataSubjectRequests } from '~/privacy-requests/schema'
import { legalDocumentVersions } from '~/legal/schema'
import { orders, paymentNotifications } from '~/payments/schema'
import { users } from '~/identity/schema'
import { logger } from '~/platform/log.server'
import { deleteExpiredPaymentRecords } from '~/payments/retention.server'
import { deleteExpiredRequests } from '~/privacy-requests/retention.server'
import { postgresDatabaseForFile } from '../../tests/db'
import { deleteExpiredAcceptances } from './retention.server'
import { startRetentionSchedule } from '~/flows/retention/schedule.server'
import { orderValues } from '../../tests/support/orders'

// Real PostgreSQL: the retention jobs of several instances run at once, each
// on its own pooled connection, as they do when every instance starts the
// daily schedule. Each due row must go exactly once and no run may fail.
const handle = postgresDatabaseForFile()

const DAY = 24 * 60 * 60 * 1000
const yearsAgo = (years: number) => new Date(Date.now() - years * 365.25 * DAY)
const INSTANCES = 4
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)

async function deletedAccount(yearsSinceDeletion: number) {
  const id = `user_${randomUUID()}`
  await handle.db.insert(users).values({ id, deletedAt: yearsAgo(yearsSinceDeletion) })
  return id
}

describe('retention jobs on several instances at once', () => {
  it('deletes each due ledger row once', async () => {
    const [version] = await handle.db
      .insert(legalDocumentVersions)
      .values({
        kind: 'terms',
        locale: 'ru',
        version: 1,
        effectiveFrom: new Date('2019-01-01T00:00:00Z'),
        title: 'Условия',
        body: [],
        plainText: 'Условия',
        sha256: 'a'.repeat(64),
        sourceDocumentId: 'terms-ru-1',
      })
      .returning()
    const gone = await deletedAccount(4)
    const recent = await deletedAccount(1)
    const row = (userId: string) => ({
      userId,
      documentVersionId: version!.id,
      kind: 'terms' as const,
      locale: 'ru' as const,
      version: 1,
      contentSha256: 'a'.repeat(64),
      event: 'register' as const,
      state: 'given' as const,
      wording: 'Принимаю',
      recordedAt: yearsAgo(5),
      actionType: 'account',
      actionId: userId,
    })
    await handle.db.insert(acceptances).values([...Array(40).fill(row(gone)), ...Array(5).fill(row(recent))])

    const counts = await Promise.all(Array.from({ length: INSTANCES }, () => deleteExpiredAcceptances(handle.db)))
    expect(sum(counts)).toBe(40)
    const left = await handle.db
      .select({ userId: acceptances.userId })
      .from(acceptances)
      .where(inArray(acceptances.userId, [gone, recent]))
    expect(left.every((r) => r.userId === recent)).toBe(true)
    expect(left).toHaveLength(5)
  })

  it('deletes each due order with its notifications once', async () => {
    const buyer = `buyer-${randomUUID()}`
    await handle.db.insert(users).values({ id: buyer })
    const ids = Array.from({ length: 30 }, () => randomUUID())
    const paidAt = new Date('2019-06-01T10:00:00Z')
    await handle.db
      .insert(orders)
      .values(
        ids.map((id) =>
          orderValues({ id, userId: buyer, status: 'confirmed', createdAt: paidAt, updatedAt: paidAt, paidAt }),
        ),
      )
    await handle.db
      .insert(paymentNotifications)
      .values(ids.map((orderId) => ({ orderId, outcome: 'applied', body: {}, receivedAt: paidAt })))

    const results = await Promise.all(Array.from({ length: INSTANCES }, () => deleteExpiredPaymentRecords(handle.db)))
    expect(sum(results.map((r) => r.orders))).toBe(30)
    expect(sum(results.map((r) => r.notifications))).toBe(30)
    expect(await handle.db.select().from(orders).where(inArray(orders.id, ids))).toEqual([])
  })

  it('deletes each due data-subject request and its history once', async () => {
    const completedAt = yearsAgo(4)
    const inserted = await handle.db
      .insert(dataSubjectRequests)
      .values(
        Array.from({ length: 20 }, () => ({
          kind: 'access' as const,
          regime: 'ru' as const,
          status: 'completed' as const,
          outcome: 'fulfilled' as const,
          locale: 'ru' as const,
          email: 'someone@mail.example',
          receivedAt: completedAt,
          originalDueOn: '2022-01-01',
          dueOn: '2022-01-01',
          completedAt,
        })),
      )
      .returning({ id: dataSubjectRequests.id })
    await handle.db
      .insert(dataSubjectRequestEvents)
      .values(
        inserted.map(({ id }) => ({ requestId: id, action: 'completed', toStatus: 'completed', at: completedAt })),
      )

    const results = await Promise.all(Array.from({ length: INSTANCES }, () => deleteExpiredRequests(handle.db)))
    expect(sum(results.map((r) => r.requests))).toBe(20)
    expect(sum(results.map((r) => r.events))).toBe(20)
  })

  it('runs the whole daily schedule on two instances at once without a failure', async () => {
    const info = vi.spyOn(logger, 'info')
    const error = vi.spyOn(logger, 'error')
    const finished = () =>
      info.mock.calls.filter(([fields]) => (fields as { event?: string }).event === 'privacy-requests.retention.run')
    const schedules = [startRetentionSchedule(handle.db), startRetentionSchedule(handle.db)]
    try {
      await vi.waitFor(() => expect(finished()).toHaveLength(2), { timeout: 15_000 })
      expect(error.mock.calls).toEqual([])
      const events = info.mock.calls.map(([fields]) => (fields as { event?: string }).event)
      for (const step of ['ledger', 'page-views', 'acceptances', 'cookie-choices', 'payments', 'refusals']) {
        expect(events.filter((e) => e === `${step}.retention.run`)).toHaveLength(2)
      }
    } finally {
      for (const schedule of schedules) schedule.stop()
      info.mockRestore()
      error.mockRestore()
    }
  })
})
