import { domainToASCII } from 'node:url'
import { hash, verify, type Options } from '@node-rs/argon2'
import { z } from 'zod'
import commonPasswordList from './common-passwords.json'

// argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane): about 20–50 ms
// per hash here, slow enough for offline guessing and cheap enough for a web
// request. `algorithm: 2` is Argon2id; the package's enum is a const enum,
// which isolated modules cannot import.
const ARGON2_OPTIONS: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 256
export const EMAIL_MAX_LENGTH = 254

/** Unicode passwords are compared after NFKC, so the same password typed on two keyboards matches. */
function normalizePassword(password: string) {
  return password.normalize('NFKC')
}

export async function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2_OPTIONS)
}

/** False for a wrong password and for anything that is not an argon2 hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalizePassword(password))
  } catch {
    return false
  }
}

export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'contains-email'

const commonPasswords: ReadonlySet<string> = new Set(commonPasswordList)

// Digits and symbols people tack onto a word: "password2025!" is as weak as "password".
const TRAILING_DECORATION = /[\d\s!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~№]+$/u

/** A password from the common list, a listed word with digits or symbols after it, or one or two characters repeated. */
export function isCommonPassword(password: string): boolean {
  const lower = normalizePassword(password).toLowerCase()
  if (commonPasswords.has(lower)) return true
  const stem = lower.replace(TRAILING_DECORATION, '')
  if (stem !== lower && commonPasswords.has(stem)) return true
  return new Set(lower).size <= 2
}

/**
 * The first rule a new password breaks, or null. Length counts characters
 * (code points), not bytes. `email` is the account's address: a password
 * containing it, or its part before the @, is the first thing guessed.
 */
export function validateNewPassword(password: string, email: string | null | undefined): PasswordProblem | null {
  const length = [...normalizePassword(password)].length
  if (length < PASSWORD_MIN_LENGTH) return 'too-short'
  if (length > PASSWORD_MAX_LENGTH) return 'too-long'
  if (email && containsEmail(password, email)) return 'contains-email'
  if (isCommonPassword(password)) return 'common'
  return null
}

function containsEmail(password: string, email: string) {
  const lower = normalizePassword(password).toLowerCase()
  const address = email.trim().normalize('NFKC').toLowerCase()
  const local = address.split('@')[0] ?? ''
  // A very short local part ("a@…", "ivo@…") would forbid too many passwords.
  return lower.includes(address) || (local.length >= 4 && lower.includes(local))
}

// zod's default address pattern, with the domain allowed to end in a
// punycode top-level label (.xn--p1ai is .рф).
const asciiEmail = z.email({
  pattern:
    /^(?:[a-z0-9_'+-]+\.)*[a-z0-9_'+-]*[a-z0-9_+-]@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/,
})

/**
 * The canonical form of an e-mail address: trimmed, NFKC, lower-case, with an
 * internationalized domain in its ASCII (punycode) form, so each mailbox maps
 * to one account however it is typed. Null when it is not a usable address.
 */
export function normalizeEmail(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length > 4 * EMAIL_MAX_LENGTH) return null
  const lower = raw.trim().normalize('NFKC').toLowerCase()
  const at = lower.lastIndexOf('@')
  if (at <= 0) return null
  const domain = domainToASCII(lower.slice(at + 1))
  if (!domain) return null
  const email = `${lower.slice(0, at)}@${domain}`
  if (email.length > EMAIL_MAX_LENGTH) return null
  return asciiEmail.safeParse(email).success ? email : null
}
