import { randomBytes } from 'node:crypto'
import { and, eq, isNull, lt, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { guests, type GuestRow } from './schema'
import {
  expiredCookieHeader,
  isLegacySignature,
  readCookie,
  readSignedCookie,
  signedCookie,
} from '~/platform/cookies.server'

/**
 * Guests: people using the service without an account, known by the signed
 * cookie `palitra_guest` that holds their id. The id is random and the
 * signature (with the signing secrets) stops anyone from choosing or
 * guessing an id; the database row is what the guest's work and ledger rows
 * hang on.
 */

export const GUEST_COOKIE = 'palitra_guest'
// 24 random bytes: 32 base64url characters.
const GUEST_ID = /^[A-Za-z0-9_-]{32}$/
/**
 * How often a visit is written down: last_seen_at moves, and the cookie is
 * sent again with its full lifetime, at most once an hour. Both happen in the
 * same request, so the cookie and the guest's data count their 30 days from
 * the same moment.
 */
export const TOUCH_INTERVAL_MS = 60 * 60 * 1000

/** Inserts a guest row in the caller's transaction and returns its id (credits are the caller's: flows/account/guest-start). */
export async function insertGuest(tx: Database): Promise<string> {
  const id = randomBytes(24).toString('base64url')
  await tx.insert(guests).values({ id })
  return id
}

/** A Set-Cookie value that carries the guest id for the lifetime the register declares. */
export async function serializeGuestCookie(id: string): Promise<string> {
  if (!GUEST_ID.test(id)) throw new Error('not a guest id')
  return signedCookie(GUEST_COOKIE).serialize(id)
}

/** A Set-Cookie value that removes the guest cookie (e.g. once the guest has registered). */
export function clearGuestCookie(): string {
  return expiredCookieHeader(GUEST_COOKIE)
}

/**
 * The guest id from the request's cookie, or null when it is absent,
 * malformed or not signed by us. The value is a bare id: no other signed
 * cookie of ours holds a lone string, so none can pass for this one.
 */
export async function readGuestId(request: Request): Promise<string | null> {
  const value = await readSignedCookie(request, signedCookie(GUEST_COOKIE))
  if (typeof value === 'string' && GUEST_ID.test(value)) return value
  return readLegacyGuestId(request)
}

/**
 * The earlier format, `<id>.<HMAC of "guest:<id>">`, still accepted until
 * such cookies expire; visitGuest's next renewal writes the current one.
 */
function readLegacyGuestId(request: Request): string | null {
  const value = readCookie(request, GUEST_COOKIE)
  const dot = value?.indexOf('.') ?? -1
  if (!value || dot === -1) return null
  const id = value.slice(0, dot)
  if (!GUEST_ID.test(id)) return null
  // "guest:" kept that signature from being valid for any other use of the same secret.
  return isLegacySignature(`guest:${id}`, value.slice(dot + 1)) ? id : null
}

/**
 * The guest the request's cookie names, or null. Only reads: visits are
 * marked by visitGuest, once per page load, so that marking the visit and
 * renewing the cookie always go together. A guest that has been linked to an
 * account is still returned (check linkedUserId).
 */
export async function getGuest(db: Database, request: Request): Promise<GuestRow | null> {
  const id = await readGuestId(request)
  if (!id) return null
  const [row] = await db.select().from(guests).where(eq(guests.id, id)).limit(1)
  return row ?? null
}

export type GuestVisit = {
  guest: GuestRow | null
  /** A Set-Cookie for the response: the renewed cookie, or its removal; null when nothing changes. */
  setCookie: string | null
}

/**
 * A page load by whoever the request's cookie names. For a guest not linked
 * to an account, at most once an hour (TOUCH_INTERVAL_MS): last_seen_at
 * becomes now and the cookie is sent again with its full lifetime, so both
 * the cookie and the guest's data last 30 days from the last visit (the
 * retention job deletes guests by last_seen_at). A cookie whose guest no
 * longer exists (deleted after 30 days away) is removed. The site layout
 * calls this; other loaders of the same page must not mark visits, or they
 * would race it and the cookie would miss its renewal.
 */
export async function visitGuest(db: Database, request: Request, opts: { now?: Date } = {}): Promise<GuestVisit> {
  const id = await readGuestId(request)
  if (!id) return { guest: null, setCookie: null }
  const [row] = await db.select().from(guests).where(eq(guests.id, id)).limit(1)
  if (!row) return { guest: null, setCookie: clearGuestCookie() }
  // A linked guest's data lives on in the account; its cookie has no more use and is left to expire.
  if (row.linkedUserId) return { guest: row, setCookie: null }
  const now = opts.now ?? new Date()
  if (now.getTime() - row.lastSeenAt.getTime() < TOUCH_INTERVAL_MS) return { guest: row, setCookie: null }
  // The condition keeps concurrent requests (or instances) from touching twice,
  // and a guest the retention job has just deleted from coming back.
  const [touched] = await db
    .update(guests)
    .set({ lastSeenAt: now })
    .where(
      and(
        eq(guests.id, id),
        isNull(guests.linkedUserId),
        lt(guests.lastSeenAt, new Date(now.getTime() - TOUCH_INTERVAL_MS)),
      ),
    )
    .returning()
  if (!touched) return { guest: row, setCookie: null }
  return { guest: touched, setCookie: await serializeGuestCookie(id) }
}

export type LinkGuestResult = 'linked' | 'already-linked' | 'linked-to-another-user' | 'not-found'

/**
 * Marks a guest as handed to the account it registered or signed in to. Once
 * only: a guest linked to one user is never moved to another, because its
 * ledger rows and work would then appear in a stranger's history. Moving the
 * guest's work and credits is the caller's (flows/account/guest-link).
 */
export async function markGuestLinked(tx: Database, guestId: string, userId: string): Promise<LinkGuestResult> {
  const [linked] = await tx
    .update(guests)
    .set({ linkedUserId: userId, linkedAt: sql`now()` })
    .where(and(eq(guests.id, guestId), isNull(guests.linkedUserId)))
    .returning({ id: guests.id })
  if (linked) return 'linked'
  const [row] = await tx
    .select({ linkedUserId: guests.linkedUserId })
    .from(guests)
    .where(eq(guests.id, guestId))
    .limit(1)
  if (!row) return 'not-found'
  return row.linkedUserId === userId ? 'already-linked' : 'linked-to-another-user'
}
