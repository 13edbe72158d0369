import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TIMELINE, createTestContentSource } from '~/acceptances/__fixtures__/legal-dataset'
import { currentVersionsForAcceptance, type CurrentVersion } from '~/acceptances/current-versions.server'
import { acceptances, cookieConsents } from '~/acceptances/schema'
import { dataSubjectRequests } from '~/privacy-requests/schema'
import { generationJobs } from '~/generation/schema'
import { guests, users } from '~/identity/schema'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { memoryStorage } from '../../../tests/support/generation'
import { GONE, fullHistory, guestWithHistory, setDaysAway, whatRemainsOf } from '../../../tests/support/guests'
import { linkGuestToUser } from '~/flows/account/guest-link.server'
import { deleteInactiveGuests } from './inactive-guests.server'

let handle: TestDatabase
let content: ReturnType<typeof createTestContentSource>
let documents: CurrentVersion[]

beforeAll(async () => {
  handle = await createTestDatabase()
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

/** Guests left over from an earlier test must not count in the next one. */
async function clearAwayGuests() {
  const storage = memoryStorage()
  await deleteInactiveGuests(handle.db, storage)
}

describe('deleteInactiveGuests', () => {
  it('deletes a guest away for 30 days with its data and files, keeping the ledger rows', async () => {
    const { db } = handle
    await clearAwayGuests()
    const storage = memoryStorage()
    const away = await guestWithHistory(db, storage, { documents, daysAway: 31, request: 'completed' })
    const ledgerBefore = await db.select().from(acceptances).where(eq(acceptances.guestId, away.guestId))
    expect(ledgerBefore).toHaveLength(3)

    const result = await deleteInactiveGuests(db, storage)
    expect(result).toEqual({ guests: 1, generations: 2, creditMovements: 4 })
    expect(await whatRemainsOf(db, away)).toEqual({ ...GONE, ledgerRows: 3 })
    // Every file of its generations, the photo included.
    expect(away.files.filter((key) => storage.objects.has(key))).toEqual([])
    expect(storage.objects.size).toBe(0)

    // The evidence is untouched, still under the guest's id.
    expect(await db.select().from(acceptances).where(eq(acceptances.guestId, away.guestId))).toEqual(ledgerBefore)
    // The consent id and its cookie-choice row stay, unlinked.
    const [consent] = await db.select().from(cookieConsents).where(eq(cookieConsents.id, away.consentId))
    expect(consent).toMatchObject({ id: away.consentId, guestId: null })
    expect(await db.select().from(acceptances).where(eq(acceptances.consentId, away.consentId))).toHaveLength(1)
    // The completed request stays for the legal team, without the guest.
    const [request] = await db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.id, away.requestId!))
    expect(request).toMatchObject({ status: 'completed', guestId: null, email: 'guest.request@palitra.example' })

    // A second run finds nothing.
    expect(await deleteInactiveGuests(db, storage)).toEqual({ guests: 0, generations: 0, creditMovements: 0 })
  })

  it('leaves guests seen within 30 days, guests linked to an account, and others’ data alone', async () => {
    const { db } = handle
    await clearAwayGuests()
    const storage = memoryStorage()
    const recent = await guestWithHistory(db, storage, { documents, daysAway: 29 })
    const linked = await guestWithHistory(db, storage, { documents, daysAway: 90 })
    const userId = `user_${randomUUID()}`
    await db.insert(users).values({ id: userId })
    expect(await db.transaction((tx) => linkGuestToUser(tx, linked.guestId, userId))).toBe('linked')
    await setDaysAway(db, linked.guestId, 90)
    const linkedBefore = await whatRemainsOf(db, linked)
    const away = await guestWithHistory(db, storage, { documents, daysAway: 45 })
    const filesOfOthers = [...recent.files, ...linked.files]

    expect(await deleteInactiveGuests(db, storage)).toMatchObject({ guests: 1, generations: 2 })
    expect(await whatRemainsOf(db, away)).toEqual({ ...GONE, ledgerRows: 3 })
    expect(await whatRemainsOf(db, recent)).toEqual(fullHistory(3))
    // The linked guest's generations and credit trail now belong to the account, and stay.
    expect(await whatRemainsOf(db, linked)).toEqual(linkedBefore)
    expect(linkedBefore).toMatchObject({ guest: 1, jobs: 2, movements: 5 })
    const [job] = await db.select().from(generationJobs).where(eq(generationJobs.id, linked.jobIds[0]!))
    expect(job).toMatchObject({ owner: `user:${userId}` })
    expect(filesOfOthers.filter((key) => !storage.objects.has(key))).toEqual([])
  })

  it('counts the 30 days from the last visit, not from the start', async () => {
    const { db } = handle
    await clearAwayGuests()
    const storage = memoryStorage()
    const guest = await guestWithHistory(db, storage, { documents, daysAway: 60 })
    // Started 60 days ago, but visited yesterday.
    await setDaysAway(db, guest.guestId, 1)
    expect((await deleteInactiveGuests(db, storage)).guests).toBe(0)
    expect(await whatRemainsOf(db, guest)).toEqual(fullHistory(3))
    // The job reads its period from the register: 30 days after that visit it is due.
    const day = 24 * 60 * 60 * 1000
    await deleteInactiveGuests(db, storage, { now: new Date(Date.now() + 28 * day) })
    expect((await whatRemainsOf(db, guest)).guest).toBe(1)
    await deleteInactiveGuests(db, storage, { now: new Date(Date.now() + 29 * day + 60_000) })
    expect(await whatRemainsOf(db, guest)).toEqual({ ...GONE, ledgerRows: 3 })
  })

  it('keeps a guest while a request about it is being answered, and deletes it once the request is completed', async () => {
    const { db } = handle
    await clearAwayGuests()
    const storage = memoryStorage()
    const asking = await guestWithHistory(db, storage, { documents, daysAway: 40, request: 'open' })
    expect((await deleteInactiveGuests(db, storage)).guests).toBe(0)
    expect(await whatRemainsOf(db, asking)).toEqual({ ...fullHistory(3), requestLinks: 1 })

    await db
      .update(dataSubjectRequests)
      .set({ status: 'completed', outcome: 'fulfilled', completedAt: new Date() })
      .where(eq(dataSubjectRequests.id, asking.requestId!))
    expect((await deleteInactiveGuests(db, storage)).guests).toBe(1)
    expect(await whatRemainsOf(db, asking)).toEqual({ ...GONE, ledgerRows: 3 })
  })

  it('works through many guests in batches', async () => {
    const { db } = handle
    await clearAwayGuests()
    const storage = memoryStorage()
    const away = []
    for (let i = 0; i < 5; i++) away.push(await guestWithHistory(db, storage, { documents, daysAway: 31 + i }))
    expect(await deleteInactiveGuests(db, storage, { batchSize: 2 })).toEqual({
      guests: 5,
      generations: 10,
      creditMovements: 20,
    })
    for (const guest of away) expect(await whatRemainsOf(db, guest)).toEqual({ ...GONE, ledgerRows: 3 })
    expect(storage.objects.size).toBe(0)
  })

  it('does not mind files that are already gone, and reports files it could not remove', async () => {
    const { db } = handle
    await clearAwayGuests()
    const storage = memoryStorage()
    const guest = await guestWithHistory(db, storage, { documents, daysAway: 31 })
    // The photo was swept after its own 30 days; the images vanished some other way.
    storage.objects.clear()
    expect((await deleteInactiveGuests(db, storage)).guests).toBe(1)

    const stuck = await guestWithHistory(db, storage, { documents, daysAway: 31 })
    const failing = { ...storage, deletePrefix: async () => Promise.reject(new Error('storage is down')) }
    // The rows go regardless: a file nobody can reach is logged for removal by hand.
    expect((await deleteInactiveGuests(db, failing)).guests).toBe(1)
    expect(await whatRemainsOf(db, stuck)).toEqual({ ...GONE, ledgerRows: 3 })
    expect(await db.select().from(guests).where(eq(guests.id, guest.guestId))).toEqual([])
  })
})
