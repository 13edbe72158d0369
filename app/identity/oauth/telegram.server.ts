import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { textOrNull, type ProviderProfile } from './profile.server'

/**
 * The Telegram Login Widget sends the person back with their account fields
 * and a hash: HMAC-SHA256 of the sorted `key=value` lines, keyed with
 * SHA-256(bot token). Only Telegram and we know the token, so a matching hash
 * proves Telegram vouched for these fields.
 * https://core.telegram.org/widgets/login#checking-authorization
 */

/** Telegram's own limit is unstated; a day keeps a leaked callback URL from working for long. */
export const TELEGRAM_LOGIN_MAX_AGE_SECONDS = 86_400
/** Clocks differ a little; a date further ahead than this is not Telegram's. */
const CLOCK_SKEW_SECONDS = 300

export type TelegramLoginResult =
  { ok: true; profile: ProviderProfile; authDate: Date } | { ok: false; reason: 'missing' | 'forged' | 'expired' }

/**
 * Checks the widget's fields. Pass exactly what Telegram sent: every field
 * except `hash` is part of the signed string, so the callback URL must carry
 * no query parameters of our own.
 */
export function verifyTelegramLogin(
  params: URLSearchParams | Record<string, string>,
  botToken: string,
  now: Date = new Date(),
): TelegramLoginResult {
  const fields = new Map<string, string>(params instanceof URLSearchParams ? [...params] : Object.entries(params))
  const hash = fields.get('hash')
  const id = fields.get('id')
  const authDate = fields.get('auth_date')
  if (!hash || !id || !authDate) return { ok: false, reason: 'missing' }
  fields.delete('hash')

  const dataCheckString = [...fields]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')
  const secretKey = createHash('sha256').update(botToken).digest()
  const expected = createHmac('sha256', secretKey).update(dataCheckString).digest()
  const given = /^[0-9a-f]{64}$/i.test(hash) ? Buffer.from(hash, 'hex') : null
  if (!given || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' }

  // Checked after the hash: an unsigned date says nothing.
  if (!/^\d{1,12}$/.test(authDate) || !/^\d{1,20}$/.test(id)) return { ok: false, reason: 'forged' }
  const ageSeconds = Math.floor(now.getTime() / 1000) - Number(authDate)
  if (ageSeconds > TELEGRAM_LOGIN_MAX_AGE_SECONDS || ageSeconds < -CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'expired' }
  }

  const name = textOrNull(fields.get('first_name'), fields.get('last_name'))
  const username = textOrNull(fields.get('username'))
  return {
    ok: true,
    authDate: new Date(Number(authDate) * 1000),
    profile: {
      provider: 'telegram',
      providerUserId: id,
      // Telegram never shares an e-mail address.
      email: null,
      emailVerified: false,
      displayName: name ?? (username ? `@${username}` : null),
    },
  }
}
