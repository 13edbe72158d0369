import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type * as PasswordModule from '~/identity/password.server'
import type * as RegisterRoute from '~/routes/$lang.register'
import type * as RegisterSentRoute from '~/routes/$lang.register_.sent'
import type * as GuestRoute from '~/routes/$lang.guest'
import type * as Mailer from '~/platform/mail/mailer.server'
import { isolateProcessDatabase } from '../db'
import { closeAppResources, signInThroughLoginPage } from './support'
import { post } from '../support/requests'

// Registration must not tell whether an address has an account: the answer
// is the same "check your inbox" either way, and the holder of an existing
// account learns of the attempt by mail. Through the routes, against the
// process-wide database, the shipped seed dataset and the mail stored under
// DATA_DIR.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-registration-privacy-'))
process.env.DATA_DIR = dir
delete process.env.SMTP_URL
delete process.env.PUBLIC_URL

// Counts the password hashes, so the test can see that both outcomes do the same expensive work.
vi.mock('~/identity/password.server', async (importOriginal) => {
  const actual = await importOriginal<typeof PasswordModule>()
  return { ...actual, hashPassword: vi.fn(actual.hashPassword) }
})

const ORIGIN = 'http://localhost'
const PASSWORD = 'lantern over the quiet harbour'

let dropOwnDatabase: () => Promise<void> = async () => {}
let routes: { register: typeof RegisterRoute; sent: typeof RegisterSentRoute; guest: typeof GuestRoute }
let mailer: typeof Mailer
let password: typeof PasswordModule

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    register: await import('~/routes/$lang.register'),
    sent: await import('~/routes/$lang.register_.sent'),
    guest: await import('~/routes/$lang.guest'),
  }
  mailer = await import('~/platform/mail/mailer.server')
  password = await import('~/identity/password.server')
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

beforeEach(() => {
  vi.mocked(password.hashPassword).mockClear()
})

type Locale = 'ru' | 'en'
const uniqueEmail = (name: string) => `${name}.${randomBytes(4).toString('hex')}@mail.example`
const uniqueIp = () => `10.${[...randomBytes(3)].join('.')}`

async function shownVersions(locale: Locale, cookie?: string): Promise<string> {
  const page = (await routes.register.loader({
    request: new Request(`${ORIGIN}/${locale}/register`, { headers: cookie ? { Cookie: cookie } : {} }),
    params: { lang: locale },
    context: {},
  } as never)) as { shownVersions: string }
  return page.shownVersions
}

async function register(locale: Locale, email: string, options: { cookie?: string; pass?: string } = {}) {
  const response = await routes.register.action({
    request: post(
      `/${locale}/register`,
      {
        email,
        password: options.pass ?? PASSWORD,
        shownVersions: await shownVersions(locale, options.cookie),
        accept_terms: 'yes',
        accept_privacy: 'yes',
        accept_consent: 'yes',
      },
      options.cookie,
    ),
    params: { lang: locale },
    context: { clientIp: uniqueIp() },
  } as never)
  if (!(response instanceof Response)) throw new Error(`expected a redirect, got ${JSON.stringify(response)}`)
  return response
}

/** What an observer of the HTTP answer sees: status, where it leads, and which cookies it sets or removes. */
function visible(response: Response) {
  return {
    status: response.status,
    location: response.headers.get('Location'),
    cookies: response.headers
      .getSetCookie()
      .map((c) => c.split('=')[0])
      .sort(),
  }
}

async function database() {
  const { getDb } = await import('~/platform/db/client.server')
  const schema = await import('../support/schema')
  const { eq, sql } = await import('drizzle-orm')
  const db = await getDb()
  return { db, schema, eq, sql }
}

async function recordsFor(email: string) {
  const { db, schema, eq, sql } = await database()
  const accounts = await db
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(eq(schema.users.emailNormalized, email.toLowerCase()))
  const ids = accounts.map((a) => a.id)
  const count = async (table: typeof schema.sessions | typeof schema.acceptances, column: 'userId') =>
    ids.length === 0
      ? 0
      : (
          await db
            .select({ n: sql<number>`count(*)::int` })
            .from(table)
            .where(sql`${table[column]} in ${ids}`)
        )[0]!.n
  return {
    accounts: ids.length,
    sessions: await count(schema.sessions, 'userId'),
    acceptances: await count(schema.acceptances, 'userId'),
  }
}

/** Mail goes out after the response: waits (bounded) for `n` stored messages to this address. */
async function mailsTo(to: string, n: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = (await mailer.listStoredMail()).filter((m) => m.to === to)
    if (found.length >= n) return Promise.all(found.map(async (m) => (await mailer.readStoredMail(m.id))!))
    if (Date.now() > deadline) throw new Error(`only ${found.length} of ${n} mails to ${to} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('registering does not reveal whether an address has an account', () => {
  it.each(['en', 'ru'] as const)(
    '%s: a new address and a taken one get the same answer: "check your inbox", no session',
    async (locale) => {
      const taken = uniqueEmail('holder')
      const first = await register(locale, taken)
      const fresh = await register(locale, uniqueEmail('newcomer'))
      // The same address again, typed in another letter case.
      const again = await register(locale, taken.toUpperCase(), { pass: 'a different long passphrase here' })

      expect(visible(first)).toEqual({ status: 303, location: `/${locale}/register/sent`, cookies: [] })
      expect(visible(again)).toEqual(visible(fresh))

      const page = routes.sent.loader({
        request: new Request(`${ORIGIN}${again.headers.get('Location')}`),
        params: { lang: locale },
        context: {},
      } as never)
      expect(page.title).toMatch(locale === 'en' ? /^Check your inbox/ : /^Проверьте почту/)
    },
  )

  it('hashes the password either way, so the time taken does not tell them apart', async () => {
    const taken = uniqueEmail('timing')
    await register('en', taken)
    vi.mocked(password.hashPassword).mockClear()
    await register('en', uniqueEmail('timing-new'))
    expect(vi.mocked(password.hashPassword)).toHaveBeenCalledTimes(1)
    vi.mocked(password.hashPassword).mockClear()
    await register('en', taken)
    expect(vi.mocked(password.hashPassword)).toHaveBeenCalledTimes(1)
  })

  it('records no account, session or acceptance for a taken address, and mails the holder with links to sign in and reset', async () => {
    const email = uniqueEmail('holder')
    await register('en', email)
    // The holder signs in once; that session is theirs and must stay the only one.
    await signInThroughLoginPage(email, PASSWORD, { lang: 'en', clientIp: uniqueIp() })
    const before = await recordsFor(email)
    expect(before).toEqual({ accounts: 1, sessions: 1, acceptances: 3 })

    // Someone else tries the address from a Russian page.
    await register('ru', email, { pass: 'someone else entirely typed this' })
    expect(await recordsFor(email)).toEqual(before)

    const mails = await mailsTo(email, 2)
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Palitra: confirm your e-mail address',
      'Палитра: кто-то пытался зарегистрироваться с вашим адресом',
    ])
    const attempt = mails.find((m) => m.subject.startsWith('Палитра'))
    expect(attempt!.text).toContain(`${ORIGIN}/ru/login`)
    expect(attempt!.text).toContain(`${ORIGIN}/ru/forgot-password`)
    // Nothing in it that would let the other person in.
    expect(attempt!.text).not.toMatch(/token=/)
  })

  it('mails the holder at most once an hour, however often the address is tried', async () => {
    const email = uniqueEmail('pestered')
    await register('en', email)
    for (let i = 0; i < 3; i++) await register('en', email)
    const mails = await mailsTo(email, 2)
    // Give a third letter the time to arrive if it were sent.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await mailer.listStoredMail()).filter((m) => m.to === email)).toHaveLength(2)
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Palitra: confirm your e-mail address',
      'Palitra: someone tried to register with your address',
    ])
  })

  it('from a guest session: the guest cookie goes either way, and a taken address takes no guest over', async () => {
    const startGuest = async () => {
      const form = (await routes.guest.loader({
        request: new Request(`${ORIGIN}/en/guest`),
        params: { lang: 'en' },
        context: {},
      } as never)) as { shownVersions: string }
      const started = (await routes.guest.action({
        request: post('/en/guest', {
          shownVersions: form.shownVersions,
          accept_terms: 'yes',
          accept_privacy: 'yes',
          accept_consent: 'yes',
        }),
        params: { lang: 'en' },
        context: { clientIp: uniqueIp() },
      } as never)) as Response
      return started.headers
        .getSetCookie()
        .find((c) => c.startsWith('palitra_guest='))!
        .split(';')[0]!
    }
    const taken = uniqueEmail('holder')
    await register('en', taken)

    const freshGuest = await startGuest()
    const takenGuest = await startGuest()
    const fresh = await register('en', uniqueEmail('guest-newcomer'), { cookie: freshGuest })
    const tried = await register('en', taken, { cookie: takenGuest })
    expect(visible(tried)).toEqual(visible(fresh))
    expect(visible(tried).cookies).toEqual(['palitra_guest'])

    const { db, schema, eq } = await database()
    const { readGuestId } = await import('~/identity/guests.server')
    const guestId = (await readGuestId(new Request('http://localhost/en', { headers: { Cookie: takenGuest } })))!
    const [guest] = await db.select().from(schema.guests).where(eq(schema.guests.id, guestId))
    expect(guest!.linkedUserId).toBeNull()
  })
})
