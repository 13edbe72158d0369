import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type * as AccountsModule from '~/flows/account/erase.server'
import type * as ExportPage from '~/routes/$lang.account.export'
import type * as ExportFile from '~/routes/$lang.account.export[.]json'
import type * as DeletePage from '~/routes/$lang.account.delete'
import type * as WithdrawPage from '~/routes/$lang.account.withdraw'
import type * as RegisterPage from '~/routes/$lang.register'
import type * as GuestPage from '~/routes/$lang.guest'
import type * as LoginPage from '~/routes/$lang.login'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources, signInThroughLoginPage, settle } from './support'
import { cookiesFrom, get as getRequest, post as formPost } from '../support/requests'

let dropOwnDatabase: () => Promise<void> = async () => {}

// The person's own data (export, deletion, withdrawal of consent) through the
// routes, against the process-wide database (PGlite under a temporary
// DATA_DIR, or the run's PostgreSQL under scripts/test-pg.mjs) and the shipped
// seed dataset, which is what the provider sign-in test uses too: sharing it
// keeps the archive consistent when both run against one PostgreSQL database.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-account-data-'))
process.env.DATA_DIR = dir

// The closing transaction's second half, wrapped so one test can make it fail
// after the withdrawal rows are written.
vi.mock('~/flows/account/erase.server', async (importOriginal) => {
  const actual = await importOriginal<typeof AccountsModule>()
  return { ...actual, deleteAccountData: vi.fn(actual.deleteAccountData) }
})

const ORIGIN = 'http://localhost'
const PASSWORD = 'lilac kettle on the roof'
const USER_AGENT = 'Mozilla/5.0 (account-data test)'

let routes: {
  exportPage: typeof ExportPage
  exportFile: typeof ExportFile
  deletePage: typeof DeletePage
  withdrawPage: typeof WithdrawPage
  register: typeof RegisterPage
  guest: typeof GuestPage
  login: typeof LoginPage
}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    exportPage: await import('~/routes/$lang.account.export'),
    exportFile: await import('~/routes/$lang.account.export[.]json'),
    deletePage: await import('~/routes/$lang.account.delete'),
    withdrawPage: await import('~/routes/$lang.account.withdraw'),
    register: await import('~/routes/$lang.register'),
    guest: await import('~/routes/$lang.guest'),
    login: await import('~/routes/$lang.login'),
  }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

// ---------------------------------------------------------------------------
// Helpers

function asResponse(value: unknown): Response {
  if (!(value instanceof Response)) throw new Error(`expected a Response, got ${JSON.stringify(value)}`)
  return value
}

function asData(value: unknown): DataResult {
  if (value instanceof Response || !value || typeof value !== 'object' || !('init' in value)) {
    throw new Error(`expected data(), got ${value instanceof Response ? `Response ${value.status}` : String(value)}`)
  }
  return value as DataResult
}

let ipCounter = 10
/** A fresh documentation-range IP per request that needs one (registration is limited per IP). */
const nextIp = () => `198.51.100.${ipCounter++}`

function uniqueEmail(name: string) {
  return `${name}.${randomBytes(4).toString('hex')}@mail.example`
}

/** name=value of each Set-Cookie, for the next request's Cookie header. */
const get = (url: string, cookie?: string) => getRequest(url, cookie, { userAgent: cookie ? USER_AGENT : undefined })

const post = (url: string, fields: Record<string, string>, cookie?: string) =>
  formPost(url, fields, cookie, { userAgent: USER_AGENT, multipart: true })

type Person = { userId: string; email: string; cookie: string; guestId: string | null }

/** Registers through the register page, optionally after a guest session on the same device. */
async function registerPerson(name: string, { asGuestFirst = false, lang = 'ru' } = {}): Promise<Person> {
  const email = uniqueEmail(name)
  let guestCookie: string | undefined
  if (asGuestFirst) {
    const form = (await routes.guest.loader({ request: get(`/${lang}/guest`), params: { lang }, context: {} })) as {
      shownVersions: string
    }
    const started = asResponse(
      await routes.guest.action({
        request: post(`/${lang}/guest`, {
          shownVersions: form.shownVersions,
          accept_terms: 'yes',
          accept_privacy: 'yes',
          accept_consent: 'yes',
        }),
        params: { lang },
        context: { clientIp: nextIp() },
      }),
    )
    guestCookie = cookiesFrom(started).find((c) => c.startsWith('palitra_guest='))
    expect(guestCookie).toBeDefined()
  }
  const page = (await routes.register.loader({
    request: get(`/${lang}/register`, guestCookie),
    params: { lang },
    context: {},
  })) as { shownVersions: string }
  const created = asResponse(
    await routes.register.action({
      request: post(
        `/${lang}/register`,
        {
          email,
          password: PASSWORD,
          shownVersions: page.shownVersions,
          accept_terms: 'yes',
          accept_privacy: 'yes',
          accept_consent: 'yes',
        },
        guestCookie,
      ),
      params: { lang },
      context: { clientIp: nextIp() },
    }),
  )
  expect(created.status).toBe(303)
  // Registering removes the guest cookie (and starts no session): the person then signs in.
  if (guestCookie) expect(cookiesFrom(created)).toContain('palitra_guest=')
  const cookie = await signInThroughLoginPage(email, PASSWORD, { lang: lang as 'ru' | 'en', clientIp: nextIp() })
  const { getSessionUser } = await import('~/identity/session.server')
  const session = await getSessionUser(get('/', cookie))
  const { readGuestId } = await import('~/identity/guests.server')
  return {
    userId: session!.user.id,
    email,
    cookie,
    guestId: guestCookie ? await readGuestId(get('/', guestCookie)) : null,
  }
}

/** An account as a sign-in provider creates it: no password, and (Telegram) maybe no e-mail. */
async function providerPerson(email: string | null): Promise<Person> {
  const { getDb } = await import('~/platform/db/client.server')
  const { users } = await import('../support/schema')
  const { createUserSession } = await import('~/identity/session.server')
  const db = await getDb()
  const userId = `provider-${randomBytes(6).toString('hex')}`
  await db.insert(users).values({ id: userId, email, emailNormalized: email?.toLowerCase() ?? null, locale: 'ru' })
  const session = await createUserSession(db, userId, {})
  return { userId, email: email ?? '', cookie: session.cookie.split(';')[0]!, guestId: null }
}

async function state(userId: string) {
  const { getDb } = await import('~/platform/db/client.server')
  const { acceptances, sessions, users, guests } = await import('../support/schema')
  const { eq } = await import('drizzle-orm')
  const db = await getDb()
  const [user] = await db.select().from(users).where(eq(users.id, userId))
  return {
    user: user!,
    sessions: await db.select().from(sessions).where(eq(sessions.userId, userId)),
    ledger: await db.select().from(acceptances).where(eq(acceptances.userId, userId)),
    linkedGuests: await db.select().from(guests).where(eq(guests.linkedUserId, userId)),
  }
}

async function signedIn(cookie: string) {
  const { getSessionUser } = await import('~/identity/session.server')
  return (await getSessionUser(get('/', cookie))) !== null
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

// ---------------------------------------------------------------------------

describe('signed-out visitors', () => {
  it.each([
    [
      'export page',
      () => routes.exportPage.loader({ request: get('/ru/account/export'), params: { lang: 'ru' }, context: {} }),
    ],
    [
      'export file',
      () => routes.exportFile.loader({ request: get('/ru/account/export.json'), params: { lang: 'ru' }, context: {} }),
    ],
    [
      'delete page',
      () => routes.deletePage.loader({ request: get('/ru/account/delete'), params: { lang: 'ru' }, context: {} }),
    ],
    [
      'delete action',
      () =>
        routes.deletePage.action({
          request: post('/ru/account/delete', { password: PASSWORD }),
          params: { lang: 'ru' },
          context: {},
        }),
    ],
    [
      'withdraw page',
      () => routes.withdrawPage.loader({ request: get('/ru/account/withdraw'), params: { lang: 'ru' }, context: {} }),
    ],
    [
      'withdraw action',
      () =>
        routes.withdrawPage.action({
          request: post('/ru/account/withdraw', { password: PASSWORD }),
          params: { lang: 'ru' },
          context: {},
        }),
    ],
  ])('are sent to sign in from the %s', async (_name, call) => {
    const response = asResponse(await settle(call))
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('Location')!, ORIGIN)
    expect(location.pathname).toBe('/ru/login')
    expect(location.searchParams.get('redirectTo')).toMatch(/^\/ru\/account\/(export|export\.json|delete|withdraw)$/)
  })

  it('404s an unknown language', async () => {
    const thrown = asData(
      await settle(() =>
        routes.deletePage.loader({ request: get('/de/account/delete'), params: { lang: 'de' }, context: {} }),
      ),
    )
    expect(thrown.init?.status).toBe(404)
  })
})

describe('/:lang/account/export', () => {
  let anna: Person
  let boris: Person

  beforeAll(async () => {
    anna = await registerPerson('anna', { asGuestFirst: true })
    boris = await registerPerson('boris')
  })

  it('explains the file on the page and sends ?download=1 to the file', async () => {
    const page = (await routes.exportPage.loader({
      request: get('/en/account/export', anna.cookie),
      params: { lang: 'en' },
      context: {},
    })) as { title: string }
    expect(page.title).toBe('Download my data — Palitra')
    const redirect = asResponse(
      await settle(() =>
        routes.exportPage.loader({
          request: get('/ru/account/export?download=1', anna.cookie),
          params: { lang: 'ru' },
          context: {},
        }),
      ),
    )
    expect(redirect.headers.get('Location')).toBe('/ru/account/export.json')
  })

  it('downloads JSON with the profile, sessions, guest sessions and every acceptance', async () => {
    const response = asResponse(
      await routes.exportFile.loader({
        request: get('/ru/account/export.json', anna.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const today = new Date().toISOString().slice(0, 10)
    expect(response.headers.get('Content-Disposition')).toBe(`attachment; filename="palitra-export-${today}.json"`)

    const text = await response.text()
    const file = JSON.parse(text)
    expect(file).toMatchObject({ format: 'palitra-personal-data-export', formatVersion: 1 })
    expect(file.generatedAt).toMatch(ISO_UTC)
    expect(Object.keys(file)).toEqual([
      'format',
      'formatVersion',
      'generatedAt',
      'profile',
      'sessions',
      'guestSessions',
      'acceptances',
      'cookieConsents',
      'generations',
      'refusedPrompts',
      'credits',
      'payments',
      'privacyRequests',
    ])

    expect(file.profile).toMatchObject({
      userId: anna.userId,
      email: anna.email,
      locale: 'ru',
      hasPassword: true,
      signInProviders: [],
    })
    expect(file.profile.createdAt).toMatch(ISO_UTC)
    // Secrets of the service are not the person's data.
    expect(text).not.toContain('$argon2')
    expect(text).not.toContain('passwordHash')

    expect(file.sessions).toHaveLength(1)
    expect(file.sessions[0]).toMatchObject({ current: true })
    expect(file.sessions[0].startedAt).toMatch(ISO_UTC)

    expect(file.guestSessions).toEqual([
      expect.objectContaining({ guestId: anna.guestId, startedAt: expect.stringMatching(ISO_UTC) }),
    ])

    type Row = Record<string, unknown> & { recordedUnder: { type: string; id: string } }
    const rows = file.acceptances as Row[]
    const asAccount = rows.filter((r) => r.recordedUnder.type === 'account')
    const asGuest = rows.filter((r) => r.recordedUnder.type === 'guest')
    expect(asAccount.map((r) => r.documentKind).sort()).toEqual(['consent', 'privacy', 'terms'])
    expect(asGuest.map((r) => r.documentKind).sort()).toEqual(['consent', 'privacy', 'terms'])
    expect(asGuest.every((r) => r.recordedUnder.id === anna.guestId && r.event === 'guest')).toBe(true)
    expect(asAccount.every((r) => r.recordedUnder.id === anna.userId && r.event === 'register')).toBe(true)

    const { getDb } = await import('~/platform/db/client.server')
    const { getArchivedVersion } = await import('~/legal/archive.server')
    for (const row of rows) {
      expect(row).toMatchObject({ locale: 'ru', state: 'given' })
      expect(row.acceptedAt).toMatch(ISO_UTC)
      expect(row.version).toEqual(expect.any(Number))
      const archived = await getArchivedVersion(await getDb(), row.documentKind as 'terms', 'ru', row.version as number)
      expect(row.contentSha256).toBe(archived!.sha256)
      expect(row.documentPath).toBe(`/ru/${row.documentKind}/v/${row.version}`)
      expect(row.wording).toEqual(expect.any(String))
      expect(row.userAgent).toBe(USER_AGENT)
    }
  })

  it('holds nothing of anyone else', async () => {
    const text = await asResponse(
      await routes.exportFile.loader({
        request: get('/ru/account/export.json', anna.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    ).text()
    expect(text).not.toContain(boris.userId)
    expect(text).not.toContain(boris.email)
    const borisFile = JSON.parse(
      await asResponse(
        await routes.exportFile.loader({
          request: get('/en/account/export.json', boris.cookie),
          params: { lang: 'en' },
          context: {},
        }),
      ).text(),
    )
    expect(borisFile.profile.email).toBe(boris.email)
    expect(borisFile.guestSessions).toEqual([])
    expect(borisFile.acceptances).toHaveLength(3)
    expect(JSON.stringify(borisFile)).not.toContain(anna.userId)
  })
})

describe('/:lang/account/delete', () => {
  it('explains what happens and asks for the password', async () => {
    const person = await registerPerson('page')
    const page = (await routes.deletePage.loader({
      request: get('/ru/account/delete', person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as { done: boolean; confirmation: string; userId: string }
    expect(page).toMatchObject({ done: false, confirmation: 'password', userId: person.userId })
  })

  it('refuses a wrong or missing password with a localized 400 and changes nothing', async () => {
    const person = await registerPerson('wrong')
    const before = await state(person.userId)
    for (const [fields, key] of [
      [{ password: 'not the password at all' }, 'account-data:errors.passwordWrong'],
      [{ password: '' }, 'account-data:errors.passwordRequired'],
      [{}, 'account-data:errors.passwordRequired'],
    ] as const) {
      const result = asData(
        await routes.deletePage.action({
          request: post('/ru/account/delete', fields, person.cookie),
          params: { lang: 'ru' },
          context: {},
        }),
      )
      expect(result.init?.status).toBe(400)
      expect((result.data as { fieldErrors: Record<string, string> }).fieldErrors.password).toBe(key)
      // The password never travels back into the page.
      expect(JSON.stringify(result.data)).not.toContain('not the password')
    }
    const { getFixedT } = await import('~/platform/i18n/i18next.server')
    expect(getFixedT('ru', 'account-data')('errors.passwordWrong')).toBe('Неверный пароль. Мы ничего не изменили.')
    expect(getFixedT('en', 'account-data')('errors.passwordWrong')).toBe('Wrong password. Nothing was changed.')

    const after = await state(person.userId)
    expect(after.user).toEqual(before.user)
    expect(after.sessions).toHaveLength(1)
    expect(after.ledger).toEqual(before.ledger)
    expect(await signedIn(person.cookie)).toBe(true)
  })

  it('limits re-authentication attempts per account, even with the right password afterwards', async () => {
    const person = await registerPerson('limited')
    const attempt = (password: string) =>
      routes.deletePage.action({
        request: post('/ru/account/delete', { password }, person.cookie),
        params: { lang: 'ru' },
        context: {},
      })
    // registerPerson signed in once, which counts against the account's budget (10 per 15 minutes).
    for (let i = 0; i < 9; i++) expect(asData(await attempt('wrong password number ' + i)).init?.status).toBe(400)
    const limited = asData(await attempt(PASSWORD))
    expect(limited.init?.status).toBe(429)
    expect(new Headers(limited.init?.headers).get('Retry-After')).toMatch(/^\d+$/)
    expect((limited.data as { formError: string }).formError).toBe('account-data:errors.rateLimited')
    expect((await state(person.userId)).user.deletedAt).toBeNull()
  })

  it('deletes the account: data erased, every session ended, ledger kept under the pseudonymous id', async () => {
    const person = await registerPerson('leaving', { asGuestFirst: true })
    const { getDb } = await import('~/platform/db/client.server')
    const { createUserSession } = await import('~/identity/session.server')
    const other = await createUserSession(await getDb(), person.userId, { userAgent: 'another device' })
    const before = await state(person.userId)
    expect(before.ledger).toHaveLength(3)
    expect(before.sessions).toHaveLength(2)

    const response = asResponse(
      await routes.deletePage.action({
        request: post('/ru/account/delete', { password: PASSWORD }, person.cookie),
        params: { lang: 'ru' },
        context: { clientIp: '203.0.113.9' },
      }),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/ru/account/delete?done=1')
    const cleared = response.headers.getSetCookie()
    expect(cleared.some((c) => /^palitra_session=;/.test(c) && /Max-Age=0/i.test(c))).toBe(true)
    expect(cleared.some((c) => /^palitra_guest=;/.test(c) && /Max-Age=0/i.test(c))).toBe(true)

    const after = await state(person.userId)
    expect(after.user).toMatchObject({
      id: person.userId,
      email: null,
      emailNormalized: null,
      passwordHash: null,
      displayName: null,
      roles: [],
    })
    expect(after.user.deletedAt).toBeInstanceOf(Date)
    expect(after.sessions).toEqual([])
    expect(await signedIn(person.cookie)).toBe(false)
    expect(await signedIn(other.cookie.split(';')[0]!)).toBe(false)
    // The evidence stays, still attributable to the (now pseudonymous) id, guest rows included.
    expect(after.ledger).toEqual(before.ledger)
    expect(after.linkedGuests.map((g) => g.id)).toEqual([person.guestId])
    const { acceptanceHistory } = await import('~/acceptances/ledger.server')
    const history = await acceptanceHistory(await getDb(), { userId: person.userId })
    // Three rows from registering, three from the guest session before it.
    expect(history).toHaveLength(6)

    // The confirmation page needs no account.
    const done = (await routes.deletePage.loader({
      request: get('/ru/account/delete?done=1'),
      params: { lang: 'ru' },
      context: {},
    })) as { done: boolean; title: string }
    expect(done).toMatchObject({ done: true, title: 'Аккаунт удалён — Палитра' })

    // The old password opens nothing; the address is free for a new account.
    const signIn = asData(
      await routes.login.action({
        request: post('/ru/login', { email: person.email, password: PASSWORD }),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(signIn.init?.status).toBe(400)
    const page = (await routes.register.loader({
      request: get('/ru/register'),
      params: { lang: 'ru' },
      context: {},
    })) as {
      shownVersions: string
    }
    const again = asResponse(
      await routes.register.action({
        request: post('/ru/register', {
          email: person.email,
          password: PASSWORD,
          shownVersions: page.shownVersions,
          accept_terms: 'yes',
          accept_privacy: 'yes',
          accept_consent: 'yes',
        }),
        params: { lang: 'ru' },
        context: { clientIp: nextIp() },
      }),
    )
    expect(again.status).toBe(303)
    const { getSessionUser } = await import('~/identity/session.server')
    const newcomer = await getSessionUser(
      get('/', await signInThroughLoginPage(person.email, PASSWORD, { clientIp: nextIp() })),
    )
    expect(newcomer!.user.email).toBe(person.email)
    expect(newcomer!.user.id).not.toBe(person.userId)
  })

  it('takes the generations and their files with the account, after the export listed them', async () => {
    const person = await registerPerson('painter')
    const { getDb } = await import('~/platform/db/client.server')
    const { applyMovement } = await import('~/credits/movements.server')
    const { createJob } = await import('~/generation/jobs.server')
    const { getStorage } = await import('~/platform/storage/index.server')
    const { createLocalEngine } = await import('~/generation/engines/local.server')
    const { testWorker } = await import('../support/generation')
    const db = await getDb()
    const owner = `user:${person.userId}` as const
    await db.transaction((tx) =>
      applyMovement(tx, { owner, delta: 2, reason: 'adjustment', referenceType: 'test', referenceId: person.userId }),
    )
    const engine = createLocalEngine({ longSide: 128 })
    const photo = { bytes: Buffer.from('a photo'), mimeType: 'image/webp' as const, width: 64, height: 64 }
    const created = await createJob(
      db,
      getStorage(),
      engine,
      { owner, userId: person.userId, guestId: null, session: null },
      { prompt: 'a lantern in the snow', style: 'vintage', aspectRatio: '1:1', count: 2, photo: null },
      { maxAttempts: 1 },
    )
    if (!created.ok) throw new Error('expected a job')
    await testWorker({ db, storage: getStorage(), engine, timeoutMs: 20_000 }).runOnce()
    await getStorage().put(`uploads/${created.job.id}/source.webp`, photo.bytes, photo.mimeType)
    const files = async () => [
      ...((await getStorage().get(`generations/${created.job.id}/a1/0.webp`)) ? ['0'] : []),
      ...((await getStorage().get(`generations/${created.job.id}/a1/1.webp`)) ? ['1'] : []),
      ...((await getStorage().get(`uploads/${created.job.id}/source.webp`)) ? ['photo'] : []),
    ]
    expect(await files()).toEqual(['0', '1', 'photo'])

    const exported = asResponse(
      await routes.exportFile.loader({
        request: get('/ru/account/export.json', person.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    const document = (await exported.json()) as {
      generations: Array<{ id: string; status: string; images: Array<{ path: string }> }>
      credits: { balance: number; movements: Array<{ reason: string }> }
    }
    expect(document.generations).toMatchObject([
      {
        id: created.job.id,
        status: 'done',
        images: [
          { path: `/media/generations/${created.job.id}/0` },
          { path: `/media/generations/${created.job.id}/1` },
        ],
      },
    ])
    expect(document.credits.balance).toBe(0)
    expect(document.credits.movements.map((m) => m.reason)).toEqual(['generation', 'adjustment'])

    const response = asResponse(
      await routes.deletePage.action({
        request: post('/ru/account/delete', { password: PASSWORD }, person.cookie),
        params: { lang: 'ru' },
        context: { clientIp: '203.0.113.10' },
      }),
    )
    expect(response.status).toBe(302)
    expect(await files()).toEqual([])
    const { generationJobs } = await import('../support/schema')
    const { eq } = await import('drizzle-orm')
    expect(await db.select().from(generationJobs).where(eq(generationJobs.owner, owner))).toEqual([])
  })

  it('has accounts without a password confirm with their e-mail address', async () => {
    const address = uniqueEmail('provider')
    const person = await providerPerson(address)
    const page = (await routes.deletePage.loader({
      request: get('/ru/account/delete', person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as { confirmation: string }
    expect(page.confirmation).toBe('email')

    const wrong = asData(
      await routes.deletePage.action({
        request: post('/ru/account/delete', { email: 'someone.else@mail.example', password: PASSWORD }, person.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(wrong.init?.status).toBe(400)
    expect(wrong.data).toMatchObject({
      fieldErrors: { email: 'account-data:errors.emailWrong' },
      values: { email: 'someone.else@mail.example' },
    })
    expect((await state(person.userId)).user.deletedAt).toBeNull()

    const response = asResponse(
      await routes.deletePage.action({
        request: post('/ru/account/delete', { email: `  ${address.toUpperCase()} ` }, person.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(response.status).toBe(302)
    expect((await state(person.userId)).user.deletedAt).toBeInstanceOf(Date)
  })

  it('has accounts with neither password nor e-mail type a confirmation word', async () => {
    const person = await providerPerson(null)
    const page = (await routes.deletePage.loader({
      request: get('/en/account/delete', person.cookie),
      params: { lang: 'en' },
      context: {},
    })) as { confirmation: string; phrase: string }
    expect(page).toMatchObject({ confirmation: 'phrase', phrase: 'DELETE' })
    const wrong = asData(
      await routes.deletePage.action({
        request: post('/en/account/delete', { phrase: 'yes' }, person.cookie),
        params: { lang: 'en' },
        context: {},
      }),
    )
    expect(wrong.data).toMatchObject({ fieldErrors: { phrase: 'account-data:errors.phraseWrong' } })
    const response = asResponse(
      await routes.deletePage.action({
        request: post('/en/account/delete', { phrase: ' delete ' }, person.cookie),
        params: { lang: 'en' },
        context: {},
      }),
    )
    expect(response.headers.get('Location')).toBe('/en/account/delete?done=1')
  })
})

describe('/:lang/account/withdraw', () => {
  it('names the consent version being withdrawn before confirming', async () => {
    const person = await registerPerson('reader')
    const { ledger } = await state(person.userId)
    const consent = ledger.find((r) => r.kind === 'consent')!
    const page = (await routes.withdrawPage.loader({
      request: get('/ru/account/withdraw', person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as { confirmation: string; withdrawing: Array<{ version: number; locale: string }> }
    expect(page.confirmation).toBe('password')
    expect(page.withdrawing).toEqual([expect.objectContaining({ locale: 'ru', version: consent.version })])
  })

  it('refuses a wrong password and changes nothing', async () => {
    const person = await registerPerson('unsure')
    const before = await state(person.userId)
    const result = asData(
      await routes.withdrawPage.action({
        request: post('/ru/account/withdraw', { password: 'something else entirely' }, person.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(result.init?.status).toBe(400)
    expect(result.data).toMatchObject({ fieldErrors: { password: 'account-data:errors.passwordWrong' } })
    expect(await state(person.userId)).toEqual(before)
  })

  it('records the withdrawal with the button wording and closes the account', async () => {
    const person = await registerPerson('withdrawing')
    const before = await state(person.userId)
    const given = before.ledger.find((r) => r.kind === 'consent')!

    const response = asResponse(
      await routes.withdrawPage.action({
        request: post('/ru/account/withdraw', { password: PASSWORD }, person.cookie),
        params: { lang: 'ru' },
        context: { clientIp: '203.0.113.44' },
      }),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/ru/account/withdraw?done=1')
    expect(response.headers.getSetCookie().some((c) => /^palitra_session=;/.test(c))).toBe(true)

    const after = await state(person.userId)
    const withdrawals = after.ledger.filter((r) => r.event === 'withdrawal')
    expect(withdrawals).toHaveLength(1)
    expect(withdrawals[0]).toMatchObject({
      userId: person.userId,
      kind: 'consent',
      state: 'withdrawn',
      locale: 'ru',
      version: given.version,
      documentVersionId: given.documentVersionId,
      contentSha256: given.contentSha256,
      wording: 'Отозвать согласие и закрыть аккаунт',
      ip: '203.0.113.44',
      userAgent: USER_AGENT,
      actionType: 'account',
      actionId: person.userId,
    })
    expect(after.ledger).toHaveLength(before.ledger.length + 1)
    expect(after.user).toMatchObject({ email: null, passwordHash: null })
    expect(after.user.deletedAt).toBeInstanceOf(Date)
    expect(after.sessions).toEqual([])

    const { getDb } = await import('~/platform/db/client.server')
    const { latestAcceptedVersions } = await import('~/acceptances/ledger.server')
    const still = await latestAcceptedVersions(await getDb(), { userId: person.userId })
    expect(still.map((a) => a.kind)).not.toContain('consent')

    const done = (await routes.withdrawPage.loader({
      request: get('/ru/account/withdraw?done=1'),
      params: { lang: 'ru' },
      context: {},
    })) as { done: boolean }
    expect(done.done).toBe(true)
  })

  it('writes both halves in one transaction: a failure after the ledger insert leaves nothing', async () => {
    const person = await registerPerson('interrupted')
    const before = await state(person.userId)
    const accounts = await import('~/flows/account/erase.server')
    const actual = await vi.importActual<typeof AccountsModule>('~/flows/account/erase.server')
    const { acceptances } = await import('../support/schema')
    const { and, eq } = await import('drizzle-orm')
    let withdrawalsSeenInside = 0
    vi.mocked(accounts.deleteAccountData).mockImplementationOnce(async (tx, userId) => {
      withdrawalsSeenInside = (
        await tx
          .select()
          .from(acceptances)
          .where(and(eq(acceptances.userId, userId), eq(acceptances.event, 'withdrawal')))
      ).length
      await actual.deleteAccountData(tx, userId)
      throw new Error('simulated failure after the ledger insert')
    })

    await expect(
      routes.withdrawPage.action({
        request: post('/ru/account/withdraw', { password: PASSWORD }, person.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    ).rejects.toThrow('simulated failure')
    expect(withdrawalsSeenInside).toBe(1)

    const after = await state(person.userId)
    expect(after.ledger).toEqual(before.ledger)
    expect(after.user).toEqual(before.user)
    expect(after.sessions).toHaveLength(1)
    expect(await signedIn(person.cookie)).toBe(true)
  })
})
