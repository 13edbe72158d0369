import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptances } from '~/acceptances/schema'
import { legalDocumentVersions } from '~/legal/schema'
import { oauthAccounts, passwordResetTokens, sessions, users } from './schema'
import { orders } from '~/payments/schema'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import {
  AccountInputError,
  authenticate,
  createAccount,
  EmailTakenError,
  findUser,
  setPassword,
  verifyPasswordForUser,
} from './accounts.server'
import { deleteAccountData } from '~/flows/account/erase.server'
import { createUserSession, getSessionUser } from './session.server'
import { orderValues } from '../../tests/support/orders'

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

const PASSWORD = 'lilac kettle on the roof'

function register(email: string, password = PASSWORD) {
  return handle.db.transaction((tx) => createAccount(tx, { email, password, locale: 'ru' }))
}

describe('createAccount and authenticate', () => {
  it('creates an account and signs in with any letter case of the address', async () => {
    const id = await register('  Anna.Smirnova@Mail.EXAMPLE ')
    const [row] = await handle.db.select().from(users).where(eq(users.id, id))
    expect(row).toMatchObject({
      email: 'Anna.Smirnova@Mail.EXAMPLE',
      emailNormalized: 'anna.smirnova@mail.example',
      locale: 'ru',
      deletedAt: null,
      // Nobody has opened a confirmation link yet.
      emailVerifiedAt: null,
    })
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/)

    expect(await authenticate(handle.db, 'anna.smirnova@MAIL.example', PASSWORD)).toEqual({
      id,
      email: 'Anna.Smirnova@Mail.EXAMPLE',
      emailVerified: false,
      displayName: null,
      locale: 'ru',
      roles: [],
    })
    expect(await authenticate(handle.db, 'anna.smirnova@mail.example', 'lilac kettle on the floor')).toBeNull()
    expect(await authenticate(handle.db, 'nobody@mail.example', PASSWORD)).toBeNull()
    expect(await authenticate(handle.db, 'not an address', PASSWORD)).toBeNull()
  })

  it('allows one account per address regardless of case', async () => {
    await register('boris@mail.example')
    await expect(register('BORIS@Mail.example')).rejects.toBeInstanceOf(EmailTakenError)
    await expect(register(' boris@MAIL.EXAMPLE')).rejects.toBeInstanceOf(EmailTakenError)
    const rows = await handle.db.select().from(users).where(eq(users.emailNormalized, 'boris@mail.example'))
    expect(rows).toHaveLength(1)
  })

  it('refuses an invalid address or a weak password before touching the database', async () => {
    await expect(register('not-an-address')).rejects.toMatchObject({ problem: 'invalid-email' })
    await expect(register('vera@mail.example', 'short')).rejects.toMatchObject({ problem: 'too-short' })
    await expect(register('vera@mail.example', 'qwerty123456')).rejects.toMatchObject({ problem: 'common' })
    await expect(register('vera@mail.example', 'vera@mail.example!!')).rejects.toBeInstanceOf(AccountInputError)
    expect(await handle.db.select().from(users).where(eq(users.emailNormalized, 'vera@mail.example'))).toEqual([])
  })

  it('does not let an account without a password sign in with one', async () => {
    const id = randomUUID()
    await handle.db.insert(users).values({ id, email: 'oauth@mail.example', emailNormalized: 'oauth@mail.example' })
    expect(await authenticate(handle.db, 'oauth@mail.example', '')).toBeNull()
    expect(await verifyPasswordForUser(handle.db, id, PASSWORD)).toBe(false)
  })
})

describe('verifyPasswordForUser and setPassword', () => {
  it('re-authenticates, and a new password ends every session', async () => {
    const id = await register('galina@mail.example')
    expect(await verifyPasswordForUser(handle.db, id, PASSWORD)).toBe(true)
    expect(await verifyPasswordForUser(handle.db, id, 'something else entirely')).toBe(false)

    const { cookie } = await createUserSession(handle.db, id, { ip: null, userAgent: null })
    await expect(setPassword(handle.db, id, 'short')).rejects.toMatchObject({ problem: 'too-short' })
    expect(await setPassword(handle.db, id, 'orange moth at midnight')).toBe(true)
    const request = new Request('http://localhost/', { headers: { Cookie: cookie.split(';')[0]! } })
    expect(await getSessionUser(request, handle.db)).toBeNull()
    expect(await authenticate(handle.db, 'galina@mail.example', 'orange moth at midnight')).not.toBeNull()
    expect(await setPassword(handle.db, randomUUID(), 'orange moth at midnight')).toBe(false)
  })
})

describe('deleteAccountData', () => {
  it('de-identifies the account, removes what hangs off it and keeps its ledger rows', async () => {
    const id = await register('dmitry@mail.example')
    const { cookie } = await createUserSession(handle.db, id, { ip: '192.0.2.1', userAgent: 'test' })
    await handle.db.insert(oauthAccounts).values({ provider: 'google', providerUserId: 'g-1', userId: id })
    await handle.db
      .insert(passwordResetTokens)
      .values({ tokenHash: 'f'.repeat(64), userId: id, expiresAt: new Date(Date.now() + 60_000) })
    const acceptanceId = await recordSampleAcceptance(id)

    await handle.db.transaction((tx) => deleteAccountData(tx, id))

    const [row] = await handle.db.select().from(users).where(eq(users.id, id))
    expect(row).toMatchObject({ email: null, emailNormalized: null, passwordHash: null, displayName: null, roles: [] })
    expect(row!.deletedAt).toBeInstanceOf(Date)
    expect(await handle.db.select().from(sessions).where(eq(sessions.userId, id))).toEqual([])
    expect(await handle.db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, id))).toEqual([])
    expect(await handle.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, id))).toEqual([])
    const ledger = await handle.db.select().from(acceptances).where(eq(acceptances.id, acceptanceId))
    expect(ledger).toHaveLength(1)
    expect(ledger[0]!.userId).toBe(id)

    const request = new Request('http://localhost/', { headers: { Cookie: cookie.split(';')[0]! } })
    expect(await getSessionUser(request, handle.db)).toBeNull()
    expect(await authenticate(handle.db, 'dmitry@mail.example', PASSWORD)).toBeNull()
    expect(await verifyPasswordForUser(handle.db, id, PASSWORD)).toBe(false)
    expect(await findUser(handle.db, id)).toBeNull()

    // The address is free again: a new person may register with it.
    const again = await register('Dmitry@mail.example')
    expect(again).not.toBe(id)
  })

  it('keeps the orders for accounting without the receipt address, and without touching their clock', async () => {
    const id = await register('zhanna@mail.example')
    const orderId = randomUUID()
    const updatedAt = new Date('2026-03-02T10:00:00Z')
    await handle.db.insert(orders).values(
      orderValues({
        id: orderId,
        userId: id,
        status: 'confirmed',
        receiptEmail: 'zhanna@mail.example',
        updatedAt,
        paidAt: updatedAt,
      }),
    )
    await deleteAccountData(handle.db, id)
    const [order] = await handle.db.select().from(orders).where(eq(orders.id, orderId))
    expect(order).toMatchObject({
      userId: id,
      receiptEmail: null,
      amountKopecks: 59_000,
      status: 'confirmed',
      updatedAt,
    })
  })

  it('can run outside a transaction the caller opened, and twice', async () => {
    const id = await register('elena@mail.example')
    await deleteAccountData(handle.db, id)
    const [first] = await handle.db.select({ deletedAt: users.deletedAt }).from(users).where(eq(users.id, id))
    await deleteAccountData(handle.db, id)
    const [second] = await handle.db.select({ deletedAt: users.deletedAt }).from(users).where(eq(users.id, id))
    expect(second!.deletedAt).toEqual(first!.deletedAt)
  })
})

async function recordSampleAcceptance(userId: string) {
  const sha256 = 'a'.repeat(64)
  const [version] = await handle.db
    .insert(legalDocumentVersions)
    .values({
      kind: 'terms',
      locale: 'ru',
      version: 1000 + Math.floor(Math.random() * 100_000),
      effectiveFrom: new Date('2025-09-01T00:00:00Z'),
      title: 'Sample terms',
      body: [],
      plainText: 'Sample terms',
      sha256,
      sourceDocumentId: 'terms-ru',
    })
    .returning({ id: legalDocumentVersions.id, version: legalDocumentVersions.version })
  const [row] = await handle.db
    .insert(acceptances)
    .values({
      userId,
      documentVersionId: version!.id,
      kind: 'terms',
      locale: 'ru',
      version: version!.version,
      contentSha256: sha256,
      event: 'register',
      state: 'given',
      wording: 'I accept',
      actionType: 'account',
      actionId: userId,
    })
    .returning({ id: acceptances.id })
  return row!.id
}
