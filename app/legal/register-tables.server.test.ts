import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Locale } from '~/platform/i18n/locales'
import { resetEnvForTests } from '~/platform/env.server'
import { logger } from '~/platform/log.server'
import { COOKIES, PROCESSORS, RETENTION, type CookieDeclaration } from '~/platform/processing-register'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { archiveVersion } from './archive.server'
import { renderPlainText } from './plain-text'
import { RegisterTableError, renderRegisterTable, resolveRegisterTables } from './register-tables.server'
import type { LegalDocument, TableBlock } from '~/content/legal-document'

let testDb: TestDatabase
beforeAll(async () => {
  testDb = await createTestDatabase()
})
afterAll(async () => {
  await testDb?.close()
})
afterEach(() => {
  vi.restoreAllMocks()
})

function policy(locale: Locale, version: number, include?: string[]): LegalDocument {
  return {
    id: `cookies-${locale}-${version}`,
    kind: 'cookies',
    locale,
    version,
    effectiveFrom: '2026-12-01T00:00:00+03:00',
    title: locale === 'ru' ? 'Политика cookie' : 'Cookie Policy',
    changeSummary: null,
    material: false,
    body: [
      {
        _type: 'block',
        _key: 'p',
        style: 'normal',
        markDefs: [],
        children: [{ _type: 'span', text: 'These are our cookies.', marks: [] }],
      },
      { _type: 'registerTable', _key: 'cookies1', table: 'cookies' },
      { _type: 'registerTable', _key: 'procs1', table: 'processors', ...(include ? { include } : {}) },
    ],
  }
}

function tableAt(body: ReturnType<typeof resolveRegisterTables>['body'], index: number): TableBlock {
  const block = body[index]
  if (block?._type !== 'table') throw new Error('not a table')
  return block
}

describe('register tables', () => {
  it('fills the cookie table with every declared cookie, in the document language', () => {
    const en = tableAt(resolveRegisterTables(policy('en', 1)).body, 1)
    const ru = tableAt(resolveRegisterTables(policy('ru', 1)).body, 1)
    expect(en.rows[0]!.cells).toEqual(['Name', 'Category', 'Purpose', 'Lifetime', 'Attributes'])
    expect(ru.rows[0]!.cells[0]).toBe('Название')
    expect(en.rows).toHaveLength(COOKIES.length + 1)
    const guest = en.rows.find((row) => row.cells[0] === 'palitra_guest')!
    expect(guest.cells[1]).toBe('Essential')
    expect(guest.cells[4]).toContain('HttpOnly')
    expect(en.rows.find((row) => row.cells[0]!.startsWith('palitra_oauth_google'))!.cells[4]).toContain(
      'only for /auth/',
    )
    expect(en.register).toEqual({
      table: 'cookies',
      ids: (COOKIES as readonly CookieDeclaration[]).map((c) => c.name),
    })
  })

  it('lists only the outside services a version chooses to disclose', () => {
    const table = tableAt(resolveRegisterTables(policy('en', 1, ['smtp', 'tbank'])).body, 2)
    expect(table.register).toEqual({ table: 'processors', ids: ['smtp', 'tbank'] })
    expect(table.rows.slice(1).map((row) => row.cells[3])).toEqual(['Russia', 'Russia'])
    const all = tableAt(resolveRegisterTables(policy('ru', 1)).body, 2)
    expect(all.rows).toHaveLength(PROCESSORS.length + 1)
    expect(all.rows.find((row) => row.cells[0] === 'OpenAI')!.cells[3]).toBe('США')
  })

  it('refuses a recipients table naming a service the register does not know', () => {
    expect(() =>
      renderRegisterTable({ _type: 'registerTable', _key: 'x', table: 'processors', include: ['nope'] }, 'en'),
    ).toThrow(RegisterTableError)
  })

  it('fills the retention table with every register entry', () => {
    const table = renderRegisterTable({ _type: 'registerTable', _key: 'r', table: 'retention' }, 'en')
    expect(table.rows).toHaveLength(Object.keys(RETENTION).length + 1)
    expect(table.rows.find((row) => row.cells[0] === 'Uploaded photos')!.cells[3]).toMatch(/^30 days/)
  })

  it('the hash covers the rows, and an archived version keeps the rows it showed after the register changes', async () => {
    const source = policy('en', 7, ['smtp'])
    const first = await archiveVersion(testDb.db, source)
    expect(first.conflict).toBe(false)
    expect(first.plainText).toContain('palitra_consent')
    expect(first.plainText).toBe(renderPlainText(resolveRegisterTables(source)))
    const shownLifetime = tableAt(first.body, 1).rows.find((row) => row.cells[0] === 'palitra_consent')!.cells[3]

    // The register changes after the version was archived (without a new version).
    const consent = (COOKIES as readonly CookieDeclaration[]).find((c) => c.name === 'palitra_consent')!
    const original = consent.lifetime.en
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    ;(consent.lifetime as { en: string }).en = '2 years'
    try {
      const again = await archiveVersion(testDb.db, source)
      expect(again.conflict).toBe(true)
      expect(again.sha256).toBe(first.sha256)
      expect(tableAt(again.body, 1).rows.find((row) => row.cells[0] === 'palitra_consent')!.cells[3]).toBe(
        shownLifetime,
      )
      expect(error).toHaveBeenCalledWith(
        expect.objectContaining({ event: 'legal.archive.conflict', usesRegister: true }),
        expect.stringContaining('register of processing'),
      )
    } finally {
      ;(consent.lifetime as { en: string }).en = original
    }
  })
})

describe('the response-times table', () => {
  it('gives each kind of request its period under each law, with the extension rule, in the words the request pages use', () => {
    const en = renderRegisterTable({ _type: 'registerTable', _key: 'q', table: 'requests' }, 'en')
    const row = (name: string) => en.rows.find((r) => r.cells[0] === name)!.cells
    expect(en.rows[0]!.cells).toEqual(['Request', 'Under 152-FZ', 'Under the GDPR'])
    expect(en.rows).toHaveLength(7)
    expect(row('Correcting inaccurate or incomplete data')[1]).toBe('7 working days (152-FZ Art. 20(3), Art. 21(2))')
    expect(row('Demand to stop processing')[1]).toBe(
      '10 working days, once extendable by up to 5 working days with a reasoned notice (152-FZ Art. 21(5.1))',
    )
    expect(row('Withdrawing consent to processing')[2]).toBe('one month (at most 30 days) (GDPR Art. 12(3))')
    const ru = renderRegisterTable({ _type: 'registerTable', _key: 'q', table: 'requests' }, 'ru')
    expect(ru.rows.find((r) => r.cells[0] === 'Исправление неточных или неполных данных')!.cells[1]).toBe(
      '7 рабочих дней (ч. 3 ст. 20, ч. 2 ст. 21 152-ФЗ)',
    )
  })
})

describe('the advance-notice table', () => {
  const saved = { terms: process.env.LEGAL_NOTICE_DAYS_TERMS, other: process.env.LEGAL_NOTICE_DAYS_OTHER }
  function useNoticeDays(terms: string | undefined, other: string | undefined) {
    for (const [key, value] of [
      ['LEGAL_NOTICE_DAYS_TERMS', terms],
      ['LEGAL_NOTICE_DAYS_OTHER', other],
    ] as const) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    resetEnvForTests()
  }
  afterEach(() => useNoticeDays(saved.terms, saved.other))

  const notices = (locale: Locale) =>
    renderRegisterTable({ _type: 'registerTable', _key: 'n', table: 'notices' }, locale)

  it('gives each document its notice period from the settings (defaults 30 and 10 days), and how people are told', () => {
    useNoticeDays(undefined, undefined)
    const en = notices('en')
    expect(en.caption).toBe('Advance notice of material changes to the documents')
    expect(en.register).toEqual({ table: 'notices', ids: ['privacy', 'terms', 'cookies', 'consent'] })
    expect(en.rows[0]!.cells).toEqual(['Document', 'When we tell you', 'How we tell you'])
    const row = (name: string) => en.rows.find((r) => r.cells[0] === name)!.cells
    expect(row('Terms of Service (Public Offer)')[1]).toBe(
      '30 days before the new version takes effect; if the version is published later than that, within an hour of its publication',
    )
    for (const name of ['Privacy Policy', 'Cookie Policy', 'Consent to the Processing of Personal Data']) {
      expect(row(name)[1]).toMatch(/^10 days before the new version takes effect;/)
    }
    expect(row('Privacy Policy')[2]).toMatch(
      /^A notice on your account page, and an e-mail to your account's address if that address is confirmed;/,
    )

    const ru = notices('ru')
    expect(ru.caption).toBe('Предварительное уведомление о существенных изменениях документов')
    expect(ru.rows[0]!.cells).toEqual(['Документ', 'Когда мы сообщаем', 'Как мы сообщаем'])
    expect(ru.rows.find((r) => r.cells[0] === 'Пользовательское соглашение (публичная оферта)')!.cells[1]).toBe(
      'За 30 дней до вступления новой редакции в силу; если редакция опубликована позже, — в течение часа после публикации',
    )
    expect(ru.rows.find((r) => r.cells[0] === 'Политика обработки персональных данных')!.cells[2]).toMatch(
      /письмо на адрес электронной почты аккаунта, если адрес подтверждён/,
    )
  })

  it('follows changed settings, with the right plural in Russian', () => {
    useNoticeDays('21', '1')
    const ru = notices('ru')
    const ruWhen = (kind: number) => ru.rows[kind + 1]!.cells[1]
    expect(ruWhen(1)).toMatch(/^За 21 день до вступления/)
    expect(ruWhen(0)).toMatch(/^За 1 день до вступления/)
    const en = notices('en')
    expect(en.rows[2]!.cells[1]).toMatch(/^21 days before/)
    expect(en.rows[1]!.cells[1]).toMatch(/^1 day before/)

    useNoticeDays('3', '0')
    expect(notices('ru').rows[2]!.cells[1]).toMatch(/^За 3 дня до вступления/)
    expect(notices('en').rows[4]!.cells[1]).toMatch(/^On the day the new version takes effect;/)
    expect(notices('ru').rows[4]!.cells[1]).toMatch(/^В день вступления новой редакции в силу;/)
  })
})
