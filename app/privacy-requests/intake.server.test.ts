import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { guests } from '~/identity/schema'
import { BASE_URL, failingSend, FRIDAY, hoursLater, requestsFixture } from '../../tests/support/privacy-requests'
import { confirmRequest, createRequest, forgetUnconfirmedRequests, inspectConfirmation } from './intake.server'

const fixture = requestsFixture()
const { newUser, input, openRequest, row, events, mailsTo, awaitingRequest } = fixture

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
    await fixture.db.insert(guests).values({ id: guestId })
    const withGuest = await openRequest({ guestId })
    expect((await row(withGuest.number)).guestId).toBe(guestId)
    const unknown = await openRequest({ guestId: randomBytes(24).toString('base64url') })
    expect((await row(unknown.number)).guestId).toBeNull()
  })

  it('keeps the request when the receipt cannot be sent, and records the failure as an event', async () => {
    const user = await newUser()
    const created = await createRequest(
      fixture.db,
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
    expect(await inspectConfirmation(fixture.db, created.token, later)).toMatchObject({
      state: 'pending',
      number: created.number,
    })
    expect((await row(created.number)).status).toBe('awaiting-confirmation')

    const confirmed = await confirmRequest(fixture.db, created.token, { now: later })
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
    const first = await confirmRequest(fixture.db, created.token, { now: hoursLater(FRIDAY, 1) })
    const before = await events(created.number)
    const again = await confirmRequest(fixture.db, created.token, { now: hoursLater(FRIDAY, 30) })
    expect(again).toEqual({ ...first, alreadyConfirmed: true })
    expect(await events(created.number)).toHaveLength(before.length)
    expect((await row(created.number)).receivedAt).toEqual(hoursLater(FRIDAY, 1))
    expect(await mailsTo(created.email)).toHaveLength(2)
  })

  it('refuses an expired link and leaves the request unreceived', async () => {
    const created = await awaitingRequest()
    const result = await confirmRequest(fixture.db, created.token, { now: hoursLater(FRIDAY, 24) })
    expect(result).toEqual({ ok: false, reason: 'expired' })
    expect(await row(created.number)).toMatchObject({ status: 'awaiting-confirmation', receivedAt: null })
    expect(await events(created.number)).toHaveLength(2)
  })

  it('refuses tokens it never issued', async () => {
    for (const token of ['', 'short', 'x'.repeat(43), `${'a'.repeat(42)}!`]) {
      expect(await confirmRequest(fixture.db, token, { now: FRIDAY })).toEqual({ ok: false, reason: 'invalid' })
    }
  })

  it('puts the GDPR due date 30 days after the Moscow date of confirmation', async () => {
    const created = await awaitingRequest({ regime: 'gdpr' })
    // 22:30 UTC on 25 December is already 26 December in Moscow.
    const result = await confirmRequest(fixture.db, created.token, { now: new Date('2026-12-25T22:30:00Z') })
    expect(result).toMatchObject({ ok: true, dueOn: '2027-01-25' })
  })

  it('forgets the contact details of requests never confirmed, a week after the link expired', async () => {
    const stale = await awaitingRequest({ details: 'please delete everything' })
    const fresh = await awaitingRequest({}, hoursLater(FRIDAY, 24 * 7))
    const forgotten = await forgetUnconfirmedRequests(fixture.db, hoursLater(FRIDAY, 24 * 8 + 1))
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
