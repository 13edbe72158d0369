import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sessions, users } from './schema'
import { resetEnvForTests } from '~/platform/env.server'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import {
  createUserSession,
  getSessionUser,
  listSessions,
  requireUser,
  revokeSession,
  sessionCookieSecure,
  signOut,
  signOutEverywhere,
} from './session.server'

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

async function newUser(email = `${randomUUID()}@mail.example`) {
  const id = randomUUID()
  await handle.db.insert(users).values({ id, email, emailNormalized: email.toLowerCase(), locale: 'en' })
  return id
}

/** A browser request carrying the cookie from a Set-Cookie value. */
function requestWith(setCookie: string | null, url = 'http://localhost/en/account') {
  const headers = new Headers()
  if (setCookie) headers.set('Cookie', `lang=en; ${setCookie.split(';')[0]}; other=1`)
  return new Request(url, { headers })
}

const context = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)' }

describe('createUserSession and getSessionUser', () => {
  it('sets an HttpOnly, SameSite=Lax cookie for 30 days and finds the user from it', async () => {
    const userId = await newUser('Reader@Mail.example')
    const { sessionId, cookie } = await createUserSession(handle.db, userId, context)

    expect(cookie).toMatch(/^palitra_session=[a-z2-7]{40}; /)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    expect(cookie).toContain('Path=/')
    expect(cookie).toContain(`Max-Age=${30 * 24 * 60 * 60}`)

    const found = await getSessionUser(requestWith(cookie), handle.db)
    expect(found?.user).toEqual({
      id: userId,
      email: 'Reader@Mail.example',
      emailVerified: false,
      displayName: null,
      locale: 'en',
      roles: [],
    })
    expect(found?.session.id).toBe(sessionId)
    expect(found?.refreshedCookie).toBeUndefined()
  })

  it('stores only a hash of the cookie token', async () => {
    const userId = await newUser()
    const { sessionId, cookie } = await createUserSession(handle.db, userId, context)
    const token = cookie.split(';')[0]!.split('=')[1]!
    const rows = await handle.db.select().from(sessions).where(eq(sessions.userId, userId))
    expect(rows.map((r) => r.id)).toEqual([sessionId])
    expect(sessionId).toMatch(/^[0-9a-f]{64}$/)
    expect(sessionId).not.toContain(token)
    expect(rows[0]).toMatchObject({ ip: context.ip, userAgent: context.userAgent })
    // The stored id, used as a cookie, gets nobody in.
    expect(await getSessionUser(requestWith(`palitra_session=${sessionId}`), handle.db)).toBeNull()
  })

  it('answers null for no cookie, a malformed cookie and an unknown token', async () => {
    expect(await getSessionUser(requestWith(null), handle.db)).toBeNull()
    expect(await getSessionUser(requestWith('palitra_session=%%%'), handle.db)).toBeNull()
    expect(await getSessionUser(requestWith(`palitra_session=${'a'.repeat(40)}`), handle.db)).toBeNull()
  })

  it("is not upset by another application's malformed cookie", async () => {
    const userId = await newUser()
    const { cookie } = await createUserSession(handle.db, userId, context)
    const request = new Request('http://localhost/en', {
      headers: { Cookie: `broken=%E0%A4%A;${cookie.split(';')[0]};x` },
    })
    expect((await getSessionUser(request, handle.db))?.user.id).toBe(userId)
  })

  it('rotates: signing in ends the session the request carried and starts a new one', async () => {
    const userId = await newUser()
    const first = await createUserSession(handle.db, userId, context)
    const second = await createUserSession(handle.db, userId, { ...context, request: requestWith(first.cookie) })

    expect(second.sessionId).not.toBe(first.sessionId)
    expect(await getSessionUser(requestWith(first.cookie), handle.db)).toBeNull()
    expect((await getSessionUser(requestWith(second.cookie), handle.db))?.user.id).toBe(userId)
  })

  it('extends a session used in the second half of its life and hands out a fresh cookie', async () => {
    const userId = await newUser()
    const { sessionId, cookie } = await createUserSession(handle.db, userId, context)
    const soon = new Date(Date.now() + 5 * 24 * 60 * 60 * 1000)
    await handle.db.update(sessions).set({ expiresAt: soon }).where(eq(sessions.id, sessionId))

    const found = await getSessionUser(requestWith(cookie), handle.db)
    expect(found?.refreshedCookie).toBe(cookie)
    expect(found!.session.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 60 * 60 * 1000)
  })

  it('refuses and removes an expired session', async () => {
    const userId = await newUser()
    const { sessionId, cookie } = await createUserSession(handle.db, userId, context)
    await handle.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, sessionId))
    expect(await getSessionUser(requestWith(cookie), handle.db)).toBeNull()
    expect(await handle.db.select().from(sessions).where(eq(sessions.id, sessionId))).toEqual([])
  })

  it('never authenticates a deleted account, and refuses to start a session for one', async () => {
    const userId = await newUser()
    const { cookie } = await createUserSession(handle.db, userId, context)
    await handle.db
      .update(users)
      .set({ email: null, emailNormalized: null, deletedAt: new Date() })
      .where(eq(users.id, userId))
    expect(await getSessionUser(requestWith(cookie), handle.db)).toBeNull()
    await expect(createUserSession(handle.db, userId, context)).rejects.toThrow(/no such account/)
    await expect(createUserSession(handle.db, randomUUID(), context)).rejects.toThrow(/no such account/)
  })
})

describe('requireUser', () => {
  it('redirects to the login page of the locale, coming back to the page asked for', async () => {
    const thrown = await requireUser(requestWith(null, 'http://localhost/ru/account?tab=2'), 'ru', handle.db).catch(
      (e: unknown) => e,
    )
    expect(thrown).toBeInstanceOf(Response)
    const response = thrown as Response
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/ru/login?redirectTo=%2Fru%2Faccount%3Ftab%3D2')
  })

  it('returns the signed-in user', async () => {
    const userId = await newUser()
    const { cookie } = await createUserSession(handle.db, userId, context)
    expect((await requireUser(requestWith(cookie), 'en', handle.db)).user.id).toBe(userId)
  })
})

describe('signing out', () => {
  it('signOut ends the request session and clears the cookie', async () => {
    const userId = await newUser()
    const { cookie } = await createUserSession(handle.db, userId, context)
    const cleared = await signOut(requestWith(cookie), handle.db)
    expect(cleared).toMatch(/^palitra_session=; /)
    expect(cleared).toContain('Max-Age=0')
    expect(await getSessionUser(requestWith(cookie), handle.db)).toBeNull()
    // Without a session it still answers with a clearing cookie.
    expect(await signOut(requestWith(null), handle.db)).toContain('Max-Age=0')
  })

  it("signOutEverywhere ends all of the user's sessions and nobody else's", async () => {
    const userId = await newUser()
    const otherId = await newUser()
    const a = await createUserSession(handle.db, userId, context)
    const b = await createUserSession(handle.db, userId, { ip: null, userAgent: null })
    const other = await createUserSession(handle.db, otherId, context)

    expect(await signOutEverywhere(handle.db, userId)).toContain('Max-Age=0')
    expect(await getSessionUser(requestWith(a.cookie), handle.db)).toBeNull()
    expect(await getSessionUser(requestWith(b.cookie), handle.db)).toBeNull()
    expect((await getSessionUser(requestWith(other.cookie), handle.db))?.user.id).toBe(otherId)
  })
})

describe('listSessions and revokeSession', () => {
  it('lists active sessions newest first, marking the current one', async () => {
    const userId = await newUser()
    const older = await createUserSession(handle.db, userId, { ip: '198.51.100.1', userAgent: 'Phone' })
    await handle.db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - 60_000) })
      .where(eq(sessions.id, older.sessionId))
    const newer = await createUserSession(handle.db, userId, context)
    const expired = await createUserSession(handle.db, userId, context)
    await handle.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, expired.sessionId))

    const list = await listSessions(handle.db, userId, newer.sessionId)
    expect(list.map((s) => [s.id, s.current])).toEqual([
      [newer.sessionId, true],
      [older.sessionId, false],
    ])
    expect(list[1]).toMatchObject({ ip: '198.51.100.1', userAgent: 'Phone' })
    expect(list[0]!.expiresAt).toBeInstanceOf(Date)
    expect(list[0]!.createdAt).toBeInstanceOf(Date)
  })

  it("revokes only the owner's session", async () => {
    const userId = await newUser()
    const strangerId = await newUser()
    const mine = await createUserSession(handle.db, userId, context)
    const theirs = await createUserSession(handle.db, strangerId, context)

    expect(await revokeSession(handle.db, userId, theirs.sessionId)).toBe(false)
    expect(await getSessionUser(requestWith(theirs.cookie), handle.db)).not.toBeNull()
    expect(await revokeSession(handle.db, userId, mine.sessionId)).toBe(true)
    expect(await getSessionUser(requestWith(mine.cookie), handle.db)).toBeNull()
    expect(await revokeSession(handle.db, userId, mine.sessionId)).toBe(false)
  })
})

describe('the Secure flag', () => {
  const saved = { PUBLIC_URL: process.env.PUBLIC_URL }
  afterEach(() => {
    if (saved.PUBLIC_URL === undefined) delete process.env.PUBLIC_URL
    else process.env.PUBLIC_URL = saved.PUBLIC_URL
    resetEnvForTests()
  })

  it('follows the scheme of PUBLIC_URL, and defaults to on in production', () => {
    expect(sessionCookieSecure({ PUBLIC_URL: 'https://palitra.example', NODE_ENV: 'development' })).toBe(true)
    expect(sessionCookieSecure({ PUBLIC_URL: 'http://localhost:3000', NODE_ENV: 'production' })).toBe(false)
    expect(sessionCookieSecure({ PUBLIC_URL: undefined, NODE_ENV: 'production' })).toBe(true)
    expect(sessionCookieSecure({ PUBLIC_URL: undefined, NODE_ENV: 'development' })).toBe(false)
  })

  it('is set on the cookie when the site is served over https', async () => {
    const userId = await newUser()
    process.env.PUBLIC_URL = 'https://palitra.example'
    resetEnvForTests()
    expect((await createUserSession(handle.db, userId, context)).cookie).toMatch(/; Secure$/)
    process.env.PUBLIC_URL = 'http://localhost:3000'
    resetEnvForTests()
    expect((await createUserSession(handle.db, userId, context)).cookie).not.toContain('Secure')
  })
})
