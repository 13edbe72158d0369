import { describe, expect, it } from 'vitest'
import { FRIDAY, hoursLater, requestsFixture, uniqueEmail } from '../../tests/support/privacy-requests'
import { confirmRequest } from './intake.server'
import { completeRequest, extendRequest } from './legal-actions.server'
import { getRequest, listQueue } from './queue.server'

const fixture = requestsFixture()
const { newUser, openRequest, awaitingRequest } = fixture

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
    await completeRequest(fixture.db, done.number, {
      outcome: 'fulfilled',
      note: '',
      actorUserId: legal.id,
      now: today,
    })
    await awaitingRequest({}, hoursLater(today, -1))

    const queue = await listQueue(fixture.db, { now: today })
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
    await confirmRequest(fixture.db, created.token, { now: hoursLater(FRIDAY, 1) })
    await extendRequest(fixture.db, created.number, {
      reason: 'Need more time',
      actorUserId: legal.id,
      now: hoursLater(FRIDAY, 2),
    })
    const details = await getRequest(fixture.db, created.number, { now: hoursLater(FRIDAY, 3) })
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
    expect(await getRequest(fixture.db, fresh.number, { now: FRIDAY })).toMatchObject({
      extendBlocked: null,
      extensionWouldEndOn: '2027-01-26',
    })
    expect(await getRequest(fixture.db, 987_654_321)).toBeNull()
  })
})
