import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataSubjectRequestEvents, dataSubjectRequests, guests, users } from '~/db/schema'
import { listStoredMail, readStoredMail, type MailMessage } from '~/mail/mailer.server'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../tests/db'
import {
  completeRequest,
  confirmRequest,
  createRequest,
  extendRequest,
  forgetUnconfirmedRequests,
  getRequest,
  inspectConfirmation,
  listQueue,
  type NewRequest,
} from './requests.server'

// The model against a migrated database (PGlite, or PostgreSQL under
// scripts/test-pg.mjs) with the seeded working-day calendar, and the file
// mailer writing into this file's own DATA_DIR.
const dataDir = mkdtempSync(path.join(tmpdir(), 'palitra-dsr-'))
process.env.DATA_DIR = dataDir
delete process.env.SMTP_URL

let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const BASE_URL = 'https://palitra.example'
// Friday 25 December 2026, 12:00 in Moscow.
const FRIDAY = new Date('2026-12-25T09:00:00Z')
const hoursLater = (from: Date, hours: number) => new Date(from.getTime() + hours * 3_600_000)

const uniqueEmail = (tag: string) => `${tag}-${randomBytes(4).toString('hex')}@mail.example`

async function newUser(options: { email?: string | null; roles?: string[] } = {}) {
  const id = `user-${randomBytes(6).toString('hex')}`
  const email = options.email === undefined ? uniqueEmail('account') : options.email
  await handle.db
    .insert(users)
    .values({ id, email, emailNormalized: email?.toLowerCase() ?? null, roles: options.roles ?? [] })
  return { id, email }
}

function input(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    kind: 'access',
    regime: 'ru',
    details: '',
    locale: 'en',
    userId: null,
    email: { address: uniqueEmail('requester'), confirmed: false },
    guestId: null,
    ip: '203.0.113.7',
    userAgent: 'test agent',
    ...overrides,
  }
}

/** A request filed while signed in with an address: open at once. */
async function openRequest(overrides: Partial<NewRequest> = {}, now = FRIDAY) {
  const user = await newUser()
  const created = await createRequest(
    handle.db,
    input({ userId: user.id, email: { address: user.email!, confirmed: true }, ...overrides }),
    { now, baseUrl: BASE_URL },
  )
  return { ...created, email: user.email! }
}

async function row(number: number) {
  const [found] = await handle.db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.number, number))
  return found!
}

async function events(number: number) {
  const { id } = await row(number)
  return handle.db
    .select()
    .from(dataSubjectRequestEvents)
    .where(eq(dataSubjectRequestEvents.requestId, id))
    .orderBy(dataSubjectRequestEvents.at, dataSubjectRequestEvents.id)
}

async function mailsTo(address: string) {
  const summaries = (await listStoredMail({ dataDir, limit: 100_000 })).filter((m) => m.to === address).reverse()
  return Promise.all(summaries.map(async (m) => (await readStoredMail(m.id, { dataDir }))!))
}

function tokenFrom(text: string) {
  const link = /https:\/\/\S+/.exec(text)?.[0]
  if (!link) throw new Error('no link in the mail')
  const url = new URL(link)
  return { url, token: url.searchParams.get('token')! }
}

/** Files a request as someone signed out and returns its confirmation token from the mail. */
async function awaitingRequest(overrides: Partial<NewRequest> = {}, now = FRIDAY) {
  const request = input(overrides)
  const created = await createRequest(handle.db, request, { now, baseUrl: BASE_URL })
  const [mail] = await mailsTo(request.email.address)
  return { ...created, email: request.email.address, ...tokenFrom(mail!.text) }
}

const failingSend = async (_message: MailMessage): Promise<never> => {
  throw new Error('SMTP connection refused')
}

describe('filing a request while signed in', () => {
  it('opens it at once with the 152-FZ due date from the seeded calendar, logs it and mails a receipt', async () => {
    const created = await openRequest()
    // Received Friday 25 December 2026: 10 working days skip 31 December and the January holidays.
    expect(created).toMatchObject({ status: 'open', dueOn: '2027-01-19', mailed: true })
    const stored = await row(created.number)
    expect(stored).toMatchObject({
      status: 'open',
      receivedAt: FRIDAY,
      originalDueOn: '2027-01-19',
      dueOn: '2027-01-19',
      confirmTokenHash: null,
      ip: '203.0.113.7',
      userAgent: 'test agent',
    })
    expect((await events(created.number)).map((e) => [e.action, e.fromStatus, e.toStatus, e.note])).toEqual([
      ['created', null, 'open', null],
      ['mailed', 'open', 'open', 'receipt'],
    ])
    const [receipt, ...more] = await mailsTo(created.email)
    expect(more).toEqual([])
    expect(receipt!.subject).toContain(`No. ${created.number}`)
    expect(receipt!.text).toContain('19 January 2027')
    expect(receipt!.text).toContain('extend this once by up to 5 working days')
  })

  it('gives a 152-FZ correction 7 working days, and its receipt promises no extension', async () => {
    const created = await openRequest({ kind: 'correction', details: 'My name is Ivan, not Ivam' })
    // Received Friday 25 December 2026: Mon 28 – Wed 30 December, then Mon 11 – Thu 14 January.
    expect(created).toMatchObject({ status: 'open', dueOn: '2027-01-14' })
    expect(await row(created.number)).toMatchObject({ originalDueOn: '2027-01-14', dueOn: '2027-01-14' })
    const [receipt] = await mailsTo(created.email)
    expect(receipt!.text).toContain('By law we reply by 14 January 2027.')
    expect(receipt!.text).not.toContain('extend')
  })

  it('gives a deletion 7 working days, an objection 10 with the extension and a withdrawal 10 without it', async () => {
    const deletion = await openRequest({ kind: 'deletion', locale: 'ru' })
    expect(deletion.dueOn).toBe('2027-01-14')
    expect((await mailsTo(deletion.email))[0]!.text).toContain(
      'По закону мы ответим до 14 января 2027 г. включительно.',
    )
    const objection = await openRequest({ kind: 'objection', locale: 'ru' })
    expect(objection.dueOn).toBe('2027-01-19')
    expect((await mailsTo(objection.email))[0]!.text).toContain(
      'можем один раз продлить срок не более чем на 5 рабочих дней',
    )
    const withdrawal = await openRequest({ kind: 'withdrawal' })
    expect(withdrawal.dueOn).toBe('2027-01-19')
    expect((await mailsTo(withdrawal.email))[0]!.text).not.toContain('extend')
  })

  it('gives a GDPR request 30 calendar days and writes the receipt in the request’s language', async () => {
    const created = await openRequest({ regime: 'gdpr', locale: 'ru' })
    expect(created.dueOn).toBe('2027-01-24')
    const [receipt] = await mailsTo(created.email)
    expect(receipt!.subject).toBe(`Палитра: запрос № ${created.number} получен`)
    expect(receipt!.text).toContain('24 января 2027')
    expect(receipt!.text).not.toContain('5 рабочих дней')
  })

  it('attaches the guest of the browser’s guest cookie, and drops a guest id that has no row', async () => {
    const guestId = randomBytes(24).toString('base64url')
    await handle.db.insert(guests).values({ id: guestId })
    const withGuest = await openRequest({ guestId })
    expect((await row(withGuest.number)).guestId).toBe(guestId)
    const unknown = await openRequest({ guestId: randomBytes(24).toString('base64url') })
    expect((await row(unknown.number)).guestId).toBeNull()
  })

  it('keeps the request when the receipt cannot be sent, and records the failure as an event', async () => {
    const user = await newUser()
    const created = await createRequest(
      handle.db,
      input({ userId: user.id, email: { address: user.email!, confirmed: true } }),
      { now: FRIDAY, baseUrl: BASE_URL, send: failingSend },
    )
    expect(created).toMatchObject({ status: 'open', mailed: false })
    const log = await events(created.number)
    expect(log.map((e) => e.action)).toEqual(['created', 'mail-failed'])
    expect(log[1]!.note).toBe('receipt: SMTP connection refused')
  })
})

describe('filing a request by e-mail and confirming it', () => {
  it('waits for confirmation without a deadline and mails a single-use link to a confirmation page', async () => {
    const created = await awaitingRequest()
    expect(created).toMatchObject({ status: 'awaiting-confirmation', dueOn: null, mailed: true })
    expect(created.url.origin + created.url.pathname).toBe(`${BASE_URL}/en/privacy/request/confirm`)
    const stored = await row(created.number)
    expect(stored).toMatchObject({ receivedAt: null, dueOn: null, originalDueOn: null })
    expect(stored.confirmExpiresAt).toEqual(hoursLater(FRIDAY, 24))
    // Only the hash of the token is stored.
    expect(stored.confirmTokenHash).toMatch(/^[0-9a-f]{64}$/)
    expect(stored.confirmTokenHash).not.toContain(created.token)
    expect((await events(created.number)).map((e) => [e.action, e.toStatus, e.note])).toEqual([
      ['created', 'awaiting-confirmation', null],
      ['mailed', 'awaiting-confirmation', 'confirmation'],
    ])
  })

  it('looking at the link changes nothing; confirming starts the deadline from the confirmation', async () => {
    const created = await awaitingRequest({ regime: 'ru' })
    const later = hoursLater(FRIDAY, 20) // Saturday 26 December, 08:00 in Moscow
    expect(await inspectConfirmation(handle.db, created.token, later)).toMatchObject({
      state: 'pending',
      number: created.number,
    })
    expect((await row(created.number)).status).toBe('awaiting-confirmation')

    const confirmed = await confirmRequest(handle.db, created.token, { now: later })
    // Counting starts on Sunday 27 December: same due date as a Friday receipt here.
    expect(confirmed).toEqual({
      ok: true,
      number: created.number,
      dueOn: '2027-01-19',
      regime: 'ru',
      alreadyConfirmed: false,
    })
    expect(await row(created.number)).toMatchObject({ status: 'open', receivedAt: later, dueOn: '2027-01-19' })
    expect((await events(created.number)).map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
      ['created', null, 'awaiting-confirmation'],
      ['mailed', 'awaiting-confirmation', 'awaiting-confirmation'],
      ['confirmed', 'awaiting-confirmation', 'open'],
      ['mailed', 'open', 'open'],
    ])
    const [, receipt] = await mailsTo(created.email)
    expect(receipt!.subject).toContain('received')
    expect(receipt!.text).toContain('19 January 2027')
  })

  it('uses a link once: a second confirmation changes nothing and shows the same request', async () => {
    const created = await awaitingRequest()
    const first = await confirmRequest(handle.db, created.token, { now: hoursLater(FRIDAY, 1) })
    const before = await events(created.number)
    const again = await confirmRequest(handle.db, created.token, { now: hoursLater(FRIDAY, 30) })
    expect(again).toEqual({ ...first, alreadyConfirmed: true })
    expect(await events(created.number)).toHaveLength(before.length)
    expect((await row(created.number)).receivedAt).toEqual(hoursLater(FRIDAY, 1))
    expect(await mailsTo(created.email)).toHaveLength(2)
  })

  it('refuses an expired link and leaves the request unreceived', async () => {
    const created = await awaitingRequest()
    const result = await confirmRequest(handle.db, created.token, { now: hoursLater(FRIDAY, 24) })
    expect(result).toEqual({ ok: false, reason: 'expired' })
    expect(await row(created.number)).toMatchObject({ status: 'awaiting-confirmation', receivedAt: null })
    expect(await events(created.number)).toHaveLength(2)
  })

  it('refuses tokens it never issued', async () => {
    for (const token of ['', 'short', 'x'.repeat(43), `${'a'.repeat(42)}!`]) {
      expect(await confirmRequest(handle.db, token, { now: FRIDAY })).toEqual({ ok: false, reason: 'invalid' })
    }
  })

  it('puts the GDPR due date 30 days after the Moscow date of confirmation', async () => {
    const created = await awaitingRequest({ regime: 'gdpr' })
    // 22:30 UTC on 25 December is already 26 December in Moscow.
    const result = await confirmRequest(handle.db, created.token, { now: new Date('2026-12-25T22:30:00Z') })
    expect(result).toMatchObject({ ok: true, dueOn: '2027-01-25' })
  })

  it('forgets the contact details of requests never confirmed, a week after the link expired', async () => {
    const stale = await awaitingRequest({ details: 'please delete everything' })
    const fresh = await awaitingRequest({}, hoursLater(FRIDAY, 24 * 7))
    const forgotten = await forgetUnconfirmedRequests(handle.db, hoursLater(FRIDAY, 24 * 8 + 1))
    expect(forgotten).toBeGreaterThanOrEqual(1)
    expect(await row(stale.number)).toMatchObject({
      status: 'awaiting-confirmation',
      email: '',
      details: '',
      ip: null,
      userAgent: null,
      confirmTokenHash: null,
    })
    expect((await row(fresh.number)).email).toBe(fresh.email)
    expect(await events(stale.number)).toHaveLength(2)
  })
})

describe('extending a request', () => {
  it('extends a 152-FZ request once by 5 working days after the original due date, with a notice', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const created = await openRequest()
    const result = await extendRequest(handle.db, created.number, {
      reason: '  We need the archived payment records.  ',
      actorUserId: legal.id,
      now: new Date('2027-01-18T10:00:00Z'),
    })
    expect(result).toMatchObject({ ok: true, mailed: true })
    expect(await row(created.number)).toMatchObject({
      status: 'open',
      originalDueOn: '2027-01-19',
      dueOn: '2027-01-26',
      extendedAt: new Date('2027-01-18T10:00:00Z'),
      extensionReason: 'We need the archived payment records.',
    })
    const extended = (await events(created.number)).find((e) => e.action === 'extended')!
    expect(extended).toMatchObject({
      fromStatus: 'open',
      toStatus: 'open',
      actorUserId: legal.id,
      note: 'We need the archived payment records.',
    })
    const notice = (await mailsTo(created.email)).at(-1)!
    expect(notice.subject).toContain('more time')
    expect(notice.text).toContain('instead of 19 January 2027, we will reply by 26 January 2027')
    expect(notice.text).toContain('Why: We need the archived payment records.')

    const again = await extendRequest(handle.db, created.number, {
      reason: 'Once more',
      actorUserId: legal.id,
      now: new Date('2027-01-18T11:00:00Z'),
    })
    expect(again).toEqual({ ok: false, reason: 'already-extended' })
    expect((await row(created.number)).dueOn).toBe('2027-01-26')
  })

  it('allows it on the original due date but not after it, and never without a reason', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const created = await openRequest()
    const before = await events(created.number)
    const tooLate = await extendRequest(handle.db, created.number, {
      reason: 'Late',
      actorUserId: legal.id,
      now: new Date('2027-01-20T06:00:00Z'),
    })
    expect(tooLate).toEqual({ ok: false, reason: 'too-late' })
    const blank = await extendRequest(handle.db, created.number, {
      reason: '   ',
      actorUserId: legal.id,
      now: new Date('2027-01-19T06:00:00Z'),
    })
    expect(blank).toEqual({ ok: false, reason: 'reason-required' })
    expect(await row(created.number)).toMatchObject({ dueOn: '2027-01-19', extendedAt: null })
    expect(await events(created.number)).toHaveLength(before.length)

    // 23:30 Moscow time on the due date is still the due date.
    const lastMinute = await extendRequest(handle.db, created.number, {
      reason: 'Waiting for the processor',
      actorUserId: legal.id,
      now: new Date('2027-01-19T20:30:00Z'),
    })
    expect(lastMinute).toMatchObject({ ok: true })
  })

  it('refuses kinds the law gives no extension: correction, deletion, withdrawal', async () => {
    const legal = await newUser({ roles: ['legal'] })
    for (const kind of ['correction', 'deletion', 'withdrawal'] as const) {
      const created = await openRequest({ kind, details: 'details' })
      const before = await row(created.number)
      const result = await extendRequest(handle.db, created.number, {
        reason: 'We need more time',
        actorUserId: legal.id,
        now: FRIDAY,
      })
      expect(result).toEqual({ ok: false, reason: 'kind-not-extendable' })
      expect(await row(created.number)).toMatchObject({ dueOn: before.dueOn, extendedAt: null })
      expect((await events(created.number)).some((e) => e.action === 'extended')).toBe(false)
      const page = await getRequest(handle.db, created.number, { now: FRIDAY })
      expect(page).toMatchObject({ extendBlocked: 'kind-not-extendable', extensionWouldEndOn: null })
    }
    // An objection can be extended, like access.
    const objection = await openRequest({ kind: 'objection' })
    expect(await getRequest(handle.db, objection.number, { now: FRIDAY })).toMatchObject({
      extendBlocked: null,
      extensionWouldEndOn: '2027-01-26',
    })
  })

  it('refuses GDPR requests, requests not received or completed, and unknown numbers', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const options = { reason: 'Reason', actorUserId: legal.id, now: FRIDAY }
    const gdpr = await openRequest({ regime: 'gdpr' })
    expect(await extendRequest(handle.db, gdpr.number, options)).toEqual({ ok: false, reason: 'not-ru' })
    const waiting = await awaitingRequest()
    expect(await extendRequest(handle.db, waiting.number, options)).toEqual({ ok: false, reason: 'not-open' })
    const done = await openRequest()
    await completeRequest(handle.db, done.number, { outcome: 'fulfilled', note: '', actorUserId: legal.id })
    expect(await extendRequest(handle.db, done.number, options)).toEqual({ ok: false, reason: 'not-open' })
    expect(await extendRequest(handle.db, 987_654_321, options)).toEqual({ ok: false, reason: 'not-found' })
    expect((await row(gdpr.number)).extendedAt).toBeNull()
  })
})

describe('completing a request', () => {
  it('records the outcome, who completed it and mails the answer; a second completion is refused', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const created = await openRequest({ kind: 'deletion' })
    const at = new Date('2027-01-12T08:00:00Z')
    const result = await completeRequest(handle.db, created.number, {
      outcome: 'fulfilled',
      note: 'Your generations and uploads are deleted.',
      actorUserId: legal.id,
      now: at,
    })
    expect(result).toMatchObject({ ok: true, mailed: true })
    expect(await row(created.number)).toMatchObject({
      status: 'completed',
      outcome: 'fulfilled',
      completedAt: at,
      completionNote: 'Your generations and uploads are deleted.',
    })
    const completed = (await events(created.number)).find((e) => e.action === 'completed')!
    expect(completed).toMatchObject({
      fromStatus: 'open',
      toStatus: 'completed',
      actorUserId: legal.id,
      note: 'fulfilled: Your generations and uploads are deleted.',
    })
    const answer = (await mailsTo(created.email)).at(-1)!
    expect(answer.subject).toContain('completed')
    expect(answer.text).toContain('Deletion of my data')
    expect(answer.text).toContain('Our answer: Your generations and uploads are deleted.')

    const again = await completeRequest(handle.db, created.number, {
      outcome: 'refused',
      note: 'No',
      actorUserId: legal.id,
    })
    expect(again).toEqual({ ok: false, reason: 'already-completed' })
    expect((await row(created.number)).outcome).toBe('fulfilled')
  })

  it('wants reasons for a refusal, and only completes received requests', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const created = await openRequest()
    const before = await events(created.number)
    expect(
      await completeRequest(handle.db, created.number, { outcome: 'refused', note: ' ', actorUserId: legal.id }),
    ).toEqual({ ok: false, reason: 'note-required' })
    expect((await row(created.number)).status).toBe('open')
    expect(await events(created.number)).toHaveLength(before.length)

    const waiting = await awaitingRequest()
    expect(
      await completeRequest(handle.db, waiting.number, { outcome: 'fulfilled', note: '', actorUserId: legal.id }),
    ).toEqual({ ok: false, reason: 'not-open' })
  })

  it('keeps the completion when its mail fails', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const created = await openRequest()
    const result = await completeRequest(handle.db, created.number, {
      outcome: 'refused',
      note: 'We hold no data about this address.',
      actorUserId: legal.id,
      send: failingSend,
    })
    expect(result).toMatchObject({ ok: true, mailed: false })
    expect((await row(created.number)).status).toBe('completed')
    expect((await events(created.number)).at(-1)).toMatchObject({
      action: 'mail-failed',
      toStatus: 'completed',
      note: 'completion: SMTP connection refused',
    })
  })
})

describe('the queue and one request', () => {
  it('lists open requests by due date with overdue ones flagged, completed ones after', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const today = new Date('2027-02-10T09:00:00Z')
    // Received on different days: due 2027-01-19 (overdue), 2027-02-08 (overdue) and 2027-02-24.
    const oldest = await openRequest({}, FRIDAY)
    const later = await openRequest({}, new Date('2027-01-25T09:00:00Z'))
    const recent = await openRequest({}, new Date('2027-02-09T09:00:00Z'))
    const gdpr = await openRequest({ regime: 'gdpr' }, new Date('2027-02-01T09:00:00Z'))
    const done = await openRequest({}, FRIDAY)
    await completeRequest(handle.db, done.number, { outcome: 'fulfilled', note: '', actorUserId: legal.id, now: today })
    await awaitingRequest({}, hoursLater(today, -1))

    const queue = await listQueue(handle.db, { now: today })
    expect(queue.today).toBe('2027-02-10')
    const dueDates = queue.open.map((e) => e.dueOn!)
    expect(dueDates).toEqual([...dueDates].sort())
    const mine = queue.open.filter((e) => [oldest, later, recent, gdpr].some((r) => r.number === e.number))
    expect(mine.map((e) => [e.number, e.dueOn, e.daysLeft, e.overdue])).toEqual([
      [oldest.number, '2027-01-19', -22, true],
      [later.number, '2027-02-08', -2, true],
      [recent.number, '2027-02-24', 14, false],
      [gdpr.number, '2027-03-01', 19, false], // one month ends before 30 days in February
    ])
    expect(queue.open.every((e) => e.status === 'open')).toBe(true)
    expect(queue.completed.map((e) => e.number)).toContain(done.number)
    expect(queue.completed.find((e) => e.number === done.number)).toMatchObject({
      outcome: 'fulfilled',
      daysLeft: null,
      overdue: false,
    })
    expect(queue.awaitingConfirmation).toBeGreaterThanOrEqual(1)
  })

  it('shows one request with its event log, who acted, and whether an account has the confirmed address', async () => {
    const legal = await newUser({ roles: ['legal'], email: uniqueEmail('lawyer') })
    const account = await newUser()
    const created = await awaitingRequest({ email: { address: account.email!, confirmed: false } })
    await confirmRequest(handle.db, created.token, { now: hoursLater(FRIDAY, 1) })
    await extendRequest(handle.db, created.number, {
      reason: 'Need more time',
      actorUserId: legal.id,
      now: hoursLater(FRIDAY, 2),
    })
    const details = await getRequest(handle.db, created.number, { now: hoursLater(FRIDAY, 3) })
    expect(details).toMatchObject({
      number: created.number,
      status: 'open',
      accountWithEmail: account.id,
      userId: null,
      extended: true,
      extendBlocked: 'already-extended',
      extensionWouldEndOn: null,
    })
    expect(details!.events.map((e) => [e.action, e.actorEmail])).toEqual([
      ['created', null],
      ['mailed', null],
      ['confirmed', null],
      ['mailed', null],
      ['extended', legal.email],
      ['mailed', null],
    ])
    const fresh = await openRequest()
    expect(await getRequest(handle.db, fresh.number, { now: FRIDAY })).toMatchObject({
      extendBlocked: null,
      extensionWouldEndOn: '2027-01-26',
    })
    expect(await getRequest(handle.db, 987_654_321)).toBeNull()
  })
})

describe('the database', () => {
  it('refuses a received request without a due date and an extension without a reason', async () => {
    const created = await openRequest()
    const { id } = await row(created.number)
    expect(
      (
        await captureDatabaseError(
          handle.db.update(dataSubjectRequests).set({ dueOn: null }).where(eq(dataSubjectRequests.id, id)),
        )
      ).constraint,
    ).toBe('data_subject_requests_received_has_due')
    expect(
      (
        await captureDatabaseError(
          handle.db
            .update(dataSubjectRequests)
            .set({ extendedAt: new Date(), extensionReason: ' ' })
            .where(eq(dataSubjectRequests.id, id)),
        )
      ).constraint,
    ).toBe('data_subject_requests_extension_reasoned')
  })

  it('keeps the event log append-only', async () => {
    const created = await openRequest()
    const { id } = await row(created.number)
    const error = await captureDatabaseError(
      handle.db
        .update(dataSubjectRequestEvents)
        .set({ note: 'rewritten' })
        .where(eq(dataSubjectRequestEvents.requestId, id)),
    )
    expect(error.message).toContain('append-only')
    const [{ n }] = (await handle.db
      .select({ n: count() })
      .from(dataSubjectRequestEvents)
      .where(eq(dataSubjectRequestEvents.requestId, id))) as [{ n: number }]
    expect(Number(n)).toBe(2)
  })
})
