import { describe, expect, it } from 'vitest'
import { failingSend, FRIDAY, requestsFixture } from '../../tests/support/privacy-requests'
import { completeRequest, extendRequest } from './legal-actions.server'
import { getRequest } from './queue.server'

const fixture = requestsFixture()
const { newUser, openRequest, row, events, mailsTo, awaitingRequest } = fixture

describe('extending a request', () => {
  it('extends a 152-FZ request once by 5 working days after the original due date, with a notice', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const created = await openRequest()
    const result = await extendRequest(fixture.db, created.number, {
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

    const again = await extendRequest(fixture.db, created.number, {
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
    const tooLate = await extendRequest(fixture.db, created.number, {
      reason: 'Late',
      actorUserId: legal.id,
      now: new Date('2027-01-20T06:00:00Z'),
    })
    expect(tooLate).toEqual({ ok: false, reason: 'too-late' })
    const blank = await extendRequest(fixture.db, created.number, {
      reason: '   ',
      actorUserId: legal.id,
      now: new Date('2027-01-19T06:00:00Z'),
    })
    expect(blank).toEqual({ ok: false, reason: 'reason-required' })
    expect(await row(created.number)).toMatchObject({ dueOn: '2027-01-19', extendedAt: null })
    expect(await events(created.number)).toHaveLength(before.length)

    // 23:30 Moscow time on the due date is still the due date.
    const lastMinute = await extendRequest(fixture.db, created.number, {
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
      const result = await extendRequest(fixture.db, created.number, {
        reason: 'We need more time',
        actorUserId: legal.id,
        now: FRIDAY,
      })
      expect(result).toEqual({ ok: false, reason: 'kind-not-extendable' })
      expect(await row(created.number)).toMatchObject({ dueOn: before.dueOn, extendedAt: null })
      expect((await events(created.number)).some((e) => e.action === 'extended')).toBe(false)
      const page = await getRequest(fixture.db, created.number, { now: FRIDAY })
      expect(page).toMatchObject({ extendBlocked: 'kind-not-extendable', extensionWouldEndOn: null })
    }
    // An objection can be extended, like access.
    const objection = await openRequest({ kind: 'objection' })
    expect(await getRequest(fixture.db, objection.number, { now: FRIDAY })).toMatchObject({
      extendBlocked: null,
      extensionWouldEndOn: '2027-01-26',
    })
  })

  it('refuses GDPR requests, requests not received or completed, and unknown numbers', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const options = { reason: 'Reason', actorUserId: legal.id, now: FRIDAY }
    const gdpr = await openRequest({ regime: 'gdpr' })
    expect(await extendRequest(fixture.db, gdpr.number, options)).toEqual({ ok: false, reason: 'not-ru' })
    const waiting = await awaitingRequest()
    expect(await extendRequest(fixture.db, waiting.number, options)).toEqual({ ok: false, reason: 'not-open' })
    const done = await openRequest()
    await completeRequest(fixture.db, done.number, { outcome: 'fulfilled', note: '', actorUserId: legal.id })
    expect(await extendRequest(fixture.db, done.number, options)).toEqual({ ok: false, reason: 'not-open' })
    expect(await extendRequest(fixture.db, 987_654_321, options)).toEqual({ ok: false, reason: 'not-found' })
    expect((await row(gdpr.number)).extendedAt).toBeNull()
  })
})

describe('completing a request', () => {
  it('records the outcome, who completed it and mails the answer; a second completion is refused', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const created = await openRequest({ kind: 'deletion' })
    const at = new Date('2027-01-12T08:00:00Z')
    const result = await completeRequest(fixture.db, created.number, {
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

    const again = await completeRequest(fixture.db, created.number, {
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
      await completeRequest(fixture.db, created.number, { outcome: 'refused', note: ' ', actorUserId: legal.id }),
    ).toEqual({ ok: false, reason: 'note-required' })
    expect((await row(created.number)).status).toBe('open')
    expect(await events(created.number)).toHaveLength(before.length)

    const waiting = await awaitingRequest()
    expect(
      await completeRequest(fixture.db, waiting.number, { outcome: 'fulfilled', note: '', actorUserId: legal.id }),
    ).toEqual({ ok: false, reason: 'not-open' })
  })

  it('keeps the completion when its mail fails', async () => {
    const legal = await newUser({ roles: ['legal'] })
    const created = await openRequest()
    const result = await completeRequest(fixture.db, created.number, {
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
