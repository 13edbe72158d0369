import { createHmac, randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { guests, users } from './schema'
import { resetEnvForTests } from '~/platform/env.server'
import {
  GUEST_COOKIE,
  clearGuestCookie,
  getGuest,
  readGuestId,
  serializeGuestCookie,
  visitGuest,
} from './guests.server'
import { createGuest } from '~/flows/account/guest-start.server'
import { linkGuestToUser } from '~/flows/account/guest-link.server'
import { resetSigningSecretForTests } from '~/platform/security/signing-secret.server'

let database: TestDatabase
const savedEnv = {
  SESSION_SECRET: process.env.SESSION_SECRET,
  SESSION_SECRET_PREVIOUS: process.env.SESSION_SECRET_PREVIOUS,
  PUBLIC_URL: process.env.PUBLIC_URL,
}

function useEnv(values: { SESSION_SECRET?: string; SESSION_SECRET_PREVIOUS?: string; PUBLIC_URL?: string }) {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  resetEnvForTests()
  resetSigningSecretForTests()
}

const SECRET = 'test-secret-0123456789-abcdefghijklmnop'

beforeAll(async () => {
  useEnv({ SESSION_SECRET: SECRET, PUBLIC_URL: undefined })
  database = await createTestDatabase()
})

afterAll(async () => {
  useEnv(savedEnv)
  await database?.close()
})

function requestWith(cookieHeader: string | null) {
  return new Request('http://localhost/ru', cookieHeader ? { headers: { cookie: cookieHeader } } : undefined)
}

/** The name=value part of a Set-Cookie value. */
const pair = (setCookie: string) => setCookie.split(';')[0]!

async function newUser() {
  const id = `user_${randomUUID()}`
  await database.db.insert(users).values({ id })
  return id
}

describe('the guest cookie', () => {
  it('carries a random, url-safe id with an HMAC, HttpOnly, Lax, for 30 days', async () => {
    const id = await createGuest(database.db)
    expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(await createGuest(database.db)).not.toBe(id)
    const cookie = await serializeGuestCookie(id)
    // A signed Remix cookie: the encoded id, a dot and the signature.
    expect(cookie).toMatch(new RegExp(`^${GUEST_COOKIE}=[A-Za-z0-9%]+\\.[A-Za-z0-9%]+;`))
    expect(cookie).toContain('Max-Age=2592000')
    expect(cookie).toContain('Path=/')
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    expect(cookie).not.toContain('Secure')
    expect(await readGuestId(requestWith(`theme=dark; ${pair(cookie)}; lang=ru`))).toBe(id)
  })

  it('is Secure when the site is served over https', async () => {
    useEnv({ PUBLIC_URL: 'https://palitra.example' })
    try {
      expect((await serializeGuestCookie(await createGuest(database.db))).split('; ')).toContain('Secure')
      expect(clearGuestCookie()).toContain('Secure')
    } finally {
      useEnv({ PUBLIC_URL: undefined, SESSION_SECRET: SECRET })
    }
  })

  it('clears', () => {
    expect(clearGuestCookie()).toMatch(new RegExp(`^${GUEST_COOKIE}=; Max-Age=0; Path=/`))
  })

  it('is refused when tampered with', async () => {
    const id = await createGuest(database.db)
    const value = pair(await serializeGuestCookie(id)).slice(GUEST_COOKIE.length + 1)
    const dot = value.lastIndexOf('.')
    const [encoded, signature] = [value.slice(0, dot), value.slice(dot + 1)]
    const otherId = await createGuest(database.db)
    const otherEncoded = pair(await serializeGuestCookie(otherId))
      .slice(GUEST_COOKIE.length + 1)
      .split('.')[0]
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A')
    for (const tampered of [
      `${otherEncoded}.${signature}`, // someone else's id under this signature
      `${encoded}.${flipped}`,
      `${encoded}.${signature}x`,
      `${encoded}.`,
      encoded,
      `${encoded.slice(1)}.${signature}`,
      '',
      '.',
      '%%%',
    ]) {
      expect(await readGuestId(requestWith(`${GUEST_COOKIE}=${tampered}`)), tampered).toBeNull()
    }
    expect(await readGuestId(requestWith(null))).toBeNull()
    expect(await readGuestId(requestWith(`other_${GUEST_COOKIE}=${value}`))).toBeNull()
  })

  it('is refused when signed with another secret', async () => {
    const id = await createGuest(database.db)
    const cookie = pair(await serializeGuestCookie(id))
    useEnv({ SESSION_SECRET: 'another-secret-0123456789-abcdefghijk' })
    try {
      expect(await readGuestId(requestWith(cookie))).toBeNull()
    } finally {
      useEnv({ SESSION_SECRET: SECRET })
    }
    expect(await readGuestId(requestWith(cookie))).toBe(id)
  })
})

describe('secret rotation', () => {
  const PREVIOUS = 'previous-secret-0123456789-abcdefghijk'
  const OLDER = 'older-secret-0123456789-abcdefghijklmno'

  it('accepts a cookie signed with a previous secret, and signs new ones with the current secret', async () => {
    const id = await createGuest(database.db)
    useEnv({ SESSION_SECRET: PREVIOUS })
    const signedBefore = pair(await serializeGuestCookie(id))
    useEnv({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: `${OLDER}, ${PREVIOUS}` })
    try {
      expect(await readGuestId(requestWith(signedBefore))).toBe(id)
      const signedNow = pair(await serializeGuestCookie(id))
      expect(signedNow).not.toBe(signedBefore)
      useEnv({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: undefined })
      expect(await readGuestId(requestWith(signedNow))).toBe(id)
    } finally {
      useEnv({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: undefined })
    }
  })

  it('refuses a cookie signed with a secret that is neither current nor listed as previous', async () => {
    const id = await createGuest(database.db)
    useEnv({ SESSION_SECRET: 'unknown-secret-0123456789-abcdefghijkl' })
    const cookie = pair(await serializeGuestCookie(id))
    useEnv({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: PREVIOUS })
    try {
      expect(await readGuestId(requestWith(cookie))).toBeNull()
    } finally {
      useEnv({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: undefined })
    }
  })
})

describe('a guest cookie of the earlier, hand-signed format', () => {
  /** `<id>.<HMAC-SHA256 of "guest:<id>", base64url>`, as guest cookies were written before. */
  const legacyValue = (id: string, secret = SECRET) =>
    `${id}.${createHmac('sha256', secret).update(`guest:${id}`).digest('base64url')}`

  it('is still accepted, with the current or a previous secret', async () => {
    const id = await createGuest(database.db)
    expect(await readGuestId(requestWith(`theme=dark; ${GUEST_COOKIE}=${legacyValue(id)}`))).toBe(id)
    const previous = 'previous-secret-0123456789-abcdefghijk'
    useEnv({ SESSION_SECRET: 'current-secret-0123456789-abcdefghijkl', SESSION_SECRET_PREVIOUS: previous })
    try {
      expect(await readGuestId(requestWith(`${GUEST_COOKIE}=${legacyValue(id, previous)}`))).toBe(id)
    } finally {
      useEnv({ SESSION_SECRET: SECRET, SESSION_SECRET_PREVIOUS: undefined })
    }
  })

  it('is refused when tampered with or signed with an unknown secret', async () => {
    const id = await createGuest(database.db)
    const [, signature] = legacyValue(id).split('.') as [string, string]
    const otherId = await createGuest(database.db)
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A')
    for (const value of [
      `${otherId}.${signature}`, // someone else's id under this signature
      `${id}.${flipped}`,
      `${id}.${signature}x`,
      `${id}.`,
      id,
      `${id.slice(1)}.${signature}`,
      legacyValue(id, 'unknown-secret-0123456789-abcdefghijkl'),
      // Signed without the "guest:" label, as another use of the secret might.
      `${id}.${createHmac('sha256', SECRET).update(id).digest('base64url')}`,
    ]) {
      expect(await readGuestId(requestWith(`${GUEST_COOKIE}=${value}`)), value).toBeNull()
    }
  })

  it('is written anew in the current format when the visit renews it', async () => {
    const id = await createGuest(database.db)
    await database.db
      .update(guests)
      .set({ lastSeenAt: new Date(Date.now() - 2 * 60 * 60 * 1000) })
      .where(eq(guests.id, id))
    const visit = await visitGuest(database.db, requestWith(`${GUEST_COOKIE}=${legacyValue(id)}`))
    expect(visit.guest?.id).toBe(id)
    expect(visit.setCookie).toBe(await serializeGuestCookie(id))
    expect(visit.setCookie).not.toContain(legacyValue(id))
  })
})

describe('getGuest', () => {
  it('returns the row the cookie names, or null', async () => {
    const id = await createGuest(database.db)
    const guest = await getGuest(database.db, requestWith(pair(await serializeGuestCookie(id))))
    expect(guest?.id).toBe(id)
    expect(guest?.linkedUserId).toBeNull()
    expect(await getGuest(database.db, requestWith(null))).toBeNull()
    // Correctly signed, but no such guest (e.g. another installation's secret and id).
    const unknown = 'x'.repeat(32)
    expect(await getGuest(database.db, requestWith(pair(await serializeGuestCookie(unknown))))).toBeNull()
  })

  it('only reads: a visit is marked by visitGuest', async () => {
    const id = await createGuest(database.db)
    const longAgo = new Date('2026-03-01T10:00:00Z')
    await database.db.update(guests).set({ lastSeenAt: longAgo }).where(eq(guests.id, id))
    expect((await getGuest(database.db, requestWith(pair(await serializeGuestCookie(id)))))?.lastSeenAt).toEqual(
      longAgo,
    )
    const [stored] = await database.db.select().from(guests).where(eq(guests.id, id))
    expect(stored?.lastSeenAt).toEqual(longAgo)
  })
})

describe('visitGuest', () => {
  async function lastSeen(id: string) {
    const [row] = await database.db.select().from(guests).where(eq(guests.id, id))
    return row?.lastSeenAt
  }

  it('marks the visit and renews the cookie for its full lifetime, at most once an hour', async () => {
    const id = await createGuest(database.db)
    const request = requestWith(pair(await serializeGuestCookie(id)))
    const start = new Date('2026-03-01T10:00:00Z')
    await database.db.update(guests).set({ lastSeenAt: start }).where(eq(guests.id, id))

    const soon = await visitGuest(database.db, request, { now: new Date('2026-03-01T10:59:00Z') })
    expect(soon).toMatchObject({ guest: { id, lastSeenAt: start }, setCookie: null })
    expect(await lastSeen(id)).toEqual(start)

    const later = new Date('2026-03-01T11:00:01Z')
    const visit = await visitGuest(database.db, request, { now: later })
    expect(visit.guest?.lastSeenAt).toEqual(later)
    expect(await lastSeen(id)).toEqual(later)
    // The same signed value again, with the 30 days starting now.
    expect(visit.setCookie).toBe(await serializeGuestCookie(id))
    expect(visit.setCookie).toContain('Max-Age=2592000')

    const again = await visitGuest(database.db, request, { now: new Date('2026-03-01T11:30:00Z') })
    expect(again).toMatchObject({ guest: { lastSeenAt: later }, setCookie: null })
  })

  it('renews once when several requests of the same guest arrive together', async () => {
    const id = await createGuest(database.db)
    await database.db
      .update(guests)
      .set({ lastSeenAt: new Date(Date.now() - 2 * 60 * 60 * 1000) })
      .where(eq(guests.id, id))
    const cookie = pair(await serializeGuestCookie(id))
    const request = () => requestWith(cookie)
    const visits = await Promise.all(Array.from({ length: 5 }, () => visitGuest(database.db, request())))
    expect(visits.filter((v) => v.setCookie !== null)).toHaveLength(1)
    expect(visits.every((v) => v.guest?.id === id)).toBe(true)
  })

  it('leaves a guest linked to an account as it is: no visit marked, no cookie renewed', async () => {
    const id = await createGuest(database.db)
    const owner = await newUser()
    await database.db.transaction((tx) => linkGuestToUser(tx, id, owner))
    const longAgo = new Date('2026-03-01T10:00:00Z')
    await database.db.update(guests).set({ lastSeenAt: longAgo }).where(eq(guests.id, id))
    const visit = await visitGuest(database.db, requestWith(pair(await serializeGuestCookie(id))))
    expect(visit).toMatchObject({ guest: { id, linkedUserId: owner }, setCookie: null })
    expect(await lastSeen(id)).toEqual(longAgo)
  })

  it('removes a cookie whose guest no longer exists, and does nothing without one', async () => {
    const gone = 'y'.repeat(32)
    expect(await visitGuest(database.db, requestWith(pair(await serializeGuestCookie(gone))))).toEqual({
      guest: null,
      setCookie: clearGuestCookie(),
    })
    expect(await visitGuest(database.db, requestWith(null))).toEqual({ guest: null, setCookie: null })
    expect(await visitGuest(database.db, requestWith(`${GUEST_COOKIE}=${gone}.forged`))).toEqual({
      guest: null,
      setCookie: null,
    })
  })
})

describe('linkGuestToUser', () => {
  it('links once, and never to a second user', async () => {
    const id = await createGuest(database.db)
    const owner = await newUser()
    const stranger = await newUser()

    expect(await database.db.transaction((tx) => linkGuestToUser(tx, id, owner))).toBe('linked')
    const [first] = await database.db.select().from(guests).where(eq(guests.id, id))
    expect(first?.linkedUserId).toBe(owner)
    expect(first?.linkedAt).toBeInstanceOf(Date)

    expect(await linkGuestToUser(database.db, id, owner)).toBe('already-linked')
    expect(await linkGuestToUser(database.db, id, stranger)).toBe('linked-to-another-user')
    const [after] = await database.db.select().from(guests).where(eq(guests.id, id))
    expect(after).toEqual(first)

    expect(await linkGuestToUser(database.db, 'no-such-guest', owner)).toBe('not-found')
  })
})
