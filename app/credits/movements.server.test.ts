import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { creditBalances, creditMovements, type CreditOwner } from './schema'
import { guests, users } from '~/identity/schema'
import { createGuest } from '~/flows/account/guest-start.server'
import { linkGuestToUser } from '~/flows/account/guest-link.server'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../tests/db'
import { guestWithCredits } from '../../tests/support/generation'
import {
  applyMovement,
  balanceOf,
  chargeJob,
  creditHistory,
  eraseGuestCredits,
  NotEnoughCreditsError,
  refundJob,
} from './movements.server'

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

describe('credit ledger arithmetic', () => {
  it('keeps the balance equal to the sum of the movements, with balance_after on every row', async () => {
    const { db } = handle
    const { owner } = await guestWithCredits(db, 10)
    await db.transaction((tx) => chargeJob(tx, owner, 'job-a', 3))
    await db.transaction((tx) => chargeJob(tx, owner, 'job-b', 4))
    await db.transaction((tx) => refundJob(tx, owner, 'job-b', 4, 'failed'))
    expect(await balanceOf(db, owner)).toBe(7)
    const history = await creditHistory(db, owner)
    expect(history.map((m) => m.delta).reduce((a, b) => a + b, 0)).toBe(7)
    const oldestFirst = [...history].reverse()
    let running = 0
    for (const movement of oldestFirst) {
      running += movement.delta
      expect(movement.balanceAfter).toBe(running)
    }
    expect(oldestFirst.map((m) => m.reason)).toEqual(['grant', 'generation', 'generation', 'refund'])
  })

  it('refuses a debit below zero and writes nothing', async () => {
    const { db } = handle
    const { owner } = await guestWithCredits(db, 2)
    await expect(db.transaction((tx) => chargeJob(tx, owner, 'too-big', 3))).rejects.toBeInstanceOf(
      NotEnoughCreditsError,
    )
    expect(await balanceOf(db, owner)).toBe(2)
    expect((await creditHistory(db, owner)).map((m) => m.reason)).toEqual(['grant'])
  })

  it('applies each cause once per holder: a second refund of the same job changes nothing', async () => {
    const { db } = handle
    const { owner } = await guestWithCredits(db, 5)
    await db.transaction((tx) => chargeJob(tx, owner, 'once', 2))
    const first = await db.transaction((tx) => refundJob(tx, owner, 'once', 2, 'failed'))
    const second = await db.transaction((tx) => refundJob(tx, owner, 'once', 2, 'failed'))
    expect(first).toEqual({ applied: true, balance: 5 })
    expect(second).toEqual({ applied: false, balance: 5 })
    expect(await balanceOf(db, owner)).toBe(5)
  })

  it('rejects zero and fractional movements', async () => {
    const { db } = handle
    const { owner } = await guestWithCredits(db, 1)
    for (const delta of [0, 1.5, Number.NaN]) {
      await expect(
        db.transaction((tx) =>
          applyMovement(tx, { owner, delta, reason: 'adjustment', referenceType: 't', referenceId: String(delta) }),
        ),
      ).rejects.toThrow(/non-zero integer/)
    }
  })

  it('has the database refuse a negative balance even when code tries to write one', async () => {
    const { db } = handle
    const { owner } = await guestWithCredits(db, 1)
    const error = await captureDatabaseError(
      db.update(creditBalances).set({ balance: -1 }).where(eq(creditBalances.owner, owner)),
    )
    expect(`${error.constraint} ${error.message}`).toMatch(/credit_balances_not_negative/)
  })

  it('has the database refuse changing or removing ledger rows', async () => {
    const { db } = handle
    const { owner } = await guestWithCredits(db, 1)
    const update = await captureDatabaseError(
      db.update(creditMovements).set({ delta: 100 }).where(eq(creditMovements.owner, owner)),
    )
    expect(update.message).toMatch(/append-only/)
    const remove = await captureDatabaseError(db.delete(creditMovements).where(eq(creditMovements.owner, owner)))
    expect(remove.message).toMatch(/append-only/)
    const truncate = await captureDatabaseError(db.execute(sql`truncate credit_movements cascade`))
    expect(truncate.message).toMatch(/append-only/)
  })
})

describe('guest credits', () => {
  it('grants GUEST_FREE_CREDITS to a new guest in the same transaction as the guest row', async () => {
    const { db } = handle
    const id = await db.transaction((tx) => createGuest(tx))
    expect(await balanceOf(db, `guest:${id}`)).toBe(3)
    const [grant] = await creditHistory(db, `guest:${id}`)
    expect(grant).toMatchObject({ reason: 'grant', referenceType: 'guest', referenceId: id, delta: 3 })
  })

  it('moves what is left of a guest balance to the account it registers, once', async () => {
    const { db } = handle
    const guest = await guestWithCredits(db, 4)
    await db.transaction((tx) => chargeJob(tx, guest.owner, 'before-link', 1))
    await db.insert(users).values({ id: 'link-user', email: 'l@mail.example', emailNormalized: 'l@mail.example' })
    await db.transaction((tx) => linkGuestToUser(tx, guest.guestId!, 'link-user'))
    await db.transaction((tx) => linkGuestToUser(tx, guest.guestId!, 'link-user'))
    expect(await balanceOf(db, guest.owner)).toBe(0)
    expect(await balanceOf(db, 'user:link-user')).toBe(3)
    const [row] = await db.select().from(guests).where(eq(guests.id, guest.guestId!))
    expect(row?.linkedUserId).toBe('link-user')
  })
})

describe('erasing the credits of deleted guests', () => {
  const movementsOf = (owner: CreditOwner) =>
    handle.db.select().from(creditMovements).where(eq(creditMovements.owner, owner))

  it('deletes the movements and balances of the guests named, and no one else’s', async () => {
    const { db } = handle
    const a = await guestWithCredits(db, 3)
    const b = await guestWithCredits(db, 3)
    const kept = await guestWithCredits(db, 3)
    await db.transaction((tx) => chargeJob(tx, a.owner, 'erase-a', 1))
    const deleted = await db.transaction((tx) => eraseGuestCredits(tx, [a.guestId!, b.guestId!]))
    expect(deleted).toBe(3)
    expect(await movementsOf(a.owner)).toEqual([])
    expect(await movementsOf(b.owner)).toEqual([])
    expect(await db.select().from(creditBalances).where(eq(creditBalances.owner, a.owner))).toEqual([])
    expect(await balanceOf(db, kept.owner)).toBe(3)
    expect(await movementsOf(kept.owner)).toHaveLength(1)
  })

  it('withdraws the declaration: a later delete in the same transaction is refused again', async () => {
    const { db } = handle
    const a = await guestWithCredits(db, 2)
    const error = await captureDatabaseError(
      db.transaction(async (tx) => {
        await eraseGuestCredits(tx, [a.guestId!])
        await applyMovement(tx, {
          owner: a.owner,
          delta: 1,
          reason: 'adjustment',
          referenceType: 'test',
          referenceId: 'later',
        })
        await tx.delete(creditMovements).where(eq(creditMovements.owner, a.owner))
      }),
    )
    expect(error.message).toMatch(/append-only/)
    // Rolled back as a whole: the grant is still there.
    expect(await movementsOf(a.owner)).toHaveLength(1)
    expect(await balanceOf(db, a.owner)).toBe(2)
  })

  it('has the database refuse the movements of a guest linked to an account, declared or not', async () => {
    const { db } = handle
    const guest = await guestWithCredits(db, 4)
    await db.insert(users).values({ id: 'erase-linked', email: 'e@mail.example', emailNormalized: 'e@mail.example' })
    await db.transaction((tx) => linkGuestToUser(tx, guest.guestId!, 'erase-linked'))
    const error = await captureDatabaseError(db.transaction((tx) => eraseGuestCredits(tx, [guest.guestId!])))
    expect(error.message).toMatch(/append-only/)
    expect(await movementsOf(guest.owner)).toHaveLength(2)
    expect(await balanceOf(db, 'user:erase-linked')).toBe(4)
  })

  it('still refuses UPDATE of a declared guest’s movements', async () => {
    const { db } = handle
    const guest = await guestWithCredits(db, 1)
    const error = await captureDatabaseError(
      db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('palitra.erasing_guests', ${guest.guestId!}, true)`)
        await tx.update(creditMovements).set({ delta: 100 }).where(eq(creditMovements.owner, guest.owner))
      }),
    )
    expect(error.message).toMatch(/append-only/)
  })
})
