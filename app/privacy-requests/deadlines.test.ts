import { describe, expect, it } from 'vitest'
import { REQUEST_KINDS, REQUEST_REGIMES } from './schema'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { dueText, replyPeriodText } from './deadline-text'
import { deadlineRule, extendableKinds, REQUEST_DEADLINES } from './deadlines'

describe('REQUEST_DEADLINES', () => {
  it('has a rule with a legal basis for every kind under every law, and nothing else', () => {
    expect(Object.keys(REQUEST_DEADLINES).sort()).toEqual([...REQUEST_REGIMES].sort())
    for (const regime of REQUEST_REGIMES) {
      expect(Object.keys(REQUEST_DEADLINES[regime]).sort()).toEqual([...REQUEST_KINDS].sort())
      for (const kind of REQUEST_KINDS) {
        expect(deadlineRule(regime, kind).basis.ru).not.toBe('')
        expect(deadlineRule(regime, kind).basis.en).not.toBe('')
      }
    }
  })

  it('gives 152-FZ corrections and deletions 7 working days, the rest 10, and the extension to access, copies and objections', () => {
    const ru = Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, deadlineRule('ru', kind).reply]))
    expect(ru).toEqual({
      access: { workingDays: 10 },
      portability: { workingDays: 10 },
      correction: { workingDays: 7 },
      deletion: { workingDays: 7 },
      objection: { workingDays: 10 },
      withdrawal: { workingDays: 10 },
    })
    expect(extendableKinds('ru').sort()).toEqual(['access', 'objection', 'portability'])
    for (const kind of extendableKinds('ru')) expect(deadlineRule('ru', kind).extension).toEqual({ workingDays: 5 })
  })

  it('gives every GDPR request one month (at most 30 days), with no extension offered', () => {
    for (const kind of REQUEST_KINDS) {
      expect(deadlineRule('gdpr', kind)).toMatchObject({ reply: { months: 1, atMostDays: 30 }, extension: null })
    }
    expect(extendableKinds('gdpr')).toEqual([])
  })

  it('is plain data: it survives a JSON round trip unchanged (the register of processing holds it)', () => {
    expect(JSON.parse(JSON.stringify(REQUEST_DEADLINES))).toEqual(REQUEST_DEADLINES)
  })
})

describe('the periods in words', () => {
  const ru = getFixedT('ru', 'privacy-request')
  const en = getFixedT('en', 'privacy-request')

  it('names each period with its extension, in both languages', () => {
    expect(replyPeriodText(ru, 'ru', 'correction')).toBe('7 рабочих дней')
    expect(replyPeriodText(ru, 'ru', 'access')).toBe(
      '10 рабочих дней, один раз может быть продлён не более чем на 5 рабочих дней с мотивированным уведомлением',
    )
    expect(replyPeriodText(ru, 'gdpr', 'deletion')).toBe('1 месяц (не более 30 дней)')
    expect(replyPeriodText(en, 'ru', 'deletion')).toBe('7 working days')
    expect(replyPeriodText(en, 'ru', 'objection')).toBe(
      '10 working days, once extendable by up to 5 working days with a reasoned notice',
    )
    expect(replyPeriodText(en, 'gdpr', 'access')).toBe('one month (at most 30 days)')
  })

  it('promises the extension in the due-date sentence only where the law allows one', () => {
    expect(dueText(en, 'ru', 'access', '19 January 2027')).toBe(
      'By law we reply by 19 January 2027. If we need more time, we may extend this once by up to 5 working days, and will tell you why before this date.',
    )
    expect(dueText(en, 'ru', 'correction', '14 January 2027')).toBe('By law we reply by 14 January 2027.')
    expect(dueText(ru, 'ru', 'withdrawal', '19 января 2027 г.')).toBe(
      'По закону мы ответим до 19 января 2027 г. включительно.',
    )
    expect(dueText(en, 'gdpr', 'access', '24 January 2027')).toBe('We reply by 24 January 2027.')
  })
})
