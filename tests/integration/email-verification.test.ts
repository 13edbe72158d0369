import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as RegisterRoute from '~/routes/$lang.register'
import type * as VerifyRoute from '~/routes/$lang.verify-email'
import type * as AccountRoute from '~/routes/$lang.account._index'
import type * as Env from '~/platform/env.server'
import type * as Mailer from '~/platform/mail/mailer.server'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources, signInThroughLoginPage, statusOf, thrownBy, settle } from './support'
import { get, post } from '../support/requests'

// Registering, the confirmation letter and its page, and asking for a new
// link, through the routes: the process-wide database, the shipped seed
// dataset (terms, privacy and consent in force in both languages) and the
// mail stored under DATA_DIR.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-verify-'))
process.env.DATA_DIR = dir
delete process.env.SMTP_URL
delete process.env.PUBLIC_URL

let dropOwnDatabase: () => Promise<void> = async () => {}
let routes: { register: typeof RegisterRoute; verify: typeof VerifyRoute; account: typeof AccountRoute }
let modules: { env: typeof Env; mailer: typeof Mailer }

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    register: await import('~/routes/$lang.register'),
    verify: await import('~/routes/$lang.verify-email'),
    account: await import('~/routes/$lang.account._index'),
  }
  modules = { env: await import('~/platform/env.server'), mailer: await import('~/platform/mail/mailer.server') }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

const ORIGIN = 'http://localhost'
const unique = () => randomBytes(5).toString('hex')
// An address per test, so rate-limit counts never mix.
const uniqueIp = () => `10.${[...randomBytes(3)].join('.')}`

type Locale = 'ru' | 'en'

/** Registers through the form's action; returns the session cookie. */
async function register(locale: Locale, email: string, origin = ORIGIN): Promise<string> {
  const page = (await routes.register.loader({
    request: new Request(`${origin}/${locale}/register`),
    params: { lang: locale },
    context: {},
  })) as { shownVersions: string }
  const response = (await routes.register.action({
    request: new Request(`${origin}/${locale}/register`, {
      method: 'POST',
      body: new URLSearchParams({
        email,
        password: 'harbour of quiet lanterns',
        shownVersions: page.shownVersions,
        accept_terms: 'yes',
        accept_privacy: 'yes',
        accept_consent: 'yes',
      }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
    params: { lang: locale },
    context: { clientIp: uniqueIp() },
  })) as Response
  expect(response.status).toBe(303)
  expect(response.headers.get('Location')).toBe(`/${locale}/register/sent`)
  return signInThroughLoginPage(email, 'harbour of quiet lanterns', { lang: locale, clientIp: uniqueIp(), origin })
}

/** Waits (bounded) for the `n`-th stored message to this address; mail goes out after the response. */
async function mailTo(to: string, n = 1, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = (await modules.mailer.listStoredMail()).filter((m) => m.to === to).reverse()
    if (found.length >= n) return (await modules.mailer.readStoredMail(found[n - 1]!.id))!
    if (Date.now() > deadline) throw new Error(`no mail #${n} to ${to} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function confirmationLink(text: string): URL {
  const found = [...text.matchAll(/https?:\/\/\S+/g)]
    .map((m) => new URL(m[0]))
    .find((u) => u.pathname.endsWith('/verify-email'))
  if (!found) throw new Error('no confirmation link in the message')
  return found
}

function verifyPage(url: string, cookie?: string) {
  return routes.verify.loader({
    request: get(url, cookie),
    params: { lang: url.split('/')[1]! },
    context: {},
  }) as unknown as Promise<DataResult>
}

function confirm(locale: Locale, token: string) {
  return settle(() =>
    routes.verify.action({
      request: post(`/${locale}/verify-email?token=${token}`, { intent: 'confirm', token }),
      params: { lang: locale },
      context: {},
    }),
  )
}

function resend(locale: Locale, cookie: string, ip = uniqueIp()) {
  return settle(() =>
    routes.verify.action({
      request: post(`/${locale}/verify-email`, { intent: 'resend' }, cookie),
      params: { lang: locale },
      context: { clientIp: ip },
    }),
  )
}

async function accountPage(locale: Locale, cookie: string) {
  return (await routes.account.loader({
    request: new Request(`${ORIGIN}/${locale}/account`, { headers: { Cookie: cookie } }),
    params: { lang: locale },
    context: {},
  })) as { email: string; emailVerified: boolean }
}

describe('confirming the address after registering', () => {
  it('mails one letter with the link and the versions accepted; the page confirms on the button, not on opening', async () => {
    const email = `Nina.${unique()}@Mail.example`
    const cookie = await register('en', email)
    expect(await accountPage('en', cookie)).toMatchObject({ email, emailVerified: false })

    const mail = await mailTo(email)
    expect(mail.subject).toBe('Palitra: confirm your e-mail address')
    // Without PUBLIC_URL, outside production: the request's own origin.
    const link = confirmationLink(mail.text)
    expect(link.origin).toBe(ORIGIN)
    expect(link.pathname).toBe('/en/verify-email')
    const token = link.searchParams.get('token')!
    // The receipt part: each accepted document by its exact version.
    for (const kind of ['terms', 'privacy', 'consent']) {
      expect(mail.text).toMatch(new RegExp(`${ORIGIN}/en/${kind}/v/\\d+`))
    }

    // Opening the link (as a mail scanner does) shows a button and spends nothing, however often.
    for (let i = 0; i < 2; i++) {
      const page = await verifyPage(`${link.pathname}${link.search}`)
      expect(page.init?.status ?? 200).toBe(200)
      expect(page.data.view).toEqual({ state: 'confirm', token, email })
      const headers = new Headers(page.init?.headers)
      expect(headers.get('Cache-Control')).toBe('no-store')
      expect(headers.get('Referrer-Policy')).toBe('same-origin')
    }
    expect((await accountPage('en', cookie)).emailVerified).toBe(false)

    // The button: no session needed, the link is the proof.
    const done = (await confirm('en', token)) as Response
    expect(done.status).toBe(302)
    expect(done.headers.get('Location')).toBe('/en/verify-email?done=1')
    expect((await verifyPage('/en/verify-email?done=1')).data.view).toEqual({ state: 'done' })
    expect((await accountPage('en', cookie)).emailVerified).toBe(true)

    // Single use: the page and the button both say so, with 410.
    const again = await verifyPage(`${link.pathname}${link.search}`)
    expect(again.init?.status).toBe(410)
    expect(again.data.view).toMatchObject({ state: 'refused', message: 'email:verify.errors.used' })
    const replay = (await confirm('en', token)) as DataResult
    expect(statusOf(replay)).toBe(410)
    expect(replay.data.refusedMessage).toBe('email:verify.errors.used')
  })

  it('refuses a malformed or unknown link with 400, and offers a new one to the signed-in owner', async () => {
    const email = `oleg.${unique()}@mail.example`
    const cookie = await register('ru', email)
    for (const url of [
      '/ru/verify-email?token=',
      '/ru/verify-email?token=nonsense',
      `/ru/verify-email?token=${'A'.repeat(43)}`,
    ]) {
      const refused = await verifyPage(url)
      expect(refused.init?.status).toBe(400)
      expect(refused.data.view).toEqual({
        state: 'refused',
        message: 'email:verify.errors.invalid',
        canResend: false,
        signedIn: false,
      })
    }
    const mine = await verifyPage('/ru/verify-email?token=nonsense', cookie)
    expect(mine.data.view).toMatchObject({ canResend: true, signedIn: true })
    expect(statusOf((await confirm('ru', 'nonsense')) as DataResult)).toBe(400)
  })

  it('sends a new link that replaces the old one, at most three an hour', async () => {
    const email = `pyotr.${unique()}@mail.example`
    const cookie = await register('ru', email)
    const first = confirmationLink((await mailTo(email)).text)

    const ip = uniqueIp()
    const asked = (await resend('ru', cookie, ip)) as Response
    expect(asked.status).toBe(302)
    expect(asked.headers.get('Location')).toBe('/ru/verify-email?sent=1')
    const status = await verifyPage('/ru/verify-email?sent=1', cookie)
    expect(status.data.view).toMatchObject({ state: 'status', email, verified: false, sent: true })

    const second = await mailTo(email, 2)
    expect(second.subject).toBe('Палитра: подтвердите адрес электронной почты')
    const fresh = confirmationLink(second.text)
    expect(fresh.searchParams.get('token')).not.toBe(first.searchParams.get('token'))
    // Only the newest link works.
    const old = await verifyPage(`${first.pathname}${first.search}`)
    expect(old.init?.status).toBe(410)
    expect(old.data.view).toMatchObject({ message: 'email:verify.errors.replaced' })

    // Three an hour per account, whatever the client address.
    expect(((await resend('ru', cookie)) as Response).status).toBe(302)
    expect(((await resend('ru', cookie)) as Response).status).toBe(302)
    const limited = (await resend('ru', cookie)) as DataResult
    expect(statusOf(limited)).toBe(429)
    expect(new Headers(limited.init?.headers).get('Retry-After')).toMatch(/^\d+$/)
    expect((limited.data.failure as { formError: string }).formError).toBe('auth:errors.rateLimited')

    // Of the four letters, only the link made last still works (the letters may arrive in any order).
    await mailTo(email, 4)
    const letters = (await modules.mailer.listStoredMail()).filter((m) => m.to === email)
    const tokens = await Promise.all(
      letters.map(async (m) =>
        confirmationLink((await modules.mailer.readStoredMail(m.id))!.text).searchParams.get('token')!,
      ),
    )
    const pages = await Promise.all(tokens.map((token) => verifyPage(`/ru/verify-email?token=${token}`)))
    const working = tokens.filter((_, i) => (pages[i]!.init?.status ?? 200) === 200)
    expect(working).toHaveLength(1)
    expect(((await confirm('ru', working[0]!)) as Response).status).toBe(302)
    const confirmed = await verifyPage('/ru/verify-email', cookie)
    expect(confirmed.data.view).toMatchObject({ state: 'status', verified: true })
  })

  it('asks someone signed out to sign in to see the status', async () => {
    const thrown = await thrownBy(() => verifyPage('/en/verify-email'))
    expect((thrown as Response).headers.get('Location')).toBe(
      `/en/login?${new URLSearchParams({ redirectTo: '/en/verify-email' })}`,
    )
    const resent = await resend('en', 'palitra_session=nothing')
    expect((resent as Response).status).toBe(302)
    expect((resent as Response).headers.get('Location')).toMatch(/^\/en\/login\?/)
  })
})

describe('links in the letters', () => {
  async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
    const apply = (values: Record<string, string | undefined>) => {
      for (const [k, v] of Object.entries(values)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
      modules.env.resetEnvForTests()
    }
    apply(vars)
    try {
      return await fn()
    } finally {
      apply(saved)
    }
  }

  it('are built on PUBLIC_URL, whatever Host the request named', async () => {
    const email = `rita.${unique()}@mail.example`
    await withEnv({ PUBLIC_URL: 'https://palitra.example' }, () => register('en', email, 'http://attacker.example'))
    const mail = await mailTo(email)
    expect(confirmationLink(mail.text).origin).toBe('https://palitra.example')
    expect(mail.text).toContain('https://palitra.example/en/terms/v/')
    expect(mail.text).not.toContain('attacker.example')
  })

  it('never follow the Host header in production (where PUBLIC_URL is required)', async () => {
    const email = `semyon.${unique()}@mail.example`
    await withEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://palitra.example', PORT: '3456' }, () =>
      register('en', email, 'http://attacker.example'),
    )
    const mail = await mailTo(email)
    expect(confirmationLink(mail.text).origin).toBe('https://palitra.example')
    expect(mail.text).not.toContain('attacker.example')
    expect(mail.text).not.toContain('localhost')
  })
})
