import { createHmac, timingSafeEqual } from 'node:crypto'
import { createCookie, type Cookie } from '@remix-run/node'
import { serialize, type CookieSerializeOptions } from 'cookie'
import { cookieDeclaration, secureCookiesFor, type CookieName } from '~/platform/processing-register'
import { getSigningSecrets } from '~/platform/security/signing-secret.server'

/**
 * Every cookie of ours is written here, with the path, flags and lifetime the
 * register of processing declares for it (app/platform/processing-register/cookies.ts), so each
 * cookie's attributes are stated once. Signed cookies are Remix cookies
 * (createCookie) with the list of signing secrets: the first signs, every
 * one verifies. Plain cookies keep their bare, readable values (a language
 * code, generation settings), which a Remix cookie would wrap in base64 JSON;
 * they are written by the same `cookie` library with the same attributes.
 */

type SecureOption = {
  /** Secure attribute; by default whenever the site is served over HTTPS (PUBLIC_URL). */
  secure?: boolean
}

export type SignedCookieOptions = SecureOption & {
  /** The secrets to sign (first) and verify with; the configured ones by default. */
  secrets?: readonly string[]
}

// The register writes SameSite as the header does; the cookie library wants it in lower case.
const SAME_SITE = { Lax: 'lax' } as const

function attributes(name: CookieName, { secure }: SecureOption): CookieSerializeOptions {
  const declaration = cookieDeclaration(name)
  if (!declaration) throw new Error(`cookie ${name} is not in the register of processing`)
  return {
    maxAge: declaration.maxAgeSeconds,
    path: declaration.path,
    httpOnly: declaration.httpOnly,
    sameSite: SAME_SITE[declaration.sameSite],
    // PUBLIC_URL as the process has it (validated at start by env.server.ts).
    secure: (secure ?? secureCookiesFor(process.env.PUBLIC_URL)) && declaration.secureOverHttps,
  }
}

/**
 * A signed cookie of the register. Made per use: the secrets and PUBLIC_URL
 * are read when needed (tests and the embedded set-up change them), and
 * making one costs nothing.
 */
export function signedCookie(name: CookieName, options: SignedCookieOptions = {}): Cookie {
  const secrets = [...(options.secrets ?? getSigningSecrets())]
  if (secrets.length === 0 || secrets.some((secret) => !secret))
    throw new Error(`cookie ${name} needs a signing secret`)
  return createCookie(name, { ...attributes(name, options), secrets })
}

/**
 * The value of a signed cookie in the request, or null when it is absent or
 * not signed with any of the cookie's secrets. What the value holds is the
 * caller's to check.
 */
export function readSignedCookie(request: Request, cookie: Cookie): Promise<unknown> {
  return parseSignedCookie(request.headers.get('Cookie'), cookie)
}

/** readSignedCookie for a Cookie header given as text (`name=value; …`). */
export async function parseSignedCookie(cookieHeader: string | null, cookie: Cookie): Promise<unknown> {
  try {
    return await cookie.parse(cookieHeader)
  } catch {
    // A header the cookie parser cannot take holds no cookie of ours.
    return null
  }
}

/** The value a Set-Cookie header carries (what the browser sends back after `name=`). */
export function setCookieValue(setCookie: string): string {
  const pair = setCookie.slice(0, setCookie.indexOf(';') === -1 ? undefined : setCookie.indexOf(';'))
  return pair.slice(pair.indexOf('=') + 1)
}

/** A Set-Cookie for a plain cookie; `value` must already be safe in a cookie (it is written as it is). */
export function plainCookieHeader(name: CookieName, value: string, options: SecureOption = {}): string {
  return serialize(name, value, { ...attributes(name, options), encode: (raw) => raw })
}

/** A Set-Cookie that deletes one of our cookies (same path and flags, so the browser matches it). */
export function expiredCookieHeader(name: CookieName, options: SecureOption = {}): string {
  return serialize(name, '', { ...attributes(name, options), maxAge: 0, expires: new Date(0) })
}

/** The first value of a cookie in the request (browsers send the most specific path first). */
export function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get('Cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

/**
 * Whether `signature` is the signature our earlier, hand-made format put on
 * `signedText`: HMAC-SHA256 in base64url with any of the signing secrets.
 * Cookies of that format are read until they expire (the longest, the
 * consent cookie, lasts a year); every cookie written now is a Remix cookie.
 */
export function isLegacySignature(
  signedText: string,
  signature: string,
  secrets: readonly string[] = getSigningSecrets(),
): boolean {
  const given = Buffer.from(signature)
  return secrets.some((secret) => {
    if (!secret) return false
    const expected = Buffer.from(createHmac('sha256', secret).update(signedText).digest('base64url'))
    // timingSafeEqual needs equal lengths; the length of a valid signature is no secret.
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
