import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '~/platform/db/client.server'
import type * as ForgotRoute from '~/routes/$lang.forgot-password'
import type * as ResetRoute from '~/routes/$lang.reset-password'
import type * as MailListRoute from '~/routes/dev.mail._index'
import type * as MailViewRoute from '~/routes/dev.mail.$id'
import type * as Accounts from '~/identity/accounts.server'
import type * as ResetTokens from '~/identity/reset-tokens.server'
import type * as Session from '~/identity/session.server'
import type * as Env from '~/platform/env.server'
import type * as I18n from '~/platform/i18n/i18next.server'
import type * as Mailer from '~/platform/mail/mailer.server'
import { isolateProcessDatabase } from '../db'
import { type DataResult, statusOf, thrownBy } from './support'

let dropOwnDatabase: () => Promise<void> = async () => {}

// The reset flow through its route loaders and actions, against the
// process-wide database (PGlite under a temporary DATA_DIR, or the run's
// PostgreSQL under scripts/test-pg.mjs) and the mail stored under DATA_DIR.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-reset-'))
process.env.DATA_DIR = dir
delete process.env.SMTP_URL
delete process.env.PUBLIC_URL

const OLD = 'first garden of copper'
const NEW = 'second river of glass'

let db: Database
let routes: {
  forgot: typeof ForgotRoute
  reset: typeof ResetRoute
  mailList: typeof MailListRoute
  mailView: typeof MailViewRoute
}
let modules: {
  accounts: typeof Accounts
  session: typeof Session
  resetTokens: typeof ResetTokens
  mailer: typeof Mailer
  env: typeof Env
  i18n: typeof I18n
}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  db = await getDb()
  routes = {
    forgot: await import('~/routes/$lang.forgot-password'),
    reset: await import('~/routes/$lang.reset-password'),
    mailList: await import('~/routes/dev.mail._index'),
    mailView: await import('~/routes/dev.mail.$id'),
  }
  modules = {
    accounts: await import('~/identity/accounts.server'),
    session: await import('~/identity/session.server'),
    resetTokens: await import('~/identity/reset-tokens.server'),
    mailer: await import('~/platform/mail/mailer.server'),
    env: await import('~/platform/env.server'),
    i18n: await import('~/platform/i18n/i18next.server'),
  }
})

afterAll(async () => {
  const { closeDb } = await import('~/platform/db/client.server')
  await closeDb()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

const unique = () => randomBytes(5).toString('hex')
const uniqueEmail = (label: string) => `${label}-${unique()}@mail.example`
// An address per test, so rate-limit counts never mix.
const uniqueIp = () => `10.${[...randomBytes(3)].join('.')}`

async function register(email: string, locale: 'ru' | 'en' = 'en') {
  return modules.accounts.createAccount(db, { email, password: OLD, locale })
}

function askForLink(locale: 'ru' | 'en', email: string, ip: string) {
  const body = new URLSearchParams({ email })
  return routes.forgot.action({
    request: new Request(`http://localhost/${locale}/forgot-password`, { method: 'POST', body }),
    params: { lang: locale },
    context: { clientIp: ip },
  } as never)
}

function resetLoader(url: string) {
  return routes.reset.loader({
    request: new Request(`http://localhost${url}`),
    params: { lang: url.split('/')[1]! },
    context: {},
  } as never) as unknown as Promise<DataResult>
}

function submitReset(locale: 'ru' | 'en', token: string, password: string) {
  const body = new URLSearchParams({ token, password })
  return routes.reset.action({
    request: new Request(`http://localhost/${locale}/reset-password?token=${token}`, { method: 'POST', body }),
    params: { lang: locale },
    context: {},
  } as never)
}

/** Mail goes out in the background after the response: wait (bounded) for the stored message to this address. */
async function waitForMail(to: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const summary = (await modules.mailer.listStoredMail()).find((m) => m.to === to)
    if (summary) return (await modules.mailer.readStoredMail(summary.id))!
    if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function linkIn(text: string) {
  const link = /https?:\/\/\S+/.exec(text)?.[0]
  if (!link) throw new Error('no link in the message')
  return new URL(link)
}

/** Runs `fn` with NODE_ENV=production, then restores the test settings. */
async function inProduction<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  // Production requires PUBLIC_URL.
  process.env.PUBLIC_URL = 'https://palitra.example'
  modules.env.resetEnvForTests()
  try {
    return await fn()
  } finally {
    process.env.NODE_ENV = saved
    delete process.env.PUBLIC_URL
    modules.env.resetEnvForTests()
  }
}

describe('password reset by e-mail', () => {
  it('mails a link that sets a new password once, ending every session', async () => {
    const email = uniqueEmail('olga')
    const userId = await register(email)
    const { cookie } = await modules.session.createUserSession(db, userId, {})
    const signedIn = new Request('http://localhost/en/account', { headers: { Cookie: cookie.split(';')[0]! } })
    expect(await modules.session.getSessionUser(signedIn, db)).not.toBeNull()

    // The address as typed differently still finds the account.
    const response = (await askForLink('en', email.toUpperCase(), uniqueIp())) as Response
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/en/forgot-password?sent=1')

    const mail = await waitForMail(email)
    expect(mail.subject).toBe('Palitra: reset your password')
    const link = linkIn(mail.text)
    // Without PUBLIC_URL the link goes to the origin the request came to.
    expect(`${link.origin}${link.pathname}`).toBe('http://localhost/en/reset-password')
    const token = link.searchParams.get('token')!

    const page = await resetLoader(`${link.pathname}${link.search}`)
    expect(page.init?.status ?? 200).toBe(200)
    expect(page.data.view).toEqual({ state: 'form', token, email })
    const pageHeaders = new Headers(page.init?.headers)
    expect(pageHeaders.get('Cache-Control')).toBe('no-store')
    // Not no-referrer: with it browsers send `Origin: null` on the form's POST, which the CSRF check refuses.
    expect(pageHeaders.get('Referrer-Policy')).toBe('same-origin')

    // A password that breaks a rule is refused with the registration message and keeps the link usable.
    const weak = (await submitReset('en', token, 'short')) as unknown as DataResult
    expect(weak.init?.status).toBe(400)
    expect(weak.data.fieldErrors).toEqual({ password: 'errors.passwordTooShort' })
    const tooCommon = (await submitReset('en', token, 'password2025!')) as unknown as DataResult
    expect(tooCommon.data.fieldErrors).toEqual({ password: 'errors.passwordCommon' })

    const done = (await submitReset('en', token, NEW)) as Response
    expect(done.status).toBe(302)
    expect(done.headers.get('Location')).toBe('/en/reset-password?done=1')
    expect((await resetLoader('/en/reset-password?done=1')).data.view).toEqual({ state: 'done' })

    expect(await modules.accounts.authenticate(db, email, OLD)).toBeNull()
    expect((await modules.accounts.authenticate(db, email, NEW))?.id).toBe(userId)
    expect(await modules.session.getSessionUser(signedIn, db)).toBeNull()

    // Single use: the page and the form both refuse the spent link with 410.
    const again = await resetLoader(`${link.pathname}${link.search}`)
    expect(again.init?.status).toBe(410)
    expect(again.data.view).toEqual({ state: 'refused', message: 'auth:errors.resetUsed' })
    const replay = (await submitReset('en', token, 'third harbour of amber')) as unknown as DataResult
    expect(replay.init?.status).toBe(410)
    expect(replay.data.refusedMessage).toBe('auth:errors.resetUsed')
    expect((await modules.accounts.authenticate(db, email, NEW))?.id).toBe(userId)
  })

  it('refuses an expired link with 410 and a malformed or unknown one with 400', async () => {
    const email = uniqueEmail('pavel')
    await register(email, 'ru')
    let text = ''
    await modules.resetTokens.requestPasswordReset(db, email, {
      locale: 'ru',
      baseUrl: 'http://localhost',
      now: new Date(Date.now() - 2 * 60 * 60_000),
      send: async (message) => void (text = message.text),
    })
    const link = linkIn(text)
    const expired = await resetLoader(`${link.pathname}${link.search}`)
    expect(expired.init?.status).toBe(410)
    expect(expired.data.view).toEqual({ state: 'refused', message: 'auth:errors.resetExpired' })
    const late = (await submitReset('ru', link.searchParams.get('token')!, NEW)) as unknown as DataResult
    expect(late.init?.status).toBe(410)
    expect(await modules.accounts.authenticate(db, email, OLD)).not.toBeNull()

    for (const url of [
      '/ru/reset-password',
      '/ru/reset-password?token=nonsense',
      `/ru/reset-password?token=${'A'.repeat(43)}`,
    ]) {
      const refused = await resetLoader(url)
      expect(refused.init?.status).toBe(400)
      expect(refused.data.view).toEqual({ state: 'refused', message: 'auth:errors.resetInvalid' })
    }
    // The messages exist in both languages.
    for (const locale of ['ru', 'en'] as const) {
      const t = modules.i18n.getFixedT(locale, ['account', 'auth'])
      for (const key of ['auth:errors.resetExpired', 'auth:errors.resetInvalid', 'auth:errors.resetUsed']) {
        expect(t(key)).not.toBe(key.split(':')[1])
      }
    }
  })

  it('404s an unknown language', async () => {
    expect(statusOf(await thrownBy(() => resetLoader('/de/reset-password')))).toBe(404)
  })

  it('points the link at PUBLIC_URL when it is set', async () => {
    const email = uniqueEmail('public')
    await register(email, 'ru')
    process.env.PUBLIC_URL = 'https://palitra.example'
    modules.env.resetEnvForTests()
    try {
      await askForLink('ru', email, uniqueIp())
    } finally {
      delete process.env.PUBLIC_URL
      modules.env.resetEnvForTests()
    }
    const mail = await waitForMail(email)
    expect(mail.subject).toBe('Палитра: сброс пароля')
    expect(linkIn(mail.text).href).toMatch(/^https:\/\/palitra\.example\/ru\/reset-password\?token=[\w-]{43}$/)
  })
})

describe('no account enumeration', () => {
  it('answers a known and an unknown address alike', async () => {
    const known = uniqueEmail('known')
    await register(known)
    const ip = uniqueIp()
    const answers = []
    for (const email of [known, uniqueEmail('nobody')]) {
      const response = (await askForLink('en', email, ip)) as Response
      answers.push({
        status: response.status,
        location: response.headers.get('Location'),
        headers: [...response.headers.keys()],
      })
    }
    expect(answers[1]).toEqual(answers[0])
    expect(answers[0]!.status).toBe(302)
    await waitForMail(known)

    // The page the redirect leads to says the same thing to everyone.
    const page = (await routes.forgot.loader({
      request: new Request('http://localhost/en/forgot-password?sent=1'),
      params: { lang: 'en' },
      context: {},
    } as never)) as { sent: boolean; minutes: number; devMail: boolean }
    expect(page).toMatchObject({ sent: true, minutes: 60, devMail: true })
    expect(modules.i18n.getFixedT('en', 'auth')('reset.sent', { count: page.minutes })).toMatch(
      /^If an account with this address exists.*60 minutes/,
    )
  })

  it('refuses an address that is not one with a localized 400, before counting', async () => {
    const failure = (await askForLink('ru', 'not an address', uniqueIp())) as unknown as DataResult
    expect(failure.init?.status).toBe(400)
    expect(failure.data.fieldErrors).toEqual({ email: 'errors.emailInvalid' })
  })
})

describe('rate limits', () => {
  const expectLimited = (result: unknown, locale: 'ru' | 'en') => {
    const limited = result as DataResult
    expect(limited.init?.status).toBe(429)
    const retryAfter = Number(new Headers(limited.init?.headers).get('Retry-After'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(3600)
    const { formError, formErrorParams } = limited.data as { formError: string; formErrorParams: { count: number } }
    expect(formError).toBe('auth:errors.rateLimited')
    expect(formErrorParams.count).toBe(Math.ceil(retryAfter / 60))
    return modules.i18n.getFixedT(locale, ['account', 'auth'])(formError, formErrorParams)
  }

  // Unknown addresses: no mail is written, and the limits count them all the same.
  it('allows five requests an hour from one IP, then answers 429 with Retry-After', async () => {
    const ip = uniqueIp()
    for (let i = 0; i < 5; i++) {
      expect(((await askForLink('en', uniqueEmail('ip'), ip)) as Response).status).toBe(302)
    }
    const message = expectLimited(await askForLink('en', uniqueEmail('ip'), ip), 'en')
    expect(message).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/)
    // Another address from another IP is not affected.
    expect(((await askForLink('en', uniqueEmail('ip'), uniqueIp())) as Response).status).toBe(302)
  })

  it('allows three requests an hour for one address from any IPs', async () => {
    const email = uniqueEmail('account')
    for (let i = 0; i < 3; i++) {
      expect(((await askForLink('ru', email, uniqueIp())) as Response).status).toBe(302)
    }
    const message = expectLimited(await askForLink('ru', email.toUpperCase(), uniqueIp()), 'ru')
    expect(message).toMatch(/^Слишком много попыток\. Попробуйте снова через \d+ минут/)
  })

  it('keeps Retry-After on the page a form without JavaScript gets', () => {
    const headers = new Headers(
      routes.forgot.headers({
        loaderHeaders: new Headers(),
        actionHeaders: new Headers({ 'Retry-After': '120' }),
        parentHeaders: new Headers(),
        errorHeaders: undefined,
      }) as HeadersInit,
    )
    expect(headers.get('Retry-After')).toBe('120')
  })
})

describe('/dev/mail', () => {
  const listArgs = () => ({ request: new Request('http://localhost/dev/mail'), params: {}, context: {} }) as never
  const viewArgs = (id: string) =>
    ({ request: new Request(`http://localhost/dev/mail/${id}`), params: { id }, context: {} }) as never

  it('lists stored messages and shows one, outside production', async () => {
    const email = uniqueEmail('mailbox')
    await register(email)
    await askForLink('en', email, uniqueIp())
    const mail = await waitForMail(email)

    const list = (await routes.mailList.loader(listArgs())) as unknown as DataResult
    expect(list.data.messages).toContainEqual({ id: mail.id, to: email, subject: mail.subject, date: mail.date })
    expect(new Headers(list.init?.headers).get('Cache-Control')).toBe('no-store')

    const view = (await routes.mailView.loader(viewArgs(mail.id))) as unknown as DataResult
    expect((view.data.message as { text: string }).text).toContain('/en/reset-password?token=')

    for (const id of ['nope', '../../etc/passwd', '20990101T000000000Z-00000000']) {
      expect(statusOf(await thrownBy(() => routes.mailView.loader(viewArgs(id))))).toBe(404)
    }
  })

  it('is 404 in production, even for a message that exists', async () => {
    const [latest] = await modules.mailer.listStoredMail({ limit: 1 })
    expect(latest).toBeDefined()
    await inProduction(async () => {
      expect(modules.mailer.mailPreviewEnabled()).toBe(false)
      expect(statusOf(await thrownBy(() => routes.mailList.loader(listArgs())))).toBe(404)
      expect(statusOf(await thrownBy(() => routes.mailView.loader(viewArgs(latest!.id))))).toBe(404)
    })
    expect(modules.mailer.mailPreviewEnabled()).toBe(true)
  })
})
