import { randomBytes, randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectVerificationToken } from '~/identity/verification-tokens.server'
import { TIMELINE, createTestContentSource } from '~/acceptances/__fixtures__/legal-dataset'
import { currentVersionsForAcceptance } from '~/acceptances/current-versions.server'
import { recordAcceptances } from '~/acceptances/ledger.server'
import { mailOutbox, type MailOutboxRow } from '~/outbox/schema'
import { orders } from '~/payments/schema'
import { users } from '~/identity/schema'
import type { Locale } from '~/platform/i18n/locales'
import type { MailMessage } from '~/platform/mail/mailer.server'
import { enqueueMail } from '~/outbox/outbox.server'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { deliverAccountMail, renderAccountMail } from './mails.server'
import { orderValues } from '../../../tests/support/orders'

// The mails owed to an account, rendered from the ledger rows recorded at
// the time (the fixture timeline: versions recorded in January are listed
// even though later ones are in force when the mail is made).
let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>
beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource()
})
afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

const BASE = 'https://palitra.example'

async function account(locale: Locale, { verified = false, email = true } = {}) {
  const id = `mail-${randomUUID()}`
  const address = email ? `Person.${randomBytes(3).toString('hex')}@Mail.example` : null
  await database.db.insert(users).values({
    id,
    email: address,
    emailNormalized: address?.toLowerCase() ?? null,
    emailVerifiedAt: verified ? new Date() : null,
    locale,
  })
  return { id, email: address }
}

async function accept(
  userId: string,
  locale: Locale,
  kinds: Array<'terms' | 'privacy' | 'consent'>,
  event: 'register' | 'payment',
  action: { type: string; id: string },
  now: Date,
) {
  const documents = await currentVersionsForAcceptance(kinds, locale, {
    now,
    deps: { db: database.db, source: content.source },
  })
  await database.db.transaction((tx) =>
    recordAcceptances(tx, {
      subject: { userId },
      event,
      documents,
      wordings: { terms: 'T', privacy: 'P', consent: 'C' },
      ip: null,
      userAgent: null,
      action,
    }),
  )
}

async function owed(
  kind: MailOutboxRow['kind'],
  userId: string,
  locale: Locale,
  referenceId: string | null = null,
): Promise<MailOutboxRow> {
  const id = await database.db.transaction((tx) =>
    enqueueMail(tx, { kind, dedupeKey: `${kind}:${randomUUID()}`, userId, referenceId, locale, baseUrl: BASE }),
  )
  const [row] = await database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id!))
  return row!
}

function linksIn(text: string): URL[] {
  return [...text.matchAll(/https?:\/\/\S+/g)].map((m) => new URL(m[0]))
}

describe('the registration mail', () => {
  it('asks to confirm the address and lists the versions accepted then, with links to exactly those', async () => {
    const person = await account('en')
    await accept(
      person.id,
      'en',
      ['terms', 'privacy', 'consent'],
      'register',
      { type: 'account', id: person.id },
      TIMELINE.jan,
    )
    const mail = (await renderAccountMail(database.db, await owed('registration', person.id, 'en')))!
    expect(mail.to).toBe(person.email)
    expect(mail.subject).toBe('Palitra: confirm your e-mail address')

    const links = linksIn(mail.text)
    const confirm = links.find((l) => l.pathname === '/en/verify-email')!
    expect(confirm.origin).toBe(BASE)
    expect(await inspectVerificationToken(database.db, confirm.searchParams.get('token')!)).toMatchObject({
      ok: true,
      userId: person.id,
    })
    expect(mail.text).toContain('works once and for 48 hours')

    // Terms v2 is in force by now; the mail names v1, the version accepted.
    expect(links.map((l) => l.href)).toEqual(
      expect.arrayContaining([`${BASE}/en/terms/v/1`, `${BASE}/en/privacy/v/1`, `${BASE}/en/consent/v/1`]),
    )
    expect(mail.text).not.toContain('/en/terms/v/2')
    expect(mail.text).toContain(
      '• Terms of Service (Public Offer): “terms en v1”, version 1, in force since 1 January 2026',
    )
    expect(mail.text).toContain('• Privacy Policy: “privacy en v1”, version 1, in force since 1 January 2026')
    expect(mail.text).toMatch(/SHA-256 of the text: [0-9a-f]{64}/)
    // Documents in the usual order: terms, privacy, consent.
    const order = ['/en/privacy/v/1', '/en/terms/v/1', '/en/consent/v/1'].map((p) => mail.text.indexOf(p))
    expect(order).toEqual([...order].sort((a, b) => a - b))
    // The time the rows were recorded (now, in this test), in Moscow time.
    expect(mail.text).toMatch(/When you registered on \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} \(Moscow time\)/)
    expect(mail.text).toContain(`${BASE}/en/account/consents`)
  })

  it('is only the receipt, in Russian, when a provider vouched for the address', async () => {
    const person = await account('ru', { verified: true })
    await accept(
      person.id,
      'ru',
      ['terms', 'privacy', 'consent'],
      'register',
      { type: 'account', id: person.id },
      TIMELINE.mar,
    )
    const mail = (await renderAccountMail(database.db, await owed('registration', person.id, 'ru')))!
    expect(mail.subject).toBe('Палитра: ваш аккаунт и принятые документы')
    expect(mail.text).not.toContain('verify-email')
    expect(mail.text).toContain(
      '• Пользовательское соглашение (публичная оферта): «terms ru v2», версия 2, действует с 1 марта 2026 г.',
    )
    expect(linksIn(mail.text).map((l) => l.href)).toEqual(
      expect.arrayContaining([`${BASE}/ru/terms/v/2`, `${BASE}/ru/privacy/v/1`, `${BASE}/ru/consent/v/1`]),
    )
  })

  it('is not sent to an account without an address or a deleted one', async () => {
    const telegram = await account('ru', { email: false })
    expect(await renderAccountMail(database.db, await owed('registration', telegram.id, 'ru'))).toBeNull()
  })
})

describe('a new confirmation link', () => {
  it('is a link only, and nothing once the address is confirmed', async () => {
    const person = await account('ru')
    const mail = (await renderAccountMail(database.db, await owed('verification', person.id, 'ru')))!
    expect(mail.subject).toBe('Палитра: подтвердите адрес электронной почты')
    expect(mail.text).toContain('действует 48 часов')
    expect(linksIn(mail.text).map((l) => l.pathname)).toEqual(['/ru/verify-email'])
    await database.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, person.id))
    expect(await renderAccountMail(database.db, await owed('verification', person.id, 'ru'))).toBeNull()
  })
})

describe('the payment mail', () => {
  async function paidOrder(userId: string, email: string, provider: 'tbank' | 'sandbox' = 'tbank') {
    const id = randomUUID()
    await database.db.insert(orders).values(
      orderValues({
        id,
        userId,
        packId: 'creditPack.optimal',
        packName: 'Оптимальный',
        provider,
        status: 'confirmed',
        bankStatus: 'CONFIRMED',
        receiptEmail: email,
        paidAt: new Date('2026-03-15T09:30:00Z'),
      }),
    )
    return id
  }

  it('confirms the payment and lists the terms version accepted for the order', async () => {
    const person = await account('ru', { verified: true })
    const orderId = await paidOrder(person.id, person.email!)
    // Accepted at registration in January, and again (v2) when paying in March.
    await accept(
      person.id,
      'ru',
      ['terms', 'privacy', 'consent'],
      'register',
      { type: 'account', id: person.id },
      TIMELINE.jan,
    )
    await accept(person.id, 'ru', ['terms'], 'payment', { type: 'order', id: orderId }, TIMELINE.mar)
    const mail = (await renderAccountMail(database.db, await owed('payment', person.id, 'ru', orderId)))!
    expect(mail.to).toBe(person.email)
    expect(mail.subject).toBe(`Палитра: оплата получена (заказ ${orderId})`)
    expect(mail.text).toMatch(
      /оплату 590\s₽ за пакет «Оптимальный» 15 марта 2026 г\. в 12:30 \(по московскому времени\)/,
    )
    expect(mail.text).toContain('начислено 300 кредитов')
    expect(mail.text).toContain('Кассовый чек за эту оплату придёт на этот адрес отдельно')
    const documents = linksIn(mail.text).filter((l) => /\/v\/\d+$/.test(l.pathname))
    expect(documents.map((l) => l.href)).toEqual([`${BASE}/ru/terms/v/2`])
    expect(mail.text).toContain(`${BASE}/ru/account/payments`)
  })

  it('says a sandbox payment was a test', async () => {
    const person = await account('ru', { verified: true })
    const orderId = await paidOrder(person.id, person.email!, 'sandbox')
    const mail = (await renderAccountMail(database.db, await owed('payment', person.id, 'ru', orderId)))!
    expect(mail.text).toContain('тестовый платёж')
    expect(mail.text).not.toContain('Кассовый чек за эту оплату придёт')
  })

  it('never goes to an address that is not confirmed', async () => {
    const person = await account('ru')
    const orderId = await paidOrder(person.id, person.email!)
    expect(await renderAccountMail(database.db, await owed('payment', person.id, 'ru', orderId))).toBeNull()
  })
})

describe('delivery', () => {
  it('sends owed account mail through the outbox', async () => {
    const person = await account('en')
    const row = await owed('verification', person.id, 'en')
    const sent: MailMessage[] = []
    const report = await deliverAccountMail(database.db, { ids: [row.id], send: async (m) => void sent.push(m) })
    expect(report).toEqual({ sent: 1, dropped: 0, retrying: 0, failed: 0 })
    expect(sent.map((m) => m.to)).toEqual([person.email])
  })
})
