import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import {
  expiredCookieHeader,
  isLegacySignature,
  parseSignedCookie,
  plainCookieHeader,
  readCookie,
  setCookieValue,
  signedCookie,
} from '~/platform/cookies.server'
import { getSigningSecrets } from '~/platform/security/signing-secret.server'
import { isAspectRatio, isStyle, MAX_IMAGES, MIN_IMAGES, type AspectRatio, type Style } from '~/generation'
import { LOCALES, type Locale } from '~/platform/i18n/locales'
import { cookieMaxAgeSeconds } from '~/platform/processing-register'

/**
 * The three cookies of the cookie policy that this module owns:
 *
 *  - palitra_consent (essential): the choice, the policy version it was made
 *    against and the anonymous consent id the ledger rows are recorded under,
 *    HMAC-signed so that nobody can write a choice or borrow a consent id;
 *  - palitra_prefs (preferences): the last generation settings;
 *  - palitra_stats (analytics): a random visitor id for page-view statistics.
 *
 * Reading is strict: anything that is not exactly a value we wrote counts as
 * no cookie at all. See docs/cookies.md for the formats.
 */

export const CONSENT_COOKIE = 'palitra_consent' as const
export const PREFS_COOKIE = 'palitra_prefs'
export const STATS_COOKIE = 'palitra_stats'

/** Lifetimes as the register of processing (and so the cookie policy) declares them. */
export const CONSENT_MAX_AGE_SECONDS = cookieMaxAgeSeconds(CONSENT_COOKIE)
export const PREFS_MAX_AGE_SECONDS = cookieMaxAgeSeconds(PREFS_COOKIE)
export const STATS_MAX_AGE_SECONDS = cookieMaxAgeSeconds(STATS_COOKIE)
// A value issued this far in the future is not ours (clocks of several instances may differ a little).
const CLOCK_SKEW_SECONDS = 5 * 60

/** How the choice was made: a button for everything, a button for essential only, or the checkboxes. */
export const CONSENT_METHODS = ['all', 'essential', 'custom'] as const
export type ConsentMethod = (typeof CONSENT_METHODS)[number]

export type ConsentChoice = {
  /** The anonymous consent id (cookie_consents.id; acceptances.consent_id). */
  consentId: string
  /** The language of the cookie policy the choice was made against (versions are numbered per language). */
  locale: Locale
  version: number
  method: ConsentMethod
  preferences: boolean
  analytics: boolean
  /** Unix seconds. */
  issuedAt: number
}

// 24 random bytes: 32 base64url characters, like guest ids.
const CONSENT_ID = /^[A-Za-z0-9_-]{32}$/
// The cookie holds the choice as an object of exactly these fields; no other
// signed cookie of ours has this shape, so none can pass for this one.
const choiceSchema = z.strictObject({
  consentId: z.string().regex(CONSENT_ID),
  locale: z.enum(LOCALES),
  version: z.number().int().min(1).max(999_999),
  method: z.enum(CONSENT_METHODS),
  preferences: z.boolean(),
  analytics: z.boolean(),
  issuedAt: z.number().int().min(1),
})
// The earlier hand-signed format, read until such cookies expire:
// 1.<consent id>.<locale>.<version>.<method>.<preferences><analytics>.<issued at>.<HMAC>
const LEGACY_VALUE =
  /^1\.([A-Za-z0-9_-]{32})\.(ru|en)\.([1-9]\d{0,5})\.(all|essential|custom)\.([01])([01])\.([1-9]\d{0,10})\.([A-Za-z0-9_-]{43})$/
// Far above a real value (about 300 characters): the rest is not worth decoding.
const MAX_VALUE_LENGTH = 1000

export function newConsentId(): string {
  return randomBytes(24).toString('base64url')
}

export function isConsentId(value: unknown): value is string {
  return typeof value === 'string' && CONSENT_ID.test(value)
}

/** One secret to sign and check with (tests); the configured ones by default. */
type SignOptions = { secret?: string }
type CookieOptions = SignOptions & { secure?: boolean }

const secretsOf = (options: SignOptions) => (options.secret === undefined ? getSigningSecrets() : [options.secret])

const consentCookie = (options: CookieOptions) =>
  signedCookie(CONSENT_COOKIE, { secrets: secretsOf(options), secure: options.secure })

/** A choice the buttons can produce: "essential" turns everything off, "all" turns preferences on. */
function consistent(choice: Pick<ConsentChoice, 'method' | 'preferences' | 'analytics'>): boolean {
  if (choice.method === 'essential') return !choice.preferences && !choice.analytics
  // "Accept all" leaves analytics off when the browser sends Global Privacy Control.
  if (choice.method === 'all') return choice.preferences
  return true
}

type ConsentCookieName = typeof CONSENT_COOKIE | typeof PREFS_COOKIE | typeof STATS_COOKIE

/** A Set-Cookie value removing one of our cookies. */
export function expireCookie(name: ConsentCookieName, options: { secure?: boolean } = {}): string {
  return expiredCookieHeader(name, options)
}

/** `Set-Cookie` carrying the choice for a year. */
export async function serializeConsentCookie(choice: ConsentChoice, options: CookieOptions = {}): Promise<string> {
  const valid = choiceSchema.safeParse({ ...choice })
  if (!valid.success) throw new Error(`not a cookie choice: ${valid.error.issues.map((i) => i.path).join(', ')}`)
  if (!consistent(valid.data)) throw new Error('an impossible cookie choice')
  return consentCookie(options).serialize(valid.data)
}

/** The signed palitra_consent value (what the browser sends back, without attributes). */
export async function consentCookieValue(choice: ConsentChoice, options: SignOptions = {}): Promise<string> {
  return setCookieValue(await serializeConsentCookie(choice, options))
}

/**
 * Parses a palitra_consent value, of the current or the earlier format. Null
 * for anything malformed, not signed with our secrets, internally
 * inconsistent, issued in the future or older than the cookie's year.
 * Whether its version is still in force is the caller's question
 * (state.server.ts).
 */
export async function parseConsentValue(
  raw: string | null | undefined,
  options: SignOptions & { now?: Date } = {},
): Promise<ConsentChoice | null> {
  // Only the characters either format is written in (no spaces, quotes or separators).
  if (!raw || raw.length > MAX_VALUE_LENGTH || !/^[A-Za-z0-9%._-]+$/.test(raw)) return null
  const signed = choiceSchema.safeParse(await parseSignedCookie(`${CONSENT_COOKIE}=${raw}`, consentCookie(options)))
  const choice = signed.success ? signed.data : parseLegacyValue(raw, secretsOf(options))
  if (!choice || !consistent(choice)) return null
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000)
  if (choice.issuedAt > now + CLOCK_SKEW_SECONDS || now - choice.issuedAt > CONSENT_MAX_AGE_SECONDS) return null
  return choice
}

function parseLegacyValue(raw: string, secrets: readonly string[]): ConsentChoice | null {
  const match = LEGACY_VALUE.exec(raw)
  if (!match) return null
  const [, consentId, locale, version, method, prefs, stats, issuedAt, signature] = match
  const payload = raw.slice(0, raw.length - signature!.length - 1)
  // The cookie name was part of the signed text: no other signed value of ours passes for this one.
  if (!isLegacySignature(`${CONSENT_COOKIE}.${payload}`, signature!, secrets)) return null
  return {
    consentId: consentId!,
    locale: locale as Locale,
    version: Number(version),
    method: method as ConsentMethod,
    preferences: prefs === '1',
    analytics: stats === '1',
    issuedAt: Number(issuedAt),
  }
}

/** The request's palitra_consent, parsed strictly (see parseConsentValue). */
export function readConsentCookie(
  request: Request,
  options: SignOptions & { now?: Date } = {},
): Promise<ConsentChoice | null> {
  return parseConsentValue(readCookie(request, CONSENT_COOKIE), options)
}

// ---------------------------------------------------------------------------
// palitra_prefs: style.aspectRatio.count, e.g. "watercolor.16:9.2"

export type GenerationPrefs = { style: Style; aspectRatio: AspectRatio; count: number }

export function serializePrefsCookie(prefs: GenerationPrefs, options: { secure?: boolean } = {}): string {
  if (!isStyle(prefs.style) || !isAspectRatio(prefs.aspectRatio) || !validCount(prefs.count)) {
    throw new Error('not generation settings')
  }
  return plainCookieHeader(PREFS_COOKIE, `${prefs.style}.${prefs.aspectRatio}.${prefs.count}`, options)
}

/** The remembered settings, or null when the cookie is absent or is not exactly settings we offer. */
export function readPrefsCookie(request: Request): GenerationPrefs | null {
  const raw = readCookie(request, PREFS_COOKIE)
  if (!raw || raw.length > 40) return null
  const parts = raw.split('.')
  if (parts.length !== 3) return null
  const [style, aspectRatio, count] = parts as [string, string, string]
  if (!isStyle(style) || !isAspectRatio(aspectRatio) || !/^\d$/.test(count) || !validCount(Number(count))) return null
  return { style, aspectRatio, count: Number(count) }
}

function validCount(count: number): boolean {
  return Number.isInteger(count) && count >= MIN_IMAGES && count <= MAX_IMAGES
}

// ---------------------------------------------------------------------------
// palitra_stats: a random visitor id, nothing else.

// 16 random bytes: 22 base64url characters.
const VISITOR_ID = /^[A-Za-z0-9_-]{22}$/

export function newVisitorId(): string {
  return randomBytes(16).toString('base64url')
}

export function serializeStatsCookie(visitorId: string, options: { secure?: boolean } = {}): string {
  if (!VISITOR_ID.test(visitorId)) throw new Error('not a visitor id')
  return plainCookieHeader(STATS_COOKIE, visitorId, options)
}

export function readStatsCookie(request: Request): string | null {
  const raw = readCookie(request, STATS_COOKIE)
  return raw && VISITOR_ID.test(raw) ? raw : null
}

/** Whether the request carries a cookie of that name at all, valid or not. */
export function hasCookie(request: Request, name: string): boolean {
  return readCookie(request, name) !== null
}
