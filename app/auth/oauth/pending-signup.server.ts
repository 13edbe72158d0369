import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { cookieMaxAgeSeconds, expireCookieHeader, setCookieHeader } from '~/register'
import { readCookie } from '~/lib/cookies.server'
import { providerProfileSchema, type ProviderProfile } from './profile.server'

/**
 * A first sign-in through a provider creates no account: the provider's
 * profile waits in this signed cookie while the person reads and accepts the
 * documents, and the account is created (and the provider linked) only then.
 * Nothing is written to the database before that acceptance.
 */

export const PENDING_SIGNUP_COOKIE = 'palitra_pending_signup'
/** Enough to read the documents; after that the person signs in with the provider again. */
export const PENDING_SIGNUP_MAX_AGE_SECONDS = cookieMaxAgeSeconds(PENDING_SIGNUP_COOKIE)

const payloadSchema = z.object({ profile: providerProfileSchema, exp: z.number().int() })

// The cookie name is part of the signed text, so a value signed with the same
// secret for another cookie (the guest cookie) cannot be passed off as this one.
function sign(encodedPayload: string, secret: string): Buffer {
  if (!secret) throw new Error('the pending sign-up cookie needs a signing secret')
  return createHmac('sha256', secret).update(`${PENDING_SIGNUP_COOKIE}.${encodedPayload}`).digest()
}

// Lifetime and flags come from the register (Lax: the acceptance page is
// reached by a redirect from the provider's callback).

type CookieOptions = { now?: Date; secure?: boolean }

/** `Set-Cookie` holding the profile until the acceptance step, valid for 15 minutes. */
export function serializePendingSignup(profile: ProviderProfile, secret: string, options: CookieOptions = {}): string {
  const now = options.now ?? new Date()
  const payload = {
    profile: providerProfileSchema.parse(profile),
    exp: Math.floor(now.getTime() / 1000) + PENDING_SIGNUP_MAX_AGE_SECONDS,
  }
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url')
  const value = `${encoded}.${sign(encoded, secret).toString('base64url')}`
  return setCookieHeader(PENDING_SIGNUP_COOKIE, value, options)
}

/** The waiting profile, or null when there is none, it was altered, or its 15 minutes are over. */
export function readPendingSignup(request: Request, secret: string, now: Date = new Date()): ProviderProfile | null {
  const raw = readCookie(request, PENDING_SIGNUP_COOKIE)
  const dot = raw?.lastIndexOf('.') ?? -1
  if (!raw || dot <= 0) return null
  const encoded = raw.slice(0, dot)
  const given = Buffer.from(raw.slice(dot + 1), 'base64url')
  const expected = sign(encoded, secret)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null

  let payload: z.infer<typeof payloadSchema>
  try {
    const result = payloadSchema.safeParse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')))
    if (!result.success) return null
    payload = result.data
  } catch {
    return null
  }
  // The browser drops the cookie after Max-Age, but a copied value must not outlive it either.
  return payload.exp > Math.floor(now.getTime() / 1000) ? payload.profile : null
}

/** `Set-Cookie` that removes the waiting profile (after the account is created, or on cancel). */
export function clearPendingSignup(options: Pick<CookieOptions, 'secure'> = {}): string {
  return expireCookieHeader(PENDING_SIGNUP_COOKIE, options)
}
