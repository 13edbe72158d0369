import { randomUUID } from 'node:crypto'
import { inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { guests, users } from '~/identity/schema'
import { moderationRefusals } from './schema'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { deleteOldRefusals, listRefusalsForExport } from './refusals.server'

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

const DAY = 24 * 60 * 60 * 1000
const NOW = new Date('2027-05-01T12:00:00Z')
const daysBefore = (days: number) => new Date(NOW.getTime() - days * DAY)

async function refusal(holder: { userId: string } | { guestId: string }, createdAt: Date, prompt = 'запрещённое') {
  const owner = 'userId' in holder ? (`user:${holder.userId}` as const) : (`guest:${holder.guestId}` as const)
  const [row] = await handle.db
    .insert(moderationRefusals)
    .values({ ...holder, owner, prompt, category: 'violence', ruleId: 'violence-1', matched: 'запрещ', createdAt })
    .returning({ id: moderationRefusals.id })
  return row!.id
}

describe('refused prompts', () => {
  it('are deleted 90 days after the refusal, for accounts and guests alike', async () => {
    const userId = `user_${randomUUID()}`
    const guestId = `guest_${randomUUID()}`
    await handle.db.insert(users).values({ id: userId })
    await handle.db.insert(guests).values({ id: guestId })
    const old = [await refusal({ userId }, daysBefore(90.01)), await refusal({ guestId }, daysBefore(400))]
    const kept = [await refusal({ userId }, daysBefore(89.99)), await refusal({ guestId }, daysBefore(1))]
    expect(await deleteOldRefusals(handle.db, NOW)).toBe(2)
    const left = await handle.db
      .select({ id: moderationRefusals.id })
      .from(moderationRefusals)
      .where(inArray(moderationRefusals.id, [...old, ...kept]))
    expect(left.map((r) => r.id).sort()).toEqual([...kept].sort())
    expect(await deleteOldRefusals(handle.db, NOW)).toBe(0)
  })

  it('are listed for the account’s export, newest first, and nobody else’s', async () => {
    const userId = `user_${randomUUID()}`
    const otherId = `user_${randomUUID()}`
    await handle.db.insert(users).values([{ id: userId }, { id: otherId }])
    const first = await refusal({ userId }, new Date('2027-04-01T10:00:00Z'), 'первый')
    const second = await refusal({ userId }, new Date('2027-04-02T10:00:00Z'), 'второй')
    await refusal({ userId: otherId }, new Date('2027-04-03T10:00:00Z'), 'чужой')
    expect(await listRefusalsForExport(handle.db, userId)).toEqual([
      {
        id: second,
        prompt: 'второй',
        category: 'violence',
        ruleId: 'violence-1',
        matched: 'запрещ',
        refusedAt: '2027-04-02T10:00:00.000Z',
      },
      expect.objectContaining({ id: first, prompt: 'первый', refusedAt: '2027-04-01T10:00:00.000Z' }),
    ])
  })
})
