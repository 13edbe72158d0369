/**
 * The one check for every address that comes from outside and is sent back
 * as a `Location` header or a link: `returnTo`, `redirectTo`, `next`, and the
 * OAuth flow cookie. Used on the server and in the browser (no Node imports).
 *
 * Browsers forgive a lot in a `Location`: they strip tab, CR and LF, read `\`
 * as `/`, and resolve dot segments, so `/\tevil.example`, `/\evil.example`
 * and `/.//evil.example` all leave the site. And a header value with a
 * control character or a character outside Latin-1 makes Node throw, which
 * was a 500 that lost the headers (a new session cookie among them).
 *
 * A target is accepted only when all of this holds:
 *  - it is a string of at most MAX_TARGET_LENGTH characters that starts with
 *    a single `/` (not `//`, not `/\`);
 *  - neither it nor any percent-decoded form of it (decoded up to
 *    DECODE_ROUNDS times, so `%250d` counts as CR too) holds a control
 *    character or a backslash, or starts with `//`; text that does not
 *    decode (`%zz`, broken UTF-8) is refused;
 *  - parsed as a WHATWG URL against a dummy origin, it keeps that origin,
 *    and its re-serialized path (dot segments resolved, non-ASCII
 *    percent-encoded) still starts with a single `/`.
 * What is returned is that re-serialized form (path, query, fragment), never
 * the raw input. Anything else gives the fallback.
 */

export const MAX_TARGET_LENGTH = 2000
const DECODE_ROUNDS = 3
const DUMMY_ORIGIN = 'https://palitra.invalid'

// Any C0 or C1 control character (NUL, tab, CR, LF, DEL, …), or a backslash.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\\]/

function startsWithSingleSlash(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')
}

function decodedFormsAreClean(value: string): boolean {
  let current = value
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    if (FORBIDDEN.test(current) || !startsWithSingleSlash(current)) return false
    if (!current.includes('%')) return true
    let decoded: string
    try {
      decoded = decodeURIComponent(current)
    } catch {
      return false
    }
    if (decoded === current) return true
    current = decoded
  }
  // Still changing after that many rounds: nobody writes that by accident.
  return false
}

export type SafeRedirectOptions = {
  /**
   * A path prefix the result must stay under, e.g. `/en` (which allows `/en`,
   * `/en/…`, `/en?…` and `/en#…` but not `/english`).
   */
  under?: string
}

/**
 * `target` re-serialized when it is a same-site path (see above), otherwise
 * `fallback`. With `under`, a path outside that prefix gives the fallback too.
 */
export function safeRedirect<F extends string | null>(
  target: unknown,
  fallback: F,
  options: SafeRedirectOptions = {},
): string | F {
  if (typeof target !== 'string' || target.length === 0 || target.length > MAX_TARGET_LENGTH) return fallback
  if (!decodedFormsAreClean(target)) return fallback
  let url: URL
  try {
    url = new URL(target, DUMMY_ORIGIN)
  } catch {
    return fallback
  }
  if (url.origin !== DUMMY_ORIGIN || url.username || url.password) return fallback
  const result = `${url.pathname}${url.search}${url.hash}`
  if (!startsWithSingleSlash(result) || FORBIDDEN.test(result) || result.length > MAX_TARGET_LENGTH) return fallback
  if (options.under !== undefined && !isUnder(url.pathname, options.under)) return fallback
  return result
}

function isUnder(pathname: string, prefix: string): boolean {
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  return pathname === base || pathname.startsWith(`${base}/`)
}
