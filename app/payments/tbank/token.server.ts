import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * T-Bank (Tinkoff) internet acquiring, API v2: the request and notification
 * signature (developer.tbank.ru/eacq, "Токен", intro/developer/token, and
 * "Уведомления об операциях", intro/developer/notification). The terminal
 * password and the Token are never logged.
 */

function tokenValue(key: string, value: unknown): string | null {
  // Only root-level scalars take part; nested objects and arrays (Receipt,
  // DATA, Data, Shops) do not. Null values are left out, as the bank does
  // when it builds a notification.
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`T-Bank token: ${key} is not a finite number`)
    return String(value)
  }
  if (typeof value === 'bigint') return value.toString()
  return null
}

/**
 * The documented request signature: the root-level scalar parameters except
 * Token, plus `Password`, sorted by key, their values concatenated (booleans
 * as `true`/`false`, numbers in decimal), SHA-256 of the UTF-8 string,
 * lowercase hex. Keys are compared by UTF-16 code unit (plain `<`), which is
 * the order of the documentation's examples; locale-aware sorting could put
 * `IP` after `Info`.
 */
export function tbankToken(params: Record<string, unknown>, password: string): string {
  const pairs: Array<[string, string]> = [['Password', password]]
  for (const [key, raw] of Object.entries(params)) {
    if (key === 'Token' || key === 'Password') continue
    const value = tokenValue(key, raw)
    if (value !== null) pairs.push([key, value])
  }
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('sha256')
    .update(pairs.map(([, value]) => value).join(''), 'utf8')
    .digest('hex')
}

/**
 * True when the body's Token is the signature of the rest of the body with
 * this password. Compared in constant time; false when Token is missing or
 * not a 64-character hex string.
 */
export function verifyNotificationToken(body: Record<string, unknown>, password: string): boolean {
  const received = body.Token
  if (typeof received !== 'string' || !/^[0-9a-f]{64}$/i.test(received)) return false
  let expected: string
  try {
    expected = tbankToken(body, password)
  } catch {
    return false
  }
  return timingSafeEqual(Buffer.from(received.toLowerCase(), 'utf8'), Buffer.from(expected, 'utf8'))
}
