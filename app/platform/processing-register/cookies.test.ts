import { randomBytes, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearPendingSignup, serializePendingSignup } from '~/identity/oauth/pending-signup.server'
import { beginOAuth } from '~/identity/oauth/providers.server'
import { OAUTH_PROVIDERS } from '~/identity/oauth/profile.server'
import { createUserSession, signOut } from '~/identity/session.server'
import { serializeSeenVersions } from '~/flows/account/reaccept.server'
import {
  CONSENT_COOKIE,
  expireCookie,
  newConsentId,
  newVisitorId,
  PREFS_COOKIE,
  serializeConsentCookie,
  serializePrefsCookie,
  serializeStatsCookie,
  STATS_COOKIE,
} from '~/cookie-consent/cookie.server'
import { guests, users } from '~/identity/schema'
import { clearGuestCookie, serializeGuestCookie, visitGuest } from '~/identity/guests.server'
import { createGuest } from '~/flows/account/guest-start.server'
import { serializeLanguageCookie } from '~/platform/i18n/i18next.server'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { COOKIES, cookieDeclaration, type CookieDeclaration } from './cookies'

type ParsedCookie = {
  name: string
  maxAge: number | null
  path: string | null
  httpOnly: boolean
  sameSite: string | null
  secure: boolean
}

function parseSetCookie(header: string): ParsedCookie {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
  const name = pair.slice(0, pair.indexOf('='))
  const attr = new Map(
    attributes.map((a) => {
      const eq = a.indexOf('=')
      return eq === -1 ? [a.toLowerCase(), ''] : [a.slice(0, eq).toLowerCase(), a.slice(eq + 1)]
    }),
  )
  return {
    name,
    maxAge: attr.has('max-age') ? Number(attr.get('max-age')) : null,
    path: attr.get('path') ?? null,
    httpOnly: attr.has('httponly'),
    sameSite: attr.get('samesite')?.toLowerCase() ?? null,
    secure: attr.has('secure'),
  }
}

/** What is wrong with a Set-Cookie the code produced, measured against the register. */
function mismatches(header: string, { deleting }: { deleting: boolean }): string[] {
  const cookie = parseSetCookie(header)
  const declaration: CookieDeclaration | undefined = cookieDeclaration(cookie.name)
  if (!declaration) return [`${cookie.name} is set by the code but not declared in the register`]
  const problems: string[] = []
  const expectedAge = deleting ? 0 : declaration.maxAgeSeconds
  if (cookie.maxAge !== expectedAge) {
    problems.push(`${cookie.name}: Max-Age ${cookie.maxAge}, the register says ${expectedAge}`)
  }
  if (cookie.path !== declaration.path)
    problems.push(`${cookie.name}: Path ${cookie.path}, the register says ${declaration.path}`)
  if (cookie.httpOnly !== declaration.httpOnly)
    problems.push(`${cookie.name}: HttpOnly ${cookie.httpOnly}, the register says ${declaration.httpOnly}`)
  if (cookie.sameSite !== declaration.sameSite.toLowerCase()) {
    problems.push(`${cookie.name}: SameSite ${cookie.sameSite}, the register says ${declaration.sameSite}`)
  }
  return problems
}

let handle: TestDatabase
const savedEnv = { PUBLIC_URL: process.env.PUBLIC_URL, SESSION_SECRET: process.env.SESSION_SECRET }

beforeAll(async () => {
  process.env.SESSION_SECRET ??= randomBytes(32).toString('hex')
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
  Object.assign(process.env, savedEnv)
})

/** Every Set-Cookie header the code can produce, setting and deleting each cookie. */
async function everyCookieTheCodeSets(): Promise<Array<{ header: string; deleting: boolean }>> {
  const userId = randomUUID()
  const email = `${userId}@palitra.example`
  await handle.db.insert(users).values({ id: userId, email, emailNormalized: email, locale: 'en' })
  const session = await createUserSession(handle.db, userId, {})
  const signedOut = await signOut(new Request('http://localhost/'), handle.db)

  const profile = {
    provider: 'google' as const,
    providerUserId: '1234567890',
    email: 'someone@palitra.example',
    emailVerified: true,
    displayName: 'Someone',
  }
  const oauth = OAUTH_PROVIDERS.flatMap((provider) => {
    const env = {
      GOOGLE_CLIENT_ID: 'id',
      GOOGLE_CLIENT_SECRET: 'secret',
      YANDEX_CLIENT_ID: 'id',
      YANDEX_CLIENT_SECRET: 'secret',
      VK_CLIENT_ID: 'id',
      VK_CLIENT_SECRET: 'secret',
      PUBLIC_URL: undefined,
      TELEGRAM_BOT_NAME: undefined,
      TELEGRAM_BOT_TOKEN: undefined,
    }
    return beginOAuth(provider, { origin: 'https://palitra.example', locale: 'en' }, env).setCookies
  })
  // A guest's visit renews its cookie; a cookie whose guest is gone is removed.
  const guestId = await createGuest(handle.db)
  await handle.db
    .update(guests)
    .set({ lastSeenAt: new Date(Date.now() - 2 * 60 * 60 * 1000) })
    .where(eq(guests.id, guestId))
  const guestCookie = async (id: string) =>
    new Request('http://localhost/en', { headers: { cookie: (await serializeGuestCookie(id)).split(';')[0]! } })
  const renewed = (await visitGuest(handle.db, await guestCookie(guestId))).setCookie
  const goneGuest = (await visitGuest(handle.db, await guestCookie(randomBytes(24).toString('base64url')))).setCookie
  if (!renewed || !goneGuest) throw new Error('visitGuest set no cookie')

  const consent = {
    consentId: newConsentId(),
    locale: 'en' as const,
    version: 2,
    method: 'all' as const,
    preferences: true,
    analytics: true,
    issuedAt: Math.floor(Date.now() / 1000),
  }
  const set = [
    session.cookie,
    await serializeGuestCookie(randomBytes(24).toString('base64url')),
    renewed,
    serializeLanguageCookie('en'),
    serializeSeenVersions({ en: [{ kind: 'privacy', version: 3 }] }),
    ...oauth,
    await serializePendingSignup(profile, 'a-signing-secret-for-this-test-only'),
    await serializeConsentCookie(consent, { secret: 'a-signing-secret-for-this-test-only' }),
    serializePrefsCookie({ style: 'watercolor', aspectRatio: '1:1', count: 1 }),
    serializeStatsCookie(newVisitorId()),
  ]
  const deleted = [
    signedOut,
    clearGuestCookie(),
    goneGuest,
    clearPendingSignup(),
    expireCookie(CONSENT_COOKIE),
    expireCookie(PREFS_COOKIE),
    expireCookie(STATS_COOKIE),
  ]
  return [
    ...set.map((header) => ({ header, deleting: false })),
    ...deleted.map((header) => ({ header, deleting: true })),
  ]
}

describe('cookies in the register of processing', () => {
  it('every cookie the code sets is declared, with the declared lifetime, path and flags', async () => {
    const produced = await everyCookieTheCodeSets()
    const problems = produced.flatMap(({ header, deleting }) => mismatches(header, { deleting }))
    expect(problems).toEqual([])
  })

  it('every declared cookie is one the code sets', async () => {
    const produced = new Set((await everyCookieTheCodeSets()).map(({ header }) => parseSetCookie(header).name))
    const declared = COOKIES.flatMap((c: CookieDeclaration) => c.names ?? [c.name])
    expect(declared.filter((name) => !produced.has(name))).toEqual([])
  })

  it('adds Secure to every cookie when the site is served over HTTPS', async () => {
    process.env.PUBLIC_URL = 'https://palitra.example'
    try {
      const { resetEnvForTests } = await import('~/platform/env.server')
      resetEnvForTests()
      const produced = await everyCookieTheCodeSets()
      expect(produced.map(({ header }) => parseSetCookie(header)).filter((c) => !c.secure)).toEqual([])
    } finally {
      process.env.PUBLIC_URL = savedEnv.PUBLIC_URL
      const { resetEnvForTests } = await import('~/platform/env.server')
      resetEnvForTests()
    }
  })

  it('flags a cookie that is not declared, or differs from its declaration', () => {
    expect(mismatches('palitra_new=1; Max-Age=60; Path=/; HttpOnly; SameSite=Lax', { deleting: false })).toEqual([
      'palitra_new is set by the code but not declared in the register',
    ])
    expect(mismatches('palitra_guest=x; Max-Age=31536000; Path=/; SameSite=Strict', { deleting: false })).toEqual([
      'palitra_guest: Max-Age 31536000, the register says 2592000',
      'palitra_guest: HttpOnly false, the register says true',
      'palitra_guest: SameSite strict, the register says Lax',
    ])
  })

  it('no code outside the register writes cookie attributes by hand', () => {
    // A Set-Cookie built by hand would bypass the register; Max-Age in a
    // string is the sign of one. (Cache-Control's max-age is lowercase.)
    const offenders: string[] = []
    const roots = ['app', 'server']
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(file)
        else if (
          /\.tsx?$/.test(entry.name) &&
          !/\.test\.tsx?$/.test(entry.name) &&
          !file.startsWith(path.join('app', 'platform', 'processing-register')) &&
          // The one module that turns the register's declarations into Set-Cookie headers.
          file !== path.join('app', 'platform', 'cookies.server.ts')
        ) {
          const source = fs.readFileSync(file, 'utf8')
          if (/Max-Age=|maxAge:\s*\d/.test(source)) offenders.push(file)
        }
      }
    }
    roots.forEach(walk)
    expect(offenders).toEqual([])
  })

  it('every cookie name the code mentions is declared', () => {
    const names = new Set<string>()
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(file)
        else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
          for (const match of fs.readFileSync(file, 'utf8').matchAll(/['"`](palitra_[a-z_]+)['"`]/g))
            names.add(match[1]!)
        }
      }
    }
    walk('app')
    // palitra_oauth_ is the prefix the flow cookies are built from.
    const undeclared = [...names].filter((name) => name !== 'palitra_oauth_' && !cookieDeclaration(name))
    expect(undeclared).toEqual([])
  })
})
