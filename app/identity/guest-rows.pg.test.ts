import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { guests } from './schema'
import { captureDatabaseError, postgresDatabaseForFile } from '../../tests/db'
import { lockGuestIfExists } from './guest-rows.server'

// Real PostgreSQL: the lock must hold against another connection (the
// retention job deleting inactive guests) for the caller's whole transaction.
const handle = postgresDatabaseForFile()

describe('lockGuestIfExists (PostgreSQL)', () => {
  it("keeps the guest from being deleted until the caller's transaction ends, and lets a visit through", async () => {
    const id = `guest_${randomUUID()}`
    await handle.db.insert(guests).values({ id })
    let taken!: () => void
    const lockTaken = new Promise<void>((resolve) => (taken = resolve))
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const holder = handle.db.transaction(async (tx) => {
      expect(await lockGuestIfExists(tx, id)).toBe(true)
      taken()
      await released
    })
    try {
      await lockTaken
      // A visit changes no key: a key-share lock lets it through.
      await handle.db.update(guests).set({ lastSeenAt: new Date() }).where(eq(guests.id, id))
      // The retention job locks the guests it deletes FOR UPDATE: refused while the lock is held.
      const refused = await captureDatabaseError(
        handle.db.transaction((tx) =>
          tx.select().from(guests).where(eq(guests.id, id)).for('update', { noWait: true }),
        ),
      )
      expect(refused.code).toBe('55P03')
    } finally {
      release()
      await holder
    }
    await handle.db.delete(guests).where(eq(guests.id, id))
    expect(await handle.db.select().from(guests).where(eq(guests.id, id))).toEqual([])
  })

  it('answers false for a guest that does not exist', async () => {
    await handle.db.transaction(async (tx) => {
      expect(await lockGuestIfExists(tx, `guest_${randomUUID()}`)).toBe(false)
    })
  })
})
