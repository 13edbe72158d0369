import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { createAccount } from '~/identity/accounts.server'
import { users } from '~/identity/schema'
import { changeRole, isKnownRole } from './roles.server'

let database: TestDatabase

beforeAll(async () => {
  database = await createTestDatabase()
})

afterAll(async () => {
  await database?.close()
})

async function register(email: string) {
  return createAccount(database.db, { email, password: 'violet harbour lantern 42', locale: 'ru' })
}

async function rolesOf(userId: string) {
  const [row] = await database.db.select({ roles: users.roles }).from(users).where(eq(users.id, userId))
  return row!.roles
}

describe('changeRole', () => {
  it('knows only the legal role', () => {
    expect(isKnownRole('legal')).toBe(true)
    expect(isKnownRole('admin')).toBe(false)
    expect(isKnownRole('Legal')).toBe(false)
  })

  it('grants once, finds the account however the address is typed, and revokes', async () => {
    const tag = randomUUID().slice(0, 8)
    const userId = await register(`Lena.${tag}@Mail.EXAMPLE`)

    const granted = await changeRole(database.db, { email: `  lena.${tag}@mail.example `, role: 'legal' })
    expect(granted).toEqual({ outcome: 'changed', userId, roles: ['legal'] })
    expect(await changeRole(database.db, { email: `LENA.${tag}@MAIL.EXAMPLE`, role: 'legal' })).toEqual({
      outcome: 'unchanged',
      userId,
      roles: ['legal'],
    })
    expect(await rolesOf(userId)).toEqual(['legal'])

    expect(await changeRole(database.db, { email: `lena.${tag}@mail.example`, role: 'legal', revoke: true })).toEqual({
      outcome: 'changed',
      userId,
      roles: [],
    })
    expect(
      await changeRole(database.db, { email: `lena.${tag}@mail.example`, role: 'legal', revoke: true }),
    ).toMatchObject({ outcome: 'unchanged', roles: [] })
  })

  it('keeps other roles an account has', async () => {
    const userId = await register(`other.${randomUUID().slice(0, 8)}@mail.example`)
    await database.db
      .update(users)
      .set({ roles: ['support'] })
      .where(eq(users.id, userId))
    const [row] = await database.db.select().from(users).where(eq(users.id, userId))
    await changeRole(database.db, { email: row!.email!, role: 'legal' })
    expect(await rolesOf(userId)).toEqual(['support', 'legal'])
    await changeRole(database.db, { email: row!.email!, role: 'legal', revoke: true })
    expect(await rolesOf(userId)).toEqual(['support'])
  })

  it('refuses an invalid address and reports an unknown or deleted one', async () => {
    expect(await changeRole(database.db, { email: 'not an address', role: 'legal' })).toEqual({
      outcome: 'invalid-email',
    })
    expect(await changeRole(database.db, { email: `nobody.${randomUUID()}@mail.example`, role: 'legal' })).toEqual({
      outcome: 'no-account',
    })
    // A deleted account: de-identified, so its old address finds nothing.
    const email = `gone.${randomUUID().slice(0, 8)}@mail.example`
    const userId = await register(email)
    await database.db
      .update(users)
      .set({ email: null, emailNormalized: null, deletedAt: new Date() })
      .where(eq(users.id, userId))
    expect(await changeRole(database.db, { email, role: 'legal' })).toEqual({ outcome: 'no-account' })
    expect(await rolesOf(userId)).toEqual([])
  })
})
