import { z } from 'zod'
import {
  expiredCookieHeader,
  isLegacySignature,
  readCookie,
  readSignedCookie,
  signedCookie,
} from '~/platform/cookies.server'
import { cookieMaxAgeSeconds } from '~/platform/processing-register'
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

// The profile and its end as one object of exactly these fields; no other
// signed cookie of ours has this shape, so none can pass for this one.
const payloadSchema = z.strictObject({ profile: providerProfileSchema, exp: z.number().int() })

/** The secrets to sign with (the first) and to check with (all); one string for one secret. */
export type PendingSignupSecrets = string | readonly string[]

// Lifetime and flags come from the register (Lax: the acceptance page is
// reached by a redirect from the provider's callback).
type CookieOptions = { now?: Date; secure?: boolean }

const pendingCookie = (secrets: PendingSignupSecrets, secure?: boolean) =>
  signedCookie(PENDING_SIGNUP_COOKIE, { secrets: typeof secrets === 'string' ? [secrets] : secrets, secure })

/** `Set-Cookie` holding the profile until the acceptance step, valid for 15 minutes. */
export async function serializePendingSignup(
  profile: ProviderProfile,
  secrets: PendingSignupSecrets,
  options: CookieOptions = {},
): Promise<string> {
  const now = options.now ?? new Date()
  const payload = {
    profile: providerProfileSchema.parse(profile),
    exp: Math.floor(now.getTime() / 1000) + PENDING_SIGNUP_MAX_AGE_SECONDS,
  }
  return pendingCookie(secrets, options.secure).serialize(payload)
}

/** The waiting profile, or null when there is none, it was altered, or its 15 minutes are over. */
export async function readPendingSignup(
  request: Request,
  secrets: PendingSignupSecrets,
  now: Date = new Date(),
): Promise<ProviderProfile | null> {
  const signed = payloadSchema.safeParse(await readSignedCookie(request, pendingCookie(secrets)))
  const payload = signed.success ? signed.data : readLegacy(request, typeof secrets === 'string' ? [secrets] : secrets)
  // The browser drops the cookie after Max-Age, but a copied value must not outlive it either.
  return payload && payload.exp > Math.floor(now.getTime() / 1000) ? payload.profile : null
}

/** The earlier hand-signed format, `<base64url JSON>.<HMAC>`, read until such cookies expire. */
function readLegacy(request: Request, secrets: readonly string[]): z.infer<typeof payloadSchema> | null {
  const raw = readCookie(request, PENDING_SIGNUP_COOKIE)
  const dot = raw?.lastIndexOf('.') ?? -1
  if (!raw || dot <= 0) return null
  const encoded = raw.slice(0, dot)
  // The cookie name was part of the signed text, so a value signed with the
  // same secret for another cookie could not be passed off as this one.
  if (!isLegacySignature(`${PENDING_SIGNUP_COOKIE}.${encoded}`, raw.slice(dot + 1), secrets)) return null
  try {
    const result = payloadSchema.safeParse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')))
    return result.success ? result.data : null
  } catch {
    return null
  }
}

/** `Set-Cookie` that removes the waiting profile (after the account is created, or on cancel). */
export function clearPendingSignup(options: Pick<CookieOptions, 'secure'> = {}): string {
  return expiredCookieHeader(PENDING_SIGNUP_COOKIE, options)
}
