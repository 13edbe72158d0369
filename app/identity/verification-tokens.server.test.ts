import { createHash, randomBytes } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emailVerificationTokens, users } from './schema'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../tests/db'
import { createAccount, createProviderAccount } from './accounts.server'
import { deleteAccountData } from '~/flows/account/erase.server'
import {
  createVerificationToken,
  inspectVerificationToken,
  markVerifiedByProvider,
  sweepVerificationTokens,
  verificationState,
  verifyEmailWithToken,
  VERIFY_TOKEN_TTL_HOURS,
} from './verification-tokens.server'
import { createUserSession, getSessionUser } from './session.server'

// Runs on PGlite and, under `npm run test:pg`, on PostgreSQL, where the
// concurrent confirmations below run on separate connections.
let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

const HOUR = 60 * 60_000
const address = (label: string) => `${label}-${randomBytes(4).toString('hex')}@mail.example`

function register(email: string) {
  return createAccount(handle.db, { email, password: 'amber lantern over the bay', locale: 'en' })
}

async function verifiedAt(userId: string) {
  const [row] = await handle.db.select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, userId))
  return row!.at
}

describe('verification tokens', () => {
  it('stores only the hash, and the link confirms the address once', async () => {
    const email = address('Vera')
    const userId = await register(email)
    expect(await verificationState(handle.db, userId)).toEqual({ email, verifiedAt: null })

    const created = await createVerificationToken(handle.db, userId)
    expect(created).toMatchObject({ email })
    const token = created!.token
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(created!.expiresAt.getTime() - Date.now()).toBeGreaterThan((VERIFY_TOKEN_TTL_HOURS - 1) * HOUR)
    const rows = await handle.db
      .select()
      .from(emailVerificationTokens)
      .where(eq(emailVerificationTokens.userId, userId))
    expect(rows.map((r) => r.tokenHash)).toEqual([createHash('sha256').update(token).digest('hex')])

    // Looking at the link (a mail scanner, the page's GET) spends nothing.
    for (let i = 0; i < 3; i++) {
      expect(await inspectVerificationToken(handle.db, token)).toEqual({ ok: true, userId, email })
    }
    expect(await verifiedAt(userId)).toBeNull()

    const done = await verifyEmailWithToken(handle.db, token)
    expect(done).toMatchObject({ ok: true, userId, email })
    expect(await verifiedAt(userId)).toBeInstanceOf(Date)
    const session = await createUserSession(handle.db, userId, {})
    const request = new Request('http://localhost/', { headers: { Cookie: session.cookie.split(';')[0]! } })
    expect((await getSessionUser(request, handle.db))?.user.emailVerified).toBe(true)

    expect(await verifyEmailWithToken(handle.db, token)).toEqual({ ok: false, reason: 'used' })
    expect(await inspectVerificationToken(handle.db, token)).toEqual({ ok: false, reason: 'used', userId })
    // Nothing more to confirm: no new link is made for a confirmed address.
    expect(await createVerificationToken(handle.db, userId)).toBeNull()
  })

  it('replaces earlier links with a new one', async () => {
    const userId = await register(address('replaced'))
    const first = (await createVerificationToken(handle.db, userId))!.token
    const second = (await createVerificationToken(handle.db, userId))!.token
    expect(await inspectVerificationToken(handle.db, first)).toMatchObject({ ok: false, reason: 'replaced' })
    expect(await verifyEmailWithToken(handle.db, first)).toEqual({ ok: false, reason: 'replaced' })
    expect(await verifiedAt(userId)).toBeNull()
    expect(await verifyEmailWithToken(handle.db, second)).toMatchObject({ ok: true, userId })
  })

  it('refuses an expired link and a malformed or unknown one', async () => {
    const userId = await register(address('late'))
    const created = await createVerificationToken(handle.db, userId, {
      now: new Date(Date.now() - (VERIFY_TOKEN_TTL_HOURS + 1) * HOUR),
    })
    expect(await inspectVerificationToken(handle.db, created!.token)).toMatchObject({ ok: false, reason: 'expired' })
    expect(await verifyEmailWithToken(handle.db, created!.token)).toEqual({ ok: false, reason: 'expired' })
    expect(await verifiedAt(userId)).toBeNull()
    for (const token of ['', 'nonsense', 'A'.repeat(43), `${created!.token}x`]) {
      expect(await verifyEmailWithToken(handle.db, token)).toEqual({ ok: false, reason: 'invalid' })
      expect(await inspectVerificationToken(handle.db, token)).toEqual({ ok: false, reason: 'invalid' })
    }
  })

  it('lets exactly one of many simultaneous confirmations spend a link', async () => {
    const userId = await register(address('race'))
    const { token } = (await createVerificationToken(handle.db, userId))!
    const results = await Promise.all(Array.from({ length: 8 }, () => verifyEmailWithToken(handle.db, token)))
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(7).fill('used'))
  })

  it('makes no link for an account without an address, or a deleted one', async () => {
    const telegram = await createProviderAccount(handle.db, { email: null, locale: 'ru' })
    expect(await createVerificationToken(handle.db, telegram)).toBeNull()
    const gone = await register(address('gone'))
    const { token } = (await createVerificationToken(handle.db, gone))!
    await deleteAccountData(handle.db, gone)
    expect(await inspectVerificationToken(handle.db, token)).toEqual({ ok: false, reason: 'invalid' })
    expect(await createVerificationToken(handle.db, gone)).toBeNull()
    expect(await verificationState(handle.db, gone)).toBeNull()
  })

  it('sweeps tokens a day after they expire', async () => {
    const userId = await register(address('sweep'))
    await createVerificationToken(handle.db, userId, {
      now: new Date(Date.now() - (VERIFY_TOKEN_TTL_HOURS + 25) * HOUR),
    })
    await createVerificationToken(handle.db, userId)
    expect(await sweepVerificationTokens(handle.db)).toBeGreaterThanOrEqual(1)
    const left = await handle.db
      .select()
      .from(emailVerificationTokens)
      .where(eq(emailVerificationTokens.userId, userId))
    expect(left).toHaveLength(1)
  })
})

describe('addresses vouched for by a sign-in provider', () => {
  it('start verified when the provider says so, and not otherwise', async () => {
    const vouched = await createProviderAccount(handle.db, {
      email: address('google'),
      emailVerified: true,
      locale: 'en',
    })
    expect(await verifiedAt(vouched)).toBeInstanceOf(Date)
    const unvouched = await createProviderAccount(handle.db, {
      email: address('vk'),
      emailVerified: false,
      locale: 'ru',
    })
    expect(await verifiedAt(unvouched)).toBeNull()
  })

  it('catch up at a later sign-in, only for the address the account has', async () => {
    const email = address('Later')
    const userId = await createProviderAccount(handle.db, { email, emailVerified: false, locale: 'en' })
    expect(await markVerifiedByProvider(handle.db, userId, address('other'))).toBe(false)
    expect(await verifiedAt(userId)).toBeNull()
    expect(await markVerifiedByProvider(handle.db, userId, email.toUpperCase())).toBe(true)
    const first = await verifiedAt(userId)
    expect(first).toBeInstanceOf(Date)
    // The first proof keeps its time; later sign-ins change nothing.
    expect(await markVerifiedByProvider(handle.db, userId, email, new Date(Date.now() + HOUR))).toBe(false)
    expect(await verifiedAt(userId)).toEqual(first)
  })
})

describe('the database', () => {
  it('clears the verification and voids open links when the address changes', async () => {
    const userId = await register(address('mover'))
    const { token } = (await createVerificationToken(handle.db, userId))!
    const open = (await createVerificationToken(handle.db, await register(address('bystander'))))!.token
    await handle.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, userId))

    // An update that leaves the address alone keeps both.
    await handle.db.update(users).set({ displayName: 'Mover' }).where(eq(users.id, userId))
    expect(await verifiedAt(userId)).toBeInstanceOf(Date)

    const moved = address('moved')
    await handle.db.update(users).set({ email: moved, emailNormalized: moved }).where(eq(users.id, userId))
    expect(await verifiedAt(userId)).toBeNull()
    expect(await inspectVerificationToken(handle.db, token)).toEqual({ ok: false, reason: 'invalid' })
    // Other accounts' links are untouched.
    expect(await inspectVerificationToken(handle.db, open)).toMatchObject({ ok: true })
  })

  it('refuses a verification time on an account without an address', async () => {
    const userId = await createProviderAccount(handle.db, { email: null, locale: 'ru' })
    const error = await captureDatabaseError(
      handle.db.execute(sql`update users set email_verified_at = now() where id = ${userId}`),
    )
    expect(error.constraint).toBe('users_verified_has_email')
  })
})
