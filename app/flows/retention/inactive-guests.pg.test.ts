import { randomUUID } from 'node:crypto'
import { inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TIMELINE, createTestContentSource } from '~/acceptances/__fixtures__/legal-dataset'
import { currentVersionsForAcceptance, type CurrentVersion } from '~/acceptances/current-versions.server'
import { guests, users } from '~/identity/schema'
import type { ObjectStorage } from '~/platform/storage/types'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { memoryStorage } from '../../../tests/support/generation'
import { GONE, fullHistory, guestWithHistory, setDaysAway, whatRemainsOf } from '../../../tests/support/guests'
import { linkGuestToUser } from '~/flows/account/guest-link.server'
import { deleteInactiveGuests } from './inactive-guests.server'

// Real PostgreSQL: each run below works on its own pooled connections, as the
// housekeeping of two instances would.
let handle: TestDatabase
let content: ReturnType<typeof createTestContentSource>
let documents: CurrentVersion[]

beforeAll(async () => {
  handle = await createTestDatabase()
  expect(handle.driver).toBe('postgres')
  content = createTestContentSource()
  documents = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'ru', {
    now: TIMELINE.jan,
    deps: { db: handle.db, source: content.source },
  })
})

afterAll(async () => {
  content?.cleanup()
  await handle?.close()
})

/** A storage that counts, per prefix, how often something asked to remove it. */
function countingStorage(inner: ObjectStorage, removals: Map<string, number>): ObjectStorage {
  return {
    ...inner,
    async deletePrefix(prefix) {
      removals.set(prefix, (removals.get(prefix) ?? 0) + 1)
      // A little time in storage, as S3 takes: the other run gets to work meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 2))
      return inner.deletePrefix(prefix)
    },
  }
}

describe('deleting guests on several instances at once (PostgreSQL)', () => {
  it('deletes each guest exactly once, and leaves recent and linked guests alone', async () => {
    const { db } = handle
    const files = memoryStorage()
    const away = await Promise.all(
      Array.from({ length: 24 }, (_, i) => guestWithHistory(db, files, { documents, daysAway: 31 + (i % 5) })),
    )
    const recent = await Promise.all(
      Array.from({ length: 3 }, () => guestWithHistory(db, files, { documents, daysAway: 10 })),
    )
    const linked = await guestWithHistory(db, files, { documents, daysAway: 60 })
    const userId = `user_${randomUUID()}`
    await db.insert(users).values({ id: userId })
    await db.transaction((tx) => linkGuestToUser(tx, linked.guestId, userId))
    await setDaysAway(db, linked.guestId, 60)
    const linkedBefore = await whatRemainsOf(db, linked)

    const removals = new Map<string, number>()
    const runs = await Promise.all([
      deleteInactiveGuests(db, countingStorage(files, removals), { batchSize: 3 }),
      deleteInactiveGuests(db, countingStorage(files, removals), { batchSize: 3 }),
    ])
    expect(runs[0]!.guests + runs[1]!.guests).toBe(24)
    expect(runs[0]!.generations + runs[1]!.generations).toBe(48)
    expect(runs[0]!.creditMovements + runs[1]!.creditMovements).toBe(96)
    // Each deleted generation's files were removed by exactly one of the runs.
    const jobIds = away.flatMap((g) => g.jobIds)
    for (const id of jobIds) {
      expect(removals.get(`generations/${id}/`), id).toBe(1)
      expect(removals.get(`uploads/${id}/`), id).toBe(1)
    }
    expect(removals.size).toBe(jobIds.length * 2)

    for (const guest of away) expect(await whatRemainsOf(db, guest)).toEqual({ ...GONE, ledgerRows: 3 })
    for (const guest of recent) expect(await whatRemainsOf(db, guest)).toEqual(fullHistory(3))
    expect(await whatRemainsOf(db, linked)).toEqual(linkedBefore)
    const kept = [...recent, linked].flatMap((g) => g.files)
    expect(kept.filter((key) => !files.objects.has(key))).toEqual([])
    expect(away.flatMap((g) => g.files).filter((key) => files.objects.has(key))).toEqual([])

    // And a third run finds nothing left to do.
    expect(await deleteInactiveGuests(db, files)).toEqual({ guests: 0, generations: 0, creditMovements: 0 })
  })

  it('skips guests another run holds instead of waiting for them, and takes them on its next run', async () => {
    const { db } = handle
    const files = memoryStorage()
    const away = await Promise.all(
      Array.from({ length: 6 }, () => guestWithHistory(db, files, { documents, daysAway: 40 })),
    )
    const held = away.slice(0, 2).map((g) => g.guestId)
    // Another instance in the middle of a batch: its transaction holds two guests.
    await db.transaction(async (tx) => {
      await tx.select({ id: guests.id }).from(guests).where(inArray(guests.id, held)).for('update')
      const meanwhile = await deleteInactiveGuests(db, files, { batchSize: 2 })
      expect(meanwhile.guests).toBe(4)
    })
    for (const guest of away.slice(2)) expect((await whatRemainsOf(db, guest)).guest).toBe(0)
    for (const guest of away.slice(0, 2)) expect(await whatRemainsOf(db, guest)).toEqual(fullHistory(3))

    expect((await deleteInactiveGuests(db, files)).guests).toBe(2)
    for (const guest of away) expect(await whatRemainsOf(db, guest)).toEqual({ ...GONE, ledgerRows: 3 })
  })
})
