import { describe, expect, it } from 'vitest'
import { doneNotice, parseRequestNumber, stepOutcome } from './request-page.server'

describe('parseRequestNumber', () => {
  it('takes a positive number without decoration', () => {
    expect(parseRequestNumber('1')).toBe(1)
    expect(parseRequestNumber('4711')).toBe(4711)
    expect(parseRequestNumber('9999999999')).toBe(9999999999)
  })

  it('refuses anything else', () => {
    for (const raw of [undefined, '', '0', '012', '-3', '1.5', '1e3', ' 7', '12345678901', 'abc']) {
      expect(parseRequestNumber(raw), String(raw)).toBeNull()
    }
  })
})

describe('doneNotice', () => {
  it('names the step just taken and whether its letter failed', () => {
    expect(doneNotice(new URLSearchParams('done=extended'))).toEqual({ done: 'extended', mailFailed: false })
    expect(doneNotice(new URLSearchParams('done=completed&mail=failed'))).toEqual({
      done: 'completed',
      mailFailed: true,
    })
  })

  it('shows no notice for a step it does not know', () => {
    expect(doneNotice(new URLSearchParams('done=deleted')).done).toBeNull()
    expect(doneNotice(new URLSearchParams('')).done).toBeNull()
    expect(doneNotice(new URLSearchParams('mail=sent')).mailFailed).toBe(false)
  })
})

describe('stepOutcome', () => {
  const failure = { fieldErrors: { reason: 'required' }, values: { intent: 'extend', reason: '' } }

  it('goes back to the page with the notice, saying when the letter was not sent', () => {
    expect(stepOutcome('en', 12, { ok: true, done: 'extended', mailed: true })).toEqual({
      kind: 'done',
      location: '/en/legal-admin/requests/12?done=extended',
    })
    expect(stepOutcome('ru', 3, { ok: true, done: 'completed', mailed: false })).toEqual({
      kind: 'done',
      location: '/ru/legal-admin/requests/3?done=completed&mail=failed',
    })
  })

  it('turns a vanished request into a 404 and keeps other refusals with their status', () => {
    expect(stepOutcome('ru', 3, { ok: false, status: 404, failure })).toEqual({ kind: 'not-found' })
    expect(stepOutcome('ru', 3, { ok: false, status: 409, failure })).toEqual({ kind: 'refused', status: 409, failure })
    expect(stepOutcome('ru', 3, { ok: false, status: 400, failure })).toEqual({ kind: 'refused', status: 400, failure })
  })
})
