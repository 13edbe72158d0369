import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { oauthAccounts, users } from '~/identity/schema'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { findUserIdByProvider, linkProvider, ProviderAlreadyLinkedError } from './linked-accounts.server'

let database: TestDatabase

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.close()
})

async function newUser(options: { deleted?: boolean } = {}): Promise<string> {
  const id = `user_${randomUUID()}`
  await database.db.insert(users).values({ id, deletedAt: options.deleted ? new Date() : null })
  return id
}

const identity = (provider: 'google' | 'yandex' | 'vk' | 'telegram' = 'google') => ({
  provider,
  providerUserId: randomUUID(),
})

describe('provider links', () => {
  test('an unknown identity finds no account; once linked it finds its account', async () => {
    const { db } = database
    const userId = await newUser()
    const google = identity('google')
    expect(await findUserIdByProvider(db, google.provider, google.providerUserId)).toBeNull()

    await db.transaction((tx) => linkProvider(tx, userId, google))
    expect(await findUserIdByProvider(db, 'google', google.providerUserId)).toBe(userId)
    // The same id at another provider is another person.
    expect(await findUserIdByProvider(db, 'yandex', google.providerUserId)).toBeNull()
  })

  test('linking the same identity to the same account again changes nothing', async () => {
    const { db } = database
    const userId = await newUser()
    const vk = identity('vk')
    await linkProvider(db, userId, vk)
    await linkProvider(db, userId, vk)
    const rows = await db.select().from(oauthAccounts).where(eq(oauthAccounts.providerUserId, vk.providerUserId))
    expect(rows).toHaveLength(1)
  })

  test('an identity linked to another account is a typed error, and the transaction stays usable', async () => {
    const { db } = database
    const owner = await newUser()
    const other = await newUser()
    const yandex = identity('yandex')
    await linkProvider(db, owner, yandex)

    const outcome = await db.transaction(async (tx) => {
      const error = await linkProvider(tx, other, yandex).catch((e: unknown) => e)
      // On PostgreSQL a failed statement would abort the transaction; this query proves it did not.
      const found = await tx.select({ id: users.id }).from(users).where(eq(users.id, owner))
      return { error, n: found.length }
    })
    expect(outcome.error).toBeInstanceOf(ProviderAlreadyLinkedError)
    expect(outcome.error).toMatchObject({ provider: 'yandex', providerUserId: yandex.providerUserId })
    expect(outcome.n).toBe(1)
    expect(await findUserIdByProvider(db, 'yandex', yandex.providerUserId)).toBe(owner)
  })

  test('a deleted account no longer signs in, and its identity moves to a new account', async () => {
    const { db } = database
    const deleted = await newUser({ deleted: true })
    const telegram = identity('telegram')
    await db.insert(oauthAccounts).values({ ...telegram, userId: deleted })
    expect(await findUserIdByProvider(db, 'telegram', telegram.providerUserId)).toBeNull()

    const fresh = await newUser()
    await db.transaction((tx) => linkProvider(tx, fresh, telegram))
    expect(await findUserIdByProvider(db, 'telegram', telegram.providerUserId)).toBe(fresh)
  })

  test('a failed account creation rolls the link back with it', async () => {
    const { db } = database
    const google = identity('google')
    const userId = `user_${randomUUID()}`
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(users).values({ id: userId })
        await linkProvider(tx, userId, google)
        throw new Error('acceptance could not be recorded')
      }),
    ).rejects.toThrow('acceptance could not be recorded')
    expect(await findUserIdByProvider(db, 'google', google.providerUserId)).toBeNull()
  })
})
