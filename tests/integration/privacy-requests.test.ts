import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '~/platform/db/client.server'
import type * as FormRoute from '~/routes/$lang.privacy.request'
import type * as SentRoute from '~/routes/$lang.privacy.request_.sent'
import type * as ConfirmRoute from '~/routes/$lang.privacy.request_.confirm'
import type * as QueueRoute from '~/routes/$lang.legal-admin.requests'
import type * as DetailRoute from '~/routes/$lang.legal-admin.requests_.$number'
import type * as CalendarRoute from '~/routes/$lang.legal-admin.calendar'
import type * as Schema from '../support/schema'
import type * as Intake from '~/privacy-requests/intake.server'
import type * as Queue from '~/privacy-requests/queue.server'
import type * as Mailer from '~/platform/mail/mailer.server'
import type * as I18n from '~/platform/i18n/i18next.server'
import { isolateProcessDatabase } from '../db'
import { closeAppResources, statusOf, thrownBy, type DataResult, settle } from './support'
import { get, post as formPost } from '../support/requests'

let dropOwnDatabase: () => Promise<void> = async () => {}

// The request form, the confirmation link and the legal team's pages through
// their loaders and actions, against the process-wide database (PGlite under
// a temporary DATA_DIR, or the run's PostgreSQL under scripts/test-pg.mjs) and
// the mail stored under DATA_DIR.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-privacy-requests-'))
process.env.DATA_DIR = dir
delete process.env.SMTP_URL
delete process.env.PUBLIC_URL

const ORIGIN = 'http://localhost'

let db: Database
let schema: typeof Schema
let intake: typeof Intake
let mailer: typeof Mailer
let i18n: typeof I18n
let routes: {
  form: typeof FormRoute
  sent: typeof SentRoute
  confirm: typeof ConfirmRoute
  queue: typeof QueueRoute
  detail: typeof DetailRoute
  calendar: typeof CalendarRoute
}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  db = await getDb()
  schema = await import('../support/schema')
  intake = await import('~/privacy-requests/intake.server')
  mailer = await import('~/platform/mail/mailer.server')
  i18n = await import('~/platform/i18n/i18next.server')
  routes = {
    form: await import('~/routes/$lang.privacy.request'),
    sent: await import('~/routes/$lang.privacy.request_.sent'),
    confirm: await import('~/routes/$lang.privacy.request_.confirm'),
    queue: await import('~/routes/$lang.legal-admin.requests'),
    detail: await import('~/routes/$lang.legal-admin.requests_.$number'),
    calendar: await import('~/routes/$lang.legal-admin.calendar'),
  }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

// ---------------------------------------------------------------------------
// Helpers

const unique = () => randomBytes(5).toString('hex')
const uniqueEmail = (tag: string) => `${tag}-${unique()}@mail.example`
// An address per submission, so the per-IP limit never mixes tests.
const uniqueIp = () => `10.${[...randomBytes(3)].join('.')}`

type Person = { id: string; email: string | null; cookie: string }

async function person(options: { roles?: string[]; email?: string | null } = {}): Promise<Person> {
  const { createUserSession } = await import('~/identity/session.server')
  const id = `user-${unique()}`
  const email = options.email === undefined ? uniqueEmail('person') : options.email
  await db.insert(schema.users).values({ id, email, emailNormalized: email, roles: options.roles ?? [] })
  const session = await createUserSession(db, id, {})
  return { id, email, cookie: session.cookie.split(';')[0]! }
}

const post = (url: string, fields: Record<string, string>, cookie?: string) =>
  formPost(url, fields, cookie, { userAgent: 'privacy-requests test' })

function args(request: Request, params: Record<string, string>, ip?: string) {
  return { request, params, context: { clientIp: ip ?? uniqueIp() } } as never
}

function asResponse(value: unknown): Response {
  if (!(value instanceof Response)) throw new Error(`expected a Response, got ${JSON.stringify(value)}`)
  return value
}

function asData<T = Record<string, unknown>>(value: unknown) {
  if (value instanceof Response || !value || typeof value !== 'object' || !('init' in value)) {
    throw new Error(`expected data(), got ${value instanceof Response ? `Response ${value.status}` : String(value)}`)
  }
  return value as DataResult & { data: T }
}

type Failure = { fieldErrors: Record<string, string>; formError?: string; values: Record<string, string> }

async function requestCount() {
  const rows = await db.select({ number: schema.dataSubjectRequests.number }).from(schema.dataSubjectRequests)
  return rows.length
}

async function requestRow(number: number) {
  const { eq } = await import('drizzle-orm')
  const [row] = await db.select().from(schema.dataSubjectRequests).where(eq(schema.dataSubjectRequests.number, number))
  return row!
}

async function eventsOf(number: number) {
  const { eq } = await import('drizzle-orm')
  const row = await requestRow(number)
  return db.select().from(schema.dataSubjectRequestEvents).where(eq(schema.dataSubjectRequestEvents.requestId, row.id))
}

async function mailTo(address: string) {
  const summary = (await mailer.listStoredMail({ limit: 100_000 })).find((m) => m.to === address)
  if (!summary) throw new Error(`no mail to ${address}`)
  return (await mailer.readStoredMail(summary.id))!
}

function submit(lang: 'ru' | 'en', fields: Record<string, string>, cookie?: string, ip?: string) {
  return routes.form.action(args(post(`/${lang}/privacy/request`, fields, cookie), { lang }, ip))
}

const en = (key: string, vars?: Record<string, unknown>) =>
  i18n.getFixedT('en', ['privacy-request', 'legal-admin-requests', 'auth'])(key, vars as never)

// ---------------------------------------------------------------------------

describe('the request form', () => {
  it('knows who is asking: nobody, an account with an address, an account without one, a guest browser', async () => {
    const load = async (cookie?: string) =>
      asData<{ identity: unknown; guest: boolean }>(
        await routes.form.loader(args(get('/en/privacy/request', cookie), { lang: 'en' })),
      ).data
    expect(await load()).toMatchObject({ identity: { kind: 'anonymous' }, guest: false })
    const signedIn = await person()
    expect(await load(signedIn.cookie)).toMatchObject({ identity: { kind: 'account', email: signedIn.email } })
    const noEmail = await person({ email: null })
    expect(await load(noEmail.cookie)).toMatchObject({ identity: { kind: 'account-without-email' } })

    const { serializeGuestCookie } = await import('~/identity/guests.server')
    const guestId = randomBytes(24).toString('base64url')
    await db.insert(schema.guests).values({ id: guestId })
    const guestCookie = (await serializeGuestCookie(guestId)).split(';')[0]!
    expect(await load(guestCookie)).toMatchObject({ identity: { kind: 'anonymous' }, guest: true })
  })

  it('refuses bad input with localized messages and a 400, writing nothing', async () => {
    const before = await requestCount()
    const empty = asData<Failure>(await submit('en', {}))
    expect(statusOf(empty)).toBe(400)
    expect(empty.data.fieldErrors).toEqual({
      kind: 'privacy-request:errors.kind',
      regime: 'privacy-request:errors.regime',
      email: 'privacy-request:errors.emailInvalid',
    })
    expect(en(empty.data.fieldErrors.email!)).toBe('Enter an e-mail address like name@example.com.')

    const wrong = asData<Failure>(
      await submit('en', { kind: 'everything', regime: 'eu', email: 'not an address', details: 'x' }),
    )
    expect(statusOf(wrong)).toBe(400)
    expect(Object.keys(wrong.data.fieldErrors).sort()).toEqual(['email', 'kind', 'regime'])
    // What was typed comes back to the fields.
    expect(wrong.data.values).toMatchObject({ email: 'not an address', details: 'x' })

    const correction = asData<Failure>(
      await submit('en', { kind: 'correction', regime: 'ru', email: uniqueEmail('c'), details: '  ' }),
    )
    expect(correction.data.fieldErrors).toEqual({ details: 'privacy-request:errors.detailsRequired' })

    const long = asData<Failure>(
      await submit('ru', { kind: 'access', regime: 'ru', email: uniqueEmail('l'), details: 'я'.repeat(4001) }),
    )
    expect(statusOf(long)).toBe(400)
    expect(long.data.fieldErrors).toEqual({ details: 'privacy-request:errors.detailsTooLong' })
    expect(i18n.getFixedT('ru', 'privacy-request')('errors.detailsTooLong', { max: 4000 })).toContain('4000')

    expect(await requestCount()).toBe(before)
  })

  it('lets a signed-out person file a request, confirm it from the mailed link and see its number and due date', async () => {
    const email = uniqueEmail('visitor')
    const filed = asResponse(
      await submit('en', { kind: 'portability', regime: 'gdpr', email: ` ${email.toUpperCase()} `, details: '' }),
    )
    expect(filed.status).toBe(302)
    expect(filed.headers.get('Location')).toBe('/en/privacy/request/sent?confirm=1')
    const sent = asData<{ view: unknown }>(
      await routes.sent.loader(args(get('/en/privacy/request/sent?confirm=1'), { lang: 'en' })),
    )
    expect(sent.data.view).toEqual({ state: 'check-mail', mailFailed: false })

    // The address is stored normalized, and the link goes to the confirmation page.
    const mail = await mailTo(email)
    const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0])
    expect(link.pathname).toBe('/en/privacy/request/confirm')
    const confirmUrl = `${link.pathname}${link.search}`

    // Opening the link (as a mail scanner would) confirms nothing.
    const page = asData<{ view: { state: string; number: number } }>(
      await routes.confirm.loader(args(get(confirmUrl), { lang: 'en' })),
    )
    expect(page.init?.status ?? 200).toBe(200)
    expect(page.data.view.state).toBe('pending')
    const number = page.data.view.number
    expect((await requestRow(number)).status).toBe('awaiting-confirmation')
    expect((page.init?.headers as Record<string, string>)['Cache-Control']).toBe('no-store')

    const token = link.searchParams.get('token')!
    const confirmed = asResponse(
      await routes.confirm.action(args(post('/en/privacy/request/confirm', { token }), { lang: 'en' })),
    )
    expect(confirmed.status).toBe(302)
    expect(confirmed.headers.get('Location')).toBe(`/en/privacy/request/confirm?${new URLSearchParams({ token })}`)
    const row = await requestRow(number)
    expect(row).toMatchObject({ status: 'open', regime: 'gdpr', kind: 'portability', email, userId: null })
    const after = asData<{ view: { state: string; number: number; dueOn: string } }>(
      await routes.confirm.loader(args(get(confirmUrl), { lang: 'en' })),
    )
    expect(after.data.view).toMatchObject({ state: 'confirmed', number, dueOn: row.dueOn })

    // A second press changes nothing.
    const eventsBefore = (await eventsOf(number)).length
    asResponse(await routes.confirm.action(args(post('/en/privacy/request/confirm', { token }), { lang: 'en' })))
    expect(await eventsOf(number)).toHaveLength(eventsBefore)
  })

  it('answers a link it never issued with 400 and an expired one with 410', async () => {
    const bad = asData<{ view: { state: string; message: string } }>(
      await routes.confirm.loader(args(get('/ru/privacy/request/confirm?token=nonsense'), { lang: 'ru' })),
    )
    expect(statusOf(bad)).toBe(400)
    expect(bad.data.view).toEqual({ state: 'refused', message: 'privacy-request:errors.linkInvalid' })

    const email = uniqueEmail('late')
    asResponse(await submit('ru', { kind: 'access', regime: 'ru', email }))
    const link = new URL(/https?:\/\/\S+/.exec((await mailTo(email)).text)![0])
    const { eq } = await import('drizzle-orm')
    await db
      .update(schema.dataSubjectRequests)
      .set({ confirmExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.dataSubjectRequests.email, email))
    const expired = asData(await routes.confirm.loader(args(get(`${link.pathname}${link.search}`), { lang: 'ru' })))
    expect(statusOf(expired)).toBe(410)
    const pressed = asData<{ refusedMessage: string }>(
      await routes.confirm.action(
        args(post('/ru/privacy/request/confirm', { token: link.searchParams.get('token')! }), { lang: 'ru' }),
      ),
    )
    expect(statusOf(pressed)).toBe(410)
    expect(pressed.data.refusedMessage).toBe('privacy-request:errors.linkExpired')
  })

  it('takes a signed-in person’s request at once, replying to the account’s address', async () => {
    const me = await person()
    const filed = asResponse(
      await submit(
        'en',
        { kind: 'deletion', regime: 'ru', email: 'ignored@mail.example', details: 'All of it' },
        me.cookie,
      ),
    )
    expect(filed.status).toBe(302)
    const location = filed.headers.get('Location')!
    expect(location).toMatch(/^\/en\/privacy\/request\/sent\?number=\d+$/)
    const number = Number(new URL(location, ORIGIN).searchParams.get('number'))
    expect(await requestRow(number)).toMatchObject({
      status: 'open',
      userId: me.id,
      email: me.email,
      details: 'All of it',
    })
    expect((await mailTo(me.email!)).subject).toBe(`Palitra: request No. ${number} received`)

    const sent = asData<{ view: Record<string, unknown> }>(
      await routes.sent.loader(args(get(location, me.cookie), { lang: 'en' })),
    )
    expect(sent.data.view).toMatchObject({ state: 'received', number, kind: 'deletion', email: me.email })
    expect(sent.data.view.dueOn).toBe((await requestRow(number)).dueOn)

    // Someone else cannot read it by guessing the number.
    const other = await person()
    const redirected = asResponse(
      await settle(() => routes.sent.loader(args(get(location, other.cookie), { lang: 'en' }))),
    )
    expect(redirected.headers.get('Location')).toBe('/en/privacy/request')
  })

  it('asks an account without an address for one, and waits for its confirmation', async () => {
    const me = await person({ email: null })
    const missing = asData<Failure>(await submit('en', { kind: 'access', regime: 'ru' }, me.cookie))
    expect(statusOf(missing)).toBe(400)
    expect(missing.data.fieldErrors).toEqual({ email: 'privacy-request:errors.emailInvalid' })
    const email = uniqueEmail('telegram')
    const filed = asResponse(await submit('en', { kind: 'access', regime: 'ru', email }, me.cookie))
    expect(filed.headers.get('Location')).toBe('/en/privacy/request/sent?confirm=1')
    const number = Number(/No\. (\d+)/.exec((await mailTo(email)).subject)![1])
    expect(await requestRow(number)).toMatchObject({ status: 'awaiting-confirmation', userId: me.id, email })
  })

  it('limits submissions per address with a 429 and Retry-After', async () => {
    const email = uniqueEmail('busy')
    for (let i = 0; i < 5; i++) {
      expect(asResponse(await submit('en', { kind: 'access', regime: 'ru', email })).status).toBe(302)
    }
    const before = await requestCount()
    const limited = asData<Failure>(await submit('en', { kind: 'access', regime: 'ru', email }))
    expect(statusOf(limited)).toBe(429)
    expect(Number(new Headers(limited.init?.headers).get('Retry-After'))).toBeGreaterThan(0)
    expect(limited.data.formError).toBe('auth:errors.rateLimited')
    expect(await requestCount()).toBe(before)
  })

  it('limits submissions per IP address', async () => {
    const ip = uniqueIp()
    for (let i = 0; i < 10; i++) {
      asResponse(await submit('en', { kind: 'access', regime: 'ru', email: uniqueEmail('ip') }, undefined, ip))
    }
    const limited = await submit('en', { kind: 'access', regime: 'ru', email: uniqueEmail('ip') }, undefined, ip)
    expect(statusOf(limited)).toBe(429)
  })
})

// ---------------------------------------------------------------------------

describe('the legal team’s pages', () => {
  let legal: Person

  beforeAll(async () => {
    legal = await person({ roles: ['legal'] })
  })

  const legalCalls: Array<[string, (cookie?: string) => unknown]> = [
    ['queue', (cookie) => routes.queue.loader(args(get('/en/legal-admin/requests', cookie), { lang: 'en' }))],
    [
      'request page',
      (cookie) => routes.detail.loader(args(get('/en/legal-admin/requests/1', cookie), { lang: 'en', number: '1' })),
    ],
    [
      'request action',
      (cookie) =>
        routes.detail.action(
          args(post('/en/legal-admin/requests/1', { intent: 'complete', outcome: 'fulfilled' }, cookie), {
            lang: 'en',
            number: '1',
          }),
        ),
    ],
    ['calendar', (cookie) => routes.calendar.loader(args(get('/en/legal-admin/calendar', cookie), { lang: 'en' }))],
    [
      'calendar action',
      (cookie) =>
        routes.calendar.action(
          args(
            post('/en/legal-admin/calendar', { intent: 'save', day: '2027-02-20', kind: 'workday', note: 'x' }, cookie),
            { lang: 'en' },
          ),
        ),
    ],
  ]

  it.each(legalCalls)('%s: 404 for someone signed out and for an account without the legal role', async (_, call) => {
    expect(statusOf(await thrownBy(() => call()))).toBe(404)
    const ordinary = await person()
    expect(statusOf(await thrownBy(() => call(ordinary.cookie)))).toBe(404)
  })

  it('writes nothing for those refused', async () => {
    const { eq } = await import('drizzle-orm')
    const [day] = await db.select().from(schema.calendarDays).where(eq(schema.calendarDays.day, '2027-02-20'))
    expect(day).toBeUndefined()
  })

  it('shows the queue by due date with overdue requests flagged', async () => {
    const filer = await person()
    const file = (now: Date, regime: 'ru' | 'gdpr' = 'ru') =>
      intake.createRequest(
        db,
        {
          kind: 'access',
          regime,
          details: '',
          locale: 'ru',
          userId: filer.id,
          email: { address: filer.email!, confirmed: true },
          guestId: null,
          ip: null,
          userAgent: null,
        },
        { now, baseUrl: ORIGIN },
      )
    const day = 24 * 3_600_000
    const overdue = await file(new Date(Date.now() - 40 * day))
    const soon = await file(new Date(Date.now() - 2 * day))
    const gdpr = await file(new Date(Date.now() - day), 'gdpr')
    const page = asData<Awaited<ReturnType<typeof Queue.listQueue>>>(
      await routes.queue.loader(args(get('/en/legal-admin/requests', legal.cookie), { lang: 'en' })),
    )
    const { open } = page.data
    expect(open.map((e) => e.dueOn)).toEqual(open.map((e) => e.dueOn).sort())
    const numbers = open.map((e) => e.number)
    expect(numbers.indexOf(overdue.number)).toBeLessThan(numbers.indexOf(soon.number))
    expect(numbers.indexOf(soon.number)).toBeLessThan(numbers.indexOf(gdpr.number))
    expect(open.find((e) => e.number === overdue.number)).toMatchObject({ overdue: true })
    expect(open.find((e) => e.number === soon.number)).toMatchObject({ overdue: false })
    expect((page.init?.headers as Record<string, string>)['Cache-Control']).toBe('private, no-store')
  })

  it('shows a request with its history, and 404 for numbers that do not exist', async () => {
    const filer = await person()
    const created = await intake.createRequest(
      db,
      {
        kind: 'objection',
        regime: 'ru',
        details: 'No newsletters',
        locale: 'en',
        userId: filer.id,
        email: { address: filer.email!, confirmed: true },
        guestId: null,
        ip: null,
        userAgent: null,
      },
      { baseUrl: ORIGIN },
    )
    const number = String(created.number)
    const page = asData<{ request: Queue.RequestDetails }>(
      await routes.detail.loader(args(get(`/en/legal-admin/requests/${number}`, legal.cookie), { lang: 'en', number })),
    )
    expect(page.data.request).toMatchObject({ number: created.number, details: 'No newsletters', extendBlocked: null })
    expect(page.data.request.events.map((e) => e.action)).toEqual(['created', 'mailed'])
    for (const missing of ['987654321', 'abc', '0', '1e3']) {
      const thrown = await thrownBy(() =>
        routes.detail.loader(
          args(get(`/en/legal-admin/requests/${missing}`, legal.cookie), { lang: 'en', number: missing }),
        ),
      )
      expect(statusOf(thrown)).toBe(404)
    }
  })

  it('extends and completes through the forms, recording who acted, and refuses bad input with 400', async () => {
    const filer = await person()
    const created = await intake.createRequest(
      db,
      {
        kind: 'access',
        regime: 'ru',
        details: '',
        locale: 'en',
        userId: filer.id,
        email: { address: filer.email!, confirmed: true },
        guestId: null,
        ip: null,
        userAgent: null,
      },
      { baseUrl: ORIGIN },
    )
    const number = String(created.number)
    const url = `/en/legal-admin/requests/${number}`
    const act = (fields: Record<string, string>) =>
      routes.detail.action(args(post(url, fields, legal.cookie), { lang: 'en', number }))

    const noReason = asData<Failure>(await act({ intent: 'extend', reason: '   ' }))
    expect(statusOf(noReason)).toBe(400)
    expect(noReason.data.fieldErrors).toEqual({ reason: 'legal-admin-requests:errors.reasonRequired' })
    expect(en(noReason.data.fieldErrors.reason!)).toContain('reason')
    expect(statusOf(await thrownBy(() => act({ intent: 'delete' })))).toBe(400)
    const badOutcome = asData<Failure>(await act({ intent: 'complete', outcome: 'maybe', note: '' }))
    expect(statusOf(badOutcome)).toBe(400)
    expect(badOutcome.data.fieldErrors).toEqual({ outcome: 'legal-admin-requests:errors.outcome' })
    const unreasoned = asData<Failure>(await act({ intent: 'complete', outcome: 'refused', note: '' }))
    expect(unreasoned.data.fieldErrors).toEqual({ note: 'legal-admin-requests:errors.noteRequired' })
    expect((await eventsOf(created.number)).map((e) => e.action)).toEqual(['created', 'mailed'])

    const extended = asResponse(await act({ intent: 'extend', reason: 'Waiting for the payment processor' }))
    expect(extended.headers.get('Location')).toBe(`${url}?done=extended`)
    const twice = asData<Failure>(await act({ intent: 'extend', reason: 'Again' }))
    expect(statusOf(twice)).toBe(409)
    expect(twice.data.formError).toBe('legal-admin-requests:errors.alreadyExtended')

    const completed = asResponse(await act({ intent: 'complete', outcome: 'fulfilled', note: 'Sent you the file.' }))
    expect(completed.headers.get('Location')).toBe(`${url}?done=completed`)
    const again = asData<Failure>(await act({ intent: 'complete', outcome: 'fulfilled', note: '' }))
    expect(statusOf(again)).toBe(409)

    const log = await eventsOf(created.number)
    expect(log.filter((e) => e.action === 'extended' || e.action === 'completed').map((e) => e.actorUserId)).toEqual([
      legal.id,
      legal.id,
    ])
    expect(await requestRow(created.number)).toMatchObject({
      status: 'completed',
      completionNote: 'Sent you the file.',
    })
  })

  it('refuses to extend a correction (the law gives it 7 working days flat) and says why', async () => {
    const filer = await person()
    const created = await intake.createRequest(
      db,
      {
        kind: 'correction',
        regime: 'ru',
        details: 'My e-mail address is misspelled',
        locale: 'en',
        userId: filer.id,
        email: { address: filer.email!, confirmed: true },
        guestId: null,
        ip: null,
        userAgent: null,
      },
      { baseUrl: ORIGIN },
    )
    const number = String(created.number)
    const url = `/en/legal-admin/requests/${number}`
    const page = asData<{ request: Queue.RequestDetails }>(
      await routes.detail.loader(args(get(url, legal.cookie), { lang: 'en', number })),
    )
    expect(page.data.request).toMatchObject({ extendBlocked: 'kind-not-extendable', extensionWouldEndOn: null })
    const refused = asData<Failure>(
      await routes.detail.action(
        args(post(url, { intent: 'extend', reason: 'Busy' }, legal.cookie), { lang: 'en', number }),
      ),
    )
    expect(statusOf(refused)).toBe(409)
    expect(refused.data.formError).toBe('legal-admin-requests:errors.kindNotExtendable')
    expect(en(refused.data.formError!)).toContain('no extension')
    expect(await requestRow(created.number)).toMatchObject({ extendedAt: null, dueOn: created.dueOn })
  })

  it('lists, adds, changes and removes calendar days, refusing bad ones', async () => {
    const page = asData<{ year: number; entries: Array<{ day: string; kind: string }> }>(
      await routes.calendar.loader(args(get('/en/legal-admin/calendar?year=2027', legal.cookie), { lang: 'en' })),
    )
    expect(page.data.year).toBe(2027)
    expect(page.data.entries.map((e) => e.day)).toContain('2027-01-07')
    expect(page.data.entries.every((e) => e.day.startsWith('2027-'))).toBe(true)
    expect(
      statusOf(
        await thrownBy(() =>
          routes.calendar.loader(args(get('/en/legal-admin/calendar?year=1812', legal.cookie), { lang: 'en' })),
        ),
      ),
    ).toBe(400)

    const save = (fields: Record<string, string>) =>
      routes.calendar.action(
        args(post('/en/legal-admin/calendar', { intent: 'save', ...fields }, legal.cookie), { lang: 'en' }),
      )
    const refusals: Array<[Record<string, string>, Record<string, string>]> = [
      [{ day: '2027-02-30', kind: 'holiday', note: 'x' }, { day: 'legal-admin-requests:calendar.errors.day' }],
      [{ day: '27.02.2027', kind: 'holiday', note: 'x' }, { day: 'legal-admin-requests:calendar.errors.day' }],
      [
        { day: '2027-02-22', kind: 'workday', note: 'x' },
        { kind: 'legal-admin-requests:calendar.errors.workdayOnWeekday' },
      ],
      [
        { day: '2027-02-20', kind: 'holiday', note: 'x' },
        { kind: 'legal-admin-requests:calendar.errors.holidayOnWeekend' },
      ],
      [{ day: '2027-02-22', kind: 'holiday', note: '' }, { note: 'legal-admin-requests:calendar.errors.noteRequired' }],
      [{ day: '2027-02-22', kind: 'party', note: 'x' }, { kind: 'legal-admin-requests:calendar.errors.kind' }],
    ]
    for (const [fields, errors] of refusals) {
      const refused = asData<Failure>(await save(fields))
      expect(statusOf(refused), JSON.stringify(fields)).toBe(400)
      expect(refused.data.fieldErrors).toEqual(errors)
    }
    const { eq } = await import('drizzle-orm')
    const dayRow = async (day: string) =>
      (await db.select().from(schema.calendarDays).where(eq(schema.calendarDays.day, day)))[0]
    expect(await dayRow('2027-02-22')).toBeUndefined()

    const saved = asResponse(await save({ day: '2027-02-20', kind: 'workday', note: 'Transfer to 22 February' }))
    expect(saved.headers.get('Location')).toBe('/en/legal-admin/calendar?year=2027&saved=2027-02-20')
    expect(await dayRow('2027-02-20')).toMatchObject({ kind: 'workday', updatedBy: legal.id })
    asResponse(await save({ day: '2027-02-22', kind: 'holiday', note: 'Moved from 20 February' }))
    asResponse(await save({ day: '2027-02-22', kind: 'holiday', note: 'Moved from Saturday 20 February' }))
    expect(await dayRow('2027-02-22')).toMatchObject({ note: 'Moved from Saturday 20 February' })

    const remove = (day: string) =>
      routes.calendar.action(
        args(post('/en/legal-admin/calendar', { intent: 'remove', day }, legal.cookie), { lang: 'en' }),
      )
    expect(asResponse(await remove('2027-02-22')).headers.get('Location')).toBe(
      '/en/legal-admin/calendar?year=2027&removed=2027-02-22',
    )
    expect(await dayRow('2027-02-22')).toBeUndefined()
    expect(statusOf(await remove('2027-02-22'))).toBe(404)
    await remove('2027-02-20')
  })
})
