import { describe, expect, it } from 'vitest'
import { isWaiting, PAYMENT_DEADLINE_HOURS, paymentDeadline, redirectDueDate } from './deadline.server'

describe('the payment deadline', () => {
  const createdAt = new Date('2026-12-06T22:30:15.250Z')

  it('is PAYMENT_DEADLINE_HOURS after the order was created', () => {
    expect(PAYMENT_DEADLINE_HOURS).toBe(24)
    expect(paymentDeadline(createdAt).toISOString()).toBe('2026-12-07T22:30:15.250Z')
  })

  it('goes to the bank as RedirectDueDate in Moscow time, to the second, as the bank writes it', () => {
    // 22:30 UTC on 7 December is 01:30 on 8 December in Moscow.
    expect(redirectDueDate(createdAt)).toBe('2026-12-08T01:30:15+03:00')
    expect(Date.parse(redirectDueDate(createdAt))).toBe(Date.parse('2026-12-07T22:30:15Z'))
  })

  it('keeps created and pending orders waiting until then, and nothing else', () => {
    const before = new Date(paymentDeadline(createdAt).getTime() - 1)
    const after = paymentDeadline(createdAt)
    expect(isWaiting({ status: 'pending', createdAt }, before)).toBe(true)
    expect(isWaiting({ status: 'created', createdAt }, before)).toBe(true)
    expect(isWaiting({ status: 'pending', createdAt }, after)).toBe(false)
    for (const status of ['authorized', 'confirmed', 'rejected', 'canceled', 'expired', 'init-failed'] as const) {
      expect(isWaiting({ status, createdAt }, before)).toBe(false)
    }
  })
})
