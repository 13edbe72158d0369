import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { passwordResetTokens, users } from './schema'
import type { MailMessage } from '~/platform/mail/mailer.server'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { authenticate, createAccount } from './accounts.server'
import { deleteAccountData } from '~/flows/account/erase.server'
import { checkResetToken, requestPasswordReset, resetPassword, sweepPasswordResetTokens } from './reset-tokens.server'
import { createUserSession, getSessionUser } from './session.server'

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

const OLD = 'first garden of copper'
const NEW = 'second river of glass'

function register(email: string) {
  return createAccount(handle.db, { email, password: OLD, locale: 'ru' })
}

/** Asks for a reset and returns the captured mails and the token from the link. */
async function askForReset(email: string, options: { locale?: 'ru' | 'en'; now?: Date } = {}) {
  const mails: MailMessage[] = []
  await requestPasswordReset(handle.db, email, {
    locale: options.locale ?? 'ru',
    baseUrl: 'https://palitra.example/',
    now: options.now,
    send: async (message) => void mails.push(message),
  })
  const link = mails[0]?.text.match(/https:\/\/\S+/)?.[0]
  const token = link ? new URL(link).searchParams.get('token') : null
  return { mails, link, token }
}

describe('requestPasswordReset', () => {
  it('mails a localized link with a single-use token and stores only its hash', async () => {
    const id = await register('Olga@Mail.example')
    const now = new Date()
    const { mails, link, token } = await askForReset('olga@mail.EXAMPLE', { now })

    expect(mails).toHaveLength(1)
    expect(mails[0]!.to).toBe('Olga@Mail.example')
    expect(mails[0]!.subject).toBe('Палитра: сброс пароля')
    expect(mails[0]!.text).toContain('60 минут')
    expect(link).toMatch(/^https:\/\/palitra\.example\/ru\/reset-password\?token=[A-Za-z0-9_-]{43}$/)

    const rows = await handle.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, id))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.tokenHash).toBe(createHash('sha256').update(token!).digest('hex'))
    expect(rows[0]!.expiresAt.getTime()).toBe(now.getTime() + 60 * 60 * 1000)
    expect(rows[0]!.usedAt).toBeNull()
  })

  it('writes the English mail for the English site', async () => {
    await register('pavel@mail.example')
    const { mails, link } = await askForReset('pavel@mail.example', { locale: 'en' })
    expect(mails[0]!.subject).toBe('Palitra: reset your password')
    expect(mails[0]!.text).toContain('60 minutes')
    expect(link).toContain('/en/reset-password?token=')
  })

  it('behaves the same outwardly for an unknown, invalid or deleted address, and sends nothing', async () => {
    const id = await register('removed@mail.example')
    await deleteAccountData(handle.db, id)
    for (const email of ['nobody@mail.example', 'not an address', 'removed@mail.example']) {
      const mails: MailMessage[] = []
      const result = await requestPasswordReset(handle.db, email, {
        locale: 'en',
        baseUrl: 'https://palitra.example',
        send: async (message) => void mails.push(message),
      })
      expect(result).toBeUndefined()
      expect(mails).toEqual([])
    }
  })

  it('does not fail the request when the mail cannot be sent', async () => {
    await register('offline@mail.example')
    await expect(
      requestPasswordReset(handle.db, 'offline@mail.example', {
        locale: 'ru',
        baseUrl: 'https://palitra.example',
        send: () => Promise.reject(new Error('SMTP down')),
      }),
    ).resolves.toBeUndefined()
  })
})

describe('resetPassword', () => {
  it('sets the new password, signs out everywhere and works only once', async () => {
    const id = await register('sergey@mail.example')
    const { cookie } = await createUserSession(handle.db, id, { ip: null, userAgent: null })
    const { token } = await askForReset('sergey@mail.example')

    expect(await checkResetToken(handle.db, token!)).toEqual({ ok: true, email: 'sergey@mail.example' })
    expect(await resetPassword(handle.db, token!, NEW)).toEqual({ ok: true, userId: id })
    expect(await authenticate(handle.db, 'sergey@mail.example', NEW)).not.toBeNull()
    expect(await authenticate(handle.db, 'sergey@mail.example', OLD)).toBeNull()
    const request = new Request('http://localhost/', { headers: { Cookie: cookie.split(';')[0]! } })
    expect(await getSessionUser(request, handle.db)).toBeNull()

    expect(await resetPassword(handle.db, token!, 'third attempt at a phrase')).toEqual({ ok: false, reason: 'used' })
    expect(await checkResetToken(handle.db, token!)).toEqual({ ok: false, reason: 'used' })
  })

  it('refuses an expired token', async () => {
    await register('tatiana@mail.example')
    const issued = new Date()
    const { token } = await askForReset('tatiana@mail.example', { now: issued })
    const later = new Date(issued.getTime() + 61 * 60 * 1000)
    expect(await resetPassword(handle.db, token!, NEW, { now: later })).toEqual({ ok: false, reason: 'expired' })
    expect(await authenticate(handle.db, 'tatiana@mail.example', OLD)).not.toBeNull()
  })

  it('refuses unknown and malformed tokens', async () => {
    expect(await resetPassword(handle.db, 'A'.repeat(43), NEW)).toEqual({ ok: false, reason: 'invalid' })
    expect(await resetPassword(handle.db, 'short', NEW)).toEqual({ ok: false, reason: 'invalid' })
    expect(await resetPassword(handle.db, "' or 1=1 --", NEW)).toEqual({ ok: false, reason: 'invalid' })
  })

  it('keeps the token when the new password breaks a rule', async () => {
    await register('yulia@mail.example')
    const { token } = await askForReset('yulia@mail.example')
    expect(await resetPassword(handle.db, token!, 'short')).toEqual({ ok: false, reason: 'too-short' })
    expect(await resetPassword(handle.db, token!, 'password2025')).toEqual({ ok: false, reason: 'common' })
    expect(await resetPassword(handle.db, token!, 'yulia likes long walks')).toEqual({
      ok: false,
      reason: 'contains-email',
    })
    expect((await resetPassword(handle.db, token!, NEW)).ok).toBe(true)
  })

  it('ends the other reset links of the account', async () => {
    await register('kirill@mail.example')
    const first = await askForReset('kirill@mail.example')
    const second = await askForReset('kirill@mail.example')
    expect((await resetPassword(handle.db, second.token!, NEW)).ok).toBe(true)
    expect(await resetPassword(handle.db, first.token!, 'yet another long phrase')).toEqual({
      ok: false,
      reason: 'used',
    })
  })

  it('lets exactly one of two concurrent uses of a token through', async () => {
    await register('irina@mail.example')
    const { token } = await askForReset('irina@mail.example')
    const results = await Promise.all([
      resetPassword(handle.db, token!, 'concurrent phrase number one'),
      resetPassword(handle.db, token!, 'concurrent phrase number two'),
    ])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'used' }])
  })

  it('refuses the token of an account deleted after it was issued', async () => {
    const id = await register('mikhail@mail.example')
    const { token } = await askForReset('mikhail@mail.example')
    await handle.db
      .update(users)
      .set({ email: null, emailNormalized: null, deletedAt: new Date() })
      .where(eq(users.id, id))
    expect(await resetPassword(handle.db, token!, NEW)).toEqual({ ok: false, reason: 'invalid' })
  })
})

describe('sweepPasswordResetTokens', () => {
  it('deletes tokens expired for more than a day', async () => {
    await register('nina@mail.example')
    const longAgo = new Date(Date.now() - 3 * 24 * 60 * 60 * 1000)
    const old = await askForReset('nina@mail.example', { now: longAgo })
    const fresh = await askForReset('nina@mail.example')
    expect(await sweepPasswordResetTokens(handle.db)).toBeGreaterThanOrEqual(1)
    expect(await checkResetToken(handle.db, old.token!)).toEqual({ ok: false, reason: 'invalid' })
    expect((await checkResetToken(handle.db, fresh.token!)).ok).toBe(true)
  })
})
