/**
 * Sessions: the only module that knows lucia is underneath, so it can be
 * swapped. The cookie carries a random token; the database keeps only its
 * SHA-256 as the session id, so a leaked table or a session list rendered in
 * a page cannot be replayed as a cookie.
 */
import { createHash } from 'node:crypto'
import { DrizzlePostgreSQLAdapter } from '@lucia-auth/adapter-drizzle'
import { redirect } from '@remix-run/node'
import { and, eq } from 'drizzle-orm'
import { generateIdFromEntropySize, Lucia, TimeSpan } from 'lucia'
import { getDb, type Database } from '~/platform/db/client.server'
import { sessions, users, type UserRow } from './schema'
import { getEnv, type Env } from '~/platform/env.server'
import type { Locale } from '~/platform/i18n/locales'
import { readCookie } from '~/platform/cookies.server'
import { cookieMaxAgeSeconds } from '~/platform/processing-register'

export const SESSION_COOKIE_NAME = 'palitra_session'
/** The register's (and so the cookie policy's) lifetime; lucia extends a session used in its second half. */
export const SESSION_DAYS = cookieMaxAgeSeconds(SESSION_COOKIE_NAME) / (24 * 60 * 60)

type DatabaseUserAttributes = Omit<UserRow, 'id'>
type DatabaseSessionAttributes = { ip: string | null; userAgent: string | null; createdAt?: Date }

declare module 'lucia' {
  interface Register {
    Lucia: PalitraLucia
    DatabaseUserAttributes: DatabaseUserAttributes
    DatabaseSessionAttributes: DatabaseSessionAttributes
  }
}

/** What the rest of the app knows about the signed-in person. */
export type SessionUser = {
  id: string
  email: string | null
  /** Whether the current address is verified (a confirmation link, or a provider that vouched for it). */
  emailVerified: boolean
  displayName: string | null
  locale: Locale
  roles: string[]
}

export type CurrentSession = { id: string; createdAt: Date; expiresAt: Date }

export type SessionContext = {
  user: SessionUser
  session: CurrentSession
  /** Set when the session was extended: send it as Set-Cookie so the browser keeps it as long. */
  refreshedCookie?: string
}

export type SessionListEntry = {
  /** Opaque: the SHA-256 of the cookie token, safe to put in a page or a form. */
  id: string
  createdAt: Date
  expiresAt: Date
  ip: string | null
  userAgent: string | null
  /** The session of the request that asked. */
  current: boolean
}

/**
 * Secure when the site is served over https (PUBLIC_URL). Without
 * PUBLIC_URL, production is assumed to be behind https and development not.
 */
export function sessionCookieSecure(env: Pick<Env, 'PUBLIC_URL' | 'NODE_ENV'>): boolean {
  if (env.PUBLIC_URL) return new URL(env.PUBLIC_URL).protocol === 'https:'
  return env.NODE_ENV === 'production'
}

function createLucia(db: Database, secure: boolean) {
  return new Lucia(new DrizzlePostgreSQLAdapter(db, sessions, users), {
    sessionExpiresIn: new TimeSpan(SESSION_DAYS, 'd'),
    sessionCookie: { name: SESSION_COOKIE_NAME, attributes: { secure, sameSite: 'lax', path: '/' } },
    // Only what the app needs: the password hash stays out of request state.
    getUserAttributes: (row) => ({
      email: row.email,
      emailVerifiedAt: row.emailVerifiedAt,
      displayName: row.displayName,
      locale: row.locale,
      roles: row.roles,
      deletedAt: row.deletedAt,
    }),
    // createdAt is always read back from the table; it is optional only when creating.
    getSessionAttributes: (row) => ({ ip: row.ip, userAgent: row.userAgent, createdAt: row.createdAt ?? new Date() }),
  })
}
type PalitraLucia = ReturnType<typeof createLucia>

// One lucia per database handle (the process-wide one, a test's, or a
// transaction): it holds no state besides the adapter and cookie settings.
const instances = new WeakMap<Database, { secure: boolean; lucia: PalitraLucia }>()

function luciaFor(db: Database): PalitraLucia {
  const secure = sessionCookieSecure(getEnv())
  const known = instances.get(db)
  if (known && known.secure === secure) return known.lucia
  const lucia = createLucia(db, secure)
  instances.set(db, { secure, lucia })
  return lucia
}

// lucia's ids are 40 base32 characters; anything else is not ours and is not looked up.
const TOKEN_PATTERN = /^[a-z2-7]{40}$/

function sessionIdOf(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

// Not lucia's parser: it decodes every cookie and throws on a malformed one,
// which a stray cookie of another app on the domain could be.
function tokenFrom(request: Request): string | null {
  const token = readCookie(request, SESSION_COOKIE_NAME)
  return token !== null && TOKEN_PATTERN.test(token) ? token : null
}

function clip(value: string | null | undefined, max: number) {
  return value ? value.slice(0, max) : null
}

/**
 * Signs a user in: a new session with a new id every time. When `request`
 * carries a session cookie, that session is ended first (rotation: an id
 * seen before sign-in is never one that is signed in).
 */
export async function createUserSession(
  db: Database,
  userId: string,
  context: { ip?: string | null; userAgent?: string | null; request?: Request },
): Promise<{ sessionId: string; cookie: string }> {
  const lucia = luciaFor(db)
  const [user] = await db.select({ deletedAt: users.deletedAt }).from(users).where(eq(users.id, userId))
  if (!user || user.deletedAt) throw new Error('createUserSession: no such account')

  const previous = context.request ? tokenFrom(context.request) : null
  if (previous) await lucia.invalidateSession(sessionIdOf(previous))

  const token = generateIdFromEntropySize(25)
  const session = await lucia.createSession(
    userId,
    { ip: clip(context.ip, 64), userAgent: clip(context.userAgent, 512) },
    { sessionId: sessionIdOf(token) },
  )
  return { sessionId: session.id, cookie: lucia.createSessionCookie(token).serialize() }
}

/** The signed-in user of a request, or null. Deleted accounts never authenticate. */
export async function getSessionUser(request: Request, db?: Database): Promise<SessionContext | null> {
  const database = db ?? (await getDb())
  const lucia = luciaFor(database)
  const token = tokenFrom(request)
  if (!token) return null

  const { session, user } = await lucia.validateSession(sessionIdOf(token))
  if (!session) return null
  if (user.deletedAt) {
    await lucia.invalidateSession(session.id)
    return null
  }
  return {
    user: {
      id: user.id,
      email: user.email,
      emailVerified: user.emailVerifiedAt !== null,
      displayName: user.displayName,
      locale: user.locale,
      roles: user.roles,
    },
    session: { id: session.id, createdAt: session.createdAt, expiresAt: session.expiresAt },
    refreshedCookie: session.fresh ? lucia.createSessionCookie(token).serialize() : undefined,
  }
}

/**
 * The signed-in user, or a redirect to the login page that comes back here
 * afterwards. Remember to send `refreshedCookie` when it is set.
 */
export async function requireUser(request: Request, locale: Locale, db?: Database): Promise<SessionContext> {
  const context = await getSessionUser(request, db)
  if (context) return context
  const url = new URL(request.url)
  const redirectTo = `${url.pathname}${url.search}`
  throw redirect(`/${locale}/login?${new URLSearchParams({ redirectTo })}`)
}

/** Ends the request's session; returns the Set-Cookie that clears the cookie. */
export async function signOut(request: Request, db?: Database): Promise<string> {
  const lucia = luciaFor(db ?? (await getDb()))
  const token = tokenFrom(request)
  if (token) await lucia.invalidateSession(sessionIdOf(token))
  return lucia.createBlankSessionCookie().serialize()
}

/** Ends every session of the user (password change, reset, "sign out everywhere"); returns a clearing Set-Cookie. */
export async function signOutEverywhere(db: Database, userId: string): Promise<string> {
  const lucia = luciaFor(db)
  await lucia.invalidateUserSessions(userId)
  return lucia.createBlankSessionCookie().serialize()
}

/** The user's unexpired sessions, newest first. */
export async function listSessions(
  db: Database,
  userId: string,
  currentSessionId?: string,
): Promise<SessionListEntry[]> {
  const list = await luciaFor(db).getUserSessions(userId)
  return list
    .map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      ip: s.ip,
      userAgent: s.userAgent,
      current: s.id === currentSessionId,
    }))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
}

/** Ends one of the user's own sessions; false when it is not theirs or already gone. */
export async function revokeSession(db: Database, userId: string, sessionId: string): Promise<boolean> {
  const removed = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id })
  return removed.length > 0
}

/** Removes expired sessions (a periodic job; validation already refuses them). */
export async function deleteExpiredSessions(db: Database): Promise<void> {
  await luciaFor(db).deleteExpiredSessions()
}
