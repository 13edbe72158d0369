import { createHash, createHmac } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { verifyTelegramLogin } from './telegram.server'

const BOT_TOKEN = '7000000001:AAtest-token-for-palitra-tests-only'
const now = new Date('2025-10-01T12:00:00Z')
const nowSeconds = Math.floor(now.getTime() / 1000)

/** Signs fields the way Telegram does (written from its documentation, independently of the module). */
function signed(fields: Record<string, string>, token = BOT_TOKEN): Record<string, string> {
  const dataCheckString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n')
  const key = createHash('sha256').update(token).digest()
  return { ...fields, hash: createHmac('sha256', key).update(dataCheckString).digest('hex') }
}

const widget = (overrides: Record<string, string> = {}) =>
  signed({
    id: '500000001',
    first_name: 'Олег',
    last_name: 'Тестов',
    username: 'oleg_test',
    photo_url: 'https://t.me/i/userpic/320/test.jpg',
    auth_date: String(nowSeconds - 60),
    ...overrides,
  })

describe('verifyTelegramLogin', () => {
  test('a genuine login gives the Telegram profile (no e-mail)', () => {
    const result = verifyTelegramLogin(new URLSearchParams(widget()), BOT_TOKEN, now)
    expect(result).toEqual({
      ok: true,
      authDate: new Date((nowSeconds - 60) * 1000),
      profile: {
        provider: 'telegram',
        providerUserId: '500000001',
        email: null,
        emailVerified: false,
        displayName: 'Олег Тестов',
      },
    })
  })

  test('takes a plain record too, and falls back to @username, then null, for the name', () => {
    const onlyUsername = signed({ id: '42', username: 'nameless', auth_date: String(nowSeconds) })
    expect(verifyTelegramLogin(onlyUsername, BOT_TOKEN, now)).toMatchObject({
      ok: true,
      profile: { providerUserId: '42', displayName: '@nameless' },
    })
    const bare = signed({ id: '43', auth_date: String(nowSeconds) })
    expect(verifyTelegramLogin(bare, BOT_TOKEN, now)).toMatchObject({ ok: true, profile: { displayName: null } })
  })

  test('a changed field, an added field or a hash made with another bot token is forged', () => {
    const changed = { ...widget(), id: '500000002' }
    expect(verifyTelegramLogin(changed, BOT_TOKEN, now)).toEqual({ ok: false, reason: 'forged' })

    const added = { ...widget(), is_admin: 'true' }
    expect(verifyTelegramLogin(added, BOT_TOKEN, now)).toEqual({ ok: false, reason: 'forged' })

    const otherBot = signed({ id: '1', auth_date: String(nowSeconds) }, '7000000002:AAanother-bot')
    expect(verifyTelegramLogin(otherBot, BOT_TOKEN, now)).toEqual({ ok: false, reason: 'forged' })

    // Signed with the raw token as the key (a common mistake) instead of SHA-256(token).
    const fields = { id: '1', auth_date: String(nowSeconds) }
    const wrongKey = createHmac('sha256', BOT_TOKEN).update(`auth_date=${fields.auth_date}\nid=1`).digest('hex')
    expect(verifyTelegramLogin({ ...fields, hash: wrongKey }, BOT_TOKEN, now)).toEqual({ ok: false, reason: 'forged' })
  })

  test('a hash that is not 64 hex characters is forged, not an exception', () => {
    for (const hash of ['abc', 'z'.repeat(64), `${'a'.repeat(64)}00`]) {
      expect(verifyTelegramLogin({ ...widget(), hash }, BOT_TOKEN, now)).toEqual({ ok: false, reason: 'forged' })
    }
  })

  test('older than a day is expired; a date far in the future too', () => {
    const dayOld = widget({ auth_date: String(nowSeconds - 86_400) })
    expect(verifyTelegramLogin(dayOld, BOT_TOKEN, now)).toMatchObject({ ok: true })
    const tooOld = widget({ auth_date: String(nowSeconds - 86_401) })
    expect(verifyTelegramLogin(tooOld, BOT_TOKEN, now)).toEqual({ ok: false, reason: 'expired' })
    const future = widget({ auth_date: String(nowSeconds + 3600) })
    expect(verifyTelegramLogin(future, BOT_TOKEN, now)).toEqual({ ok: false, reason: 'expired' })
  })

  test('missing hash, id or auth_date is "missing"', () => {
    const { hash: _hash, ...unsigned } = widget()
    expect(verifyTelegramLogin(unsigned, BOT_TOKEN, now)).toEqual({ ok: false, reason: 'missing' })
    expect(verifyTelegramLogin(new URLSearchParams(), BOT_TOKEN, now)).toEqual({ ok: false, reason: 'missing' })
    const noDate = signed({ id: '1' })
    expect(verifyTelegramLogin(noDate, BOT_TOKEN, now)).toEqual({ ok: false, reason: 'missing' })
  })
})
