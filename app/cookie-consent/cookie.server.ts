import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { readCookie } from '~/lib/cookies.server'
import { getSigningSecret } from '~/security/signing-secret.server'
import { isAspectRatio, isStyle, MAX_IMAGES, MIN_IMAGES, type AspectRatio, type Style } from '~/generation/options'
import { isLocale, type Locale } from '~/i18n/locales'
import { cookieMaxAgeSeconds, expireCookieHeader, setCookieHeader } from '~/register'

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

const FORMAT = '1'
// 24 random bytes: 32 base64url characters, like guest ids.
const CONSENT_ID = /^[A-Za-z0-9_-]{32}$/
const CONSENT_VALUE =
  /^1\.([A-Za-z0-9_-]{32})\.(ru|en)\.([1-9]\d{0,5})\.(all|essential|custom)\.([01])([01])\.([1-9]\d{0,10})\.([A-Za-z0-9_-]{43})$/

export function newConsentId(): string {
  return randomBytes(24).toString('base64url')
}

export function isConsentId(value: unknown): value is string {
  return typeof value === 'string' && CONSENT_ID.test(value)
}

type SignOptions = { secret?: string }
type CookieOptions = SignOptions & { secure?: boolean }

function sign(payload: string, secret: string): string {
  if (!secret) throw new Error('the consent cookie needs a signing secret')
  // The cookie name is part of the signed text: no other signed value of ours can be passed off as this one.
  return createHmac('sha256', secret).update(`${CONSENT_COOKIE}.${payload}`).digest('base64url')
}

function payloadOf(choice: ConsentChoice): string {
  const flags = `${choice.preferences ? 1 : 0}${choice.analytics ? 1 : 0}`
  return [FORMAT, choice.consentId, choice.locale, choice.version, choice.method, flags, choice.issuedAt].join('.')
}

/** A choice the buttons can produce: "essential" turns everything off, "all" turns preferences on. */
function consistent(choice: Pick<ConsentChoice, 'method' | 'preferences' | 'analytics'>): boolean {
  if (choice.method === 'essential') return !choice.preferences && !choice.analytics
  // "Accept all" leaves analytics off when the browser sends Global Privacy Control.
  if (choice.method === 'all') return choice.preferences
  return true
}

type ConsentCookieName = typeof CONSENT_COOKIE | typeof PREFS_COOKIE | typeof STATS_COOKIE

function setCookie(name: ConsentCookieName, value: string, secure: boolean | undefined): string {
  return setCookieHeader(name, value, { secure })
}

/** A Set-Cookie value removing one of our cookies. */
export function expireCookie(name: ConsentCookieName, options: { secure?: boolean } = {}): string {
  return expireCookieHeader(name, options)
}

/** The signed palitra_consent value (without attributes). */
export function consentCookieValue(choice: ConsentChoice, options: SignOptions = {}): string {
  if (!isConsentId(choice.consentId)) throw new Error('not a consent id')
  if (!isLocale(choice.locale)) throw new Error('not a locale')
  if (!Number.isInteger(choice.version) || choice.version < 1 || choice.version > 999_999) {
    throw new Error('not a version number')
  }
  if (!(CONSENT_METHODS as readonly string[]).includes(choice.method) || !consistent(choice)) {
    throw new Error('an impossible cookie choice')
  }
  if (!Number.isInteger(choice.issuedAt) || choice.issuedAt < 1) throw new Error('not a time')
  const payload = payloadOf(choice)
  return `${payload}.${sign(payload, options.secret ?? getSigningSecret())}`
}

/** `Set-Cookie` carrying the choice for a year. */
export function serializeConsentCookie(choice: ConsentChoice, options: CookieOptions = {}): string {
  return setCookie(CONSENT_COOKIE, consentCookieValue(choice, options), options.secure)
}

/**
 * Parses a palitra_consent value. Null for anything malformed, not signed
 * with our secret, internally inconsistent, issued in the future or older
 * than the cookie's year. Whether its version is still in force is the
 * caller's question (state.server.ts).
 */
export function parseConsentValue(
  raw: string | null | undefined,
  options: SignOptions & { now?: Date } = {},
): ConsentChoice | null {
  if (!raw || raw.length > 200) return null
  const match = CONSENT_VALUE.exec(raw)
  if (!match) return null
  const [, consentId, locale, version, method, prefs, stats, issuedAt, signature] = match
  const payload = raw.slice(0, raw.length - signature!.length - 1)
  const given = Buffer.from(signature!)
  const expected = Buffer.from(sign(payload, options.secret ?? getSigningSecret()))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  const choice: ConsentChoice = {
    consentId: consentId!,
    locale: locale as Locale,
    version: Number(version),
    method: method as ConsentMethod,
    preferences: prefs === '1',
    analytics: stats === '1',
    issuedAt: Number(issuedAt),
  }
  if (!consistent(choice)) return null
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000)
  if (choice.issuedAt > now + CLOCK_SKEW_SECONDS || now - choice.issuedAt > CONSENT_MAX_AGE_SECONDS) return null
  return choice
}

/** The request's palitra_consent, parsed strictly (see parseConsentValue). */
export function readConsentCookie(request: Request, options: SignOptions & { now?: Date } = {}): ConsentChoice | null {
  return parseConsentValue(readCookie(request, CONSENT_COOKIE), options)
}

// ---------------------------------------------------------------------------
// palitra_prefs: style.aspectRatio.count, e.g. "watercolor.16:9.2"

export type GenerationPrefs = { style: Style; aspectRatio: AspectRatio; count: number }

export function serializePrefsCookie(prefs: GenerationPrefs, options: { secure?: boolean } = {}): string {
  if (!isStyle(prefs.style) || !isAspectRatio(prefs.aspectRatio) || !validCount(prefs.count)) {
    throw new Error('not generation settings')
  }
  return setCookie(PREFS_COOKIE, `${prefs.style}.${prefs.aspectRatio}.${prefs.count}`, options.secure)
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
  return setCookie(STATS_COOKIE, visitorId, options.secure)
}

export function readStatsCookie(request: Request): string | null {
  const raw = readCookie(request, STATS_COOKIE)
  return raw && VISITOR_ID.test(raw) ? raw : null
}

/** Whether the request carries a cookie of that name at all, valid or not. */
export function hasCookie(request: Request, name: string): boolean {
  return readCookie(request, name) !== null
}
