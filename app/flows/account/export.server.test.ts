import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUserSession } from '~/identity/session.server'
import { TIMELINE, createTestContentSource } from '~/acceptances/__fixtures__/legal-dataset'
import { currentVersionsForAcceptance, type CurrentVersion } from '~/acceptances/current-versions.server'
import { recordAcceptances } from '~/acceptances/ledger.server'
import { cookieConsents } from '~/acceptances/schema'
import { dataSubjectRequestEvents, dataSubjectRequests } from '~/privacy-requests/schema'
import { guests, oauthAccounts, users } from '~/identity/schema'
import { moderationRefusals } from '~/generation/schema'
import { orders, paymentNotifications } from '~/payments/schema'
import { COOKIE_TIMELINE, createCookieContentSource } from '~/cookie-consent/__fixtures__/cookie-dataset'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import {
  AccountGoneError,
  EXPORT_SECTIONS,
  EXPORT_SECTION_KEYS,
  buildPersonalDataExport,
  exportFileName,
  exportResponse,
  type PersonalDataExport,
} from './export.server'
import { orderValues } from '../../../tests/support/orders'

let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>
let ruJan: CurrentVersion[]

beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource()
  ruJan = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'ru', {
    now: TIMELINE.jan,
    deps: { db: database.db, source: content.source },
  })
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

const wordings = { terms: 'I accept the terms', privacy: 'I have read the policy', consent: 'I consent' }

async function person(email: string) {
  const id = `user_${randomUUID()}`
  await database.db.insert(users).values({ id, email, emailNormalized: email, passwordHash: '$argon2id$secret' })
  return id
}

describe('buildPersonalDataExport', () => {
  let userId: string
  let otherId: string
  let guestId: string
  let sessionId: string

  beforeAll(async () => {
    userId = await person(`vera.${randomUUID()}@mail.example`)
    otherId = await person(`gleb.${randomUUID()}@mail.example`)
    guestId = `guest_${randomUUID()}`
    const db = database.db
    await db.insert(guests).values({ id: guestId })
    await recordAcceptances(db, {
      subject: { guestId },
      event: 'guest',
      documents: ruJan.filter((d) => d.kind !== 'consent'),
      wordings,
      ip: '203.0.113.1',
      userAgent: 'guest browser',
      action: { type: 'guest-session', id: guestId },
    })
    await db.update(guests).set({ linkedUserId: userId, linkedAt: new Date() }).where(eq(guests.id, guestId))
    for (const id of [userId, otherId]) {
      await recordAcceptances(db, {
        subject: { userId: id },
        event: 'register',
        documents: ruJan,
        wordings,
        ip: '203.0.113.2',
        userAgent: 'account browser',
        action: { type: 'account', id },
      })
    }
    await db.insert(oauthAccounts).values({ provider: 'yandex', providerUserId: 'ya-42', userId })
    sessionId = (await createUserSession(db, userId, { ip: '203.0.113.3', userAgent: 'phone' })).sessionId
    await createUserSession(db, userId, { ip: '203.0.113.4', userAgent: 'laptop' })
    await createUserSession(db, otherId, { userAgent: 'someone else' })
  })

  it('puts the sections in the order EXPORT_SECTIONS lists, after the format header', async () => {
    const now = new Date('2026-11-21T23:59:59.000Z')
    const file = await buildPersonalDataExport(database.db, { userId, currentSessionId: sessionId, now })
    expect(Object.keys(file)).toEqual(['format', 'formatVersion', 'generatedAt', ...EXPORT_SECTIONS.map((s) => s.key)])
    expect(file).toMatchObject({
      format: 'palitra-personal-data-export',
      formatVersion: 1,
      generatedAt: '2026-11-21T23:59:59.000Z',
    })
    expect(new Set(EXPORT_SECTIONS.map((s) => s.key)).size).toBe(EXPORT_SECTIONS.length)
  })

  it('is described on the export page section by section, in both languages, and nothing more', async () => {
    const file = await buildPersonalDataExport(database.db, { userId, currentSessionId: sessionId })
    const inFile = Object.keys(file).filter((key) => !['format', 'formatVersion', 'generatedAt'].includes(key))
    // The page lists EXPORT_SECTION_KEYS, one `export.<key>` sentence each.
    expect(EXPORT_SECTION_KEYS).toEqual(inFile)
    const pageCopy = new Set(['title', 'lead', 'containsHeading', 'formatHeading', 'format', 'careful', 'download'])
    for (const locale of ['ru', 'en']) {
      const strings = JSON.parse(readFileSync(`locales/${locale}/account-data.json`, 'utf8')).export as Record<
        string,
        string
      >
      const described = Object.keys(strings).filter((key) => !pageCopy.has(key))
      expect(described.sort(), locale).toEqual([...inFile].sort())
      // The format paragraph names the header fields the file starts with.
      expect(strings.format).toContain('formatVersion')
      expect(strings.format).toContain('generatedAt')
    }
  })

  it('holds the profile, own sessions, linked guests and every ledger row, and nobody else’s', async () => {
    const file = await buildPersonalDataExport(database.db, { userId, currentSessionId: sessionId })
    expect(file.profile).toMatchObject({
      userId,
      hasPassword: true,
      signInProviders: [{ provider: 'yandex', providerUserId: 'ya-42', linkedAt: expect.any(String) }],
    })
    expect(JSON.stringify(file)).not.toContain('$argon2id$secret')
    expect(file.sessions.map((s) => [s.userAgent, s.current]).sort()).toEqual([
      ['laptop', false],
      ['phone', true],
    ])
    expect(file.guestSessions).toEqual([expect.objectContaining({ guestId, linkedAt: expect.any(String) })])
    expect(file.acceptances).toHaveLength(5)
    const guestRows = file.acceptances.filter((r) => r.recordedUnder.type === 'guest')
    expect(guestRows.map((r) => r.documentKind).sort()).toEqual(['privacy', 'terms'])
    const terms = file.acceptances.find((r) => r.documentKind === 'terms' && r.recordedUnder.type === 'account')!
    expect(terms).toMatchObject({
      version: 1,
      locale: 'ru',
      contentSha256: ruJan.find((d) => d.kind === 'terms')!.sha256,
      event: 'register',
      state: 'given',
      wording: 'I accept the terms',
      ip: '203.0.113.2',
      userAgent: 'account browser',
      action: { type: 'account', id: userId },
      recordedUnder: { type: 'account', id: userId },
      documentPath: '/ru/terms/v/1',
    })
    expect(JSON.stringify(file)).not.toContain(otherId)
    expect(JSON.stringify(file)).not.toContain('someone else')
  })

  it('refuses a deleted account', async () => {
    const gone = await person(`gone.${randomUUID()}@mail.example`)
    await database.db
      .update(users)
      .set({ email: null, emailNormalized: null, passwordHash: null, deletedAt: new Date() })
      .where(eq(users.id, gone))
    await expect(buildPersonalDataExport(database.db, { userId: gone })).rejects.toBeInstanceOf(AccountGoneError)
  })
})

describe('cookie consents in the export', () => {
  it('lists the consent ids of the account and its guests with their current choice, and their rows', async () => {
    const cookieContent = createCookieContentSource()
    try {
      const [cookies] = await currentVersionsForAcceptance(['cookies'], 'ru', {
        now: COOKIE_TIMELINE.feb,
        deps: { db: database.db, source: cookieContent.source },
      })
      const userId = await person(`mila.${randomUUID()}@mail.example`)
      const strangerId = await person(`oleg.${randomUUID()}@mail.example`)
      const guestId = `guest_${randomUUID()}`
      await database.db.insert(guests).values({ id: guestId, linkedUserId: userId, linkedAt: new Date() })
      const own = `consent_${randomUUID()}`
      const viaGuest = `consent_${randomUUID()}`
      const stranger = `consent_${randomUUID()}`
      await database.db.insert(cookieConsents).values([
        { id: own, userId, createdAt: new Date('2026-02-10T10:00:00Z') },
        { id: viaGuest, guestId, createdAt: new Date('2026-02-11T10:00:00Z') },
        { id: stranger, userId: strangerId },
      ])
      const choose = (consentId: string, scope: string, state: 'given' | 'withdrawn') =>
        recordAcceptances(database.db, {
          subject: { consentId },
          event: 'cookie',
          state,
          scope,
          documents: [cookies!],
          wordings: { cookies: `${scope} ${state}` },
          ip: '203.0.113.20',
          userAgent: 'cookie browser',
          action: { type: 'cookie-choice', id: consentId },
        })
      await choose(own, 'preferences', 'given')
      await choose(own, 'analytics', 'given')
      await new Promise((resolve) => setTimeout(resolve, 5))
      await choose(own, 'analytics', 'withdrawn')
      await choose(viaGuest, 'analytics', 'given')
      await choose(stranger, 'analytics', 'given')

      const file = await buildPersonalDataExport(database.db, { userId })
      expect(file.cookieConsents).toEqual([
        {
          consentId: own,
          linkedTo: { type: 'account', id: userId },
          firstChoiceAt: '2026-02-10T10:00:00.000Z',
          lastChoiceAt: expect.any(String),
          currentChoice: {
            preferences: expect.objectContaining({ state: 'given', policyVersion: cookies!.version, locale: 'ru' }),
            analytics: expect.objectContaining({ state: 'withdrawn', policyVersion: cookies!.version }),
          },
        },
        {
          consentId: viaGuest,
          linkedTo: { type: 'guest', id: guestId },
          firstChoiceAt: '2026-02-11T10:00:00.000Z',
          lastChoiceAt: expect.any(String),
          currentChoice: { preferences: null, analytics: expect.objectContaining({ state: 'given' }) },
        },
      ])
      const cookieRows = file.acceptances.filter((r) => r.event === 'cookie')
      expect(cookieRows).toHaveLength(4)
      expect(cookieRows.every((r) => r.documentKind === 'cookies' && r.contentSha256 === cookies!.sha256)).toBe(true)
      expect(cookieRows.map((r) => r.recordedUnder.type)).toEqual(Array(4).fill('cookie-consent'))
      expect(cookieRows.map((r) => `${r.scope} ${r.state}`).sort()).toEqual([
        'analytics given',
        'analytics given',
        'analytics withdrawn',
        'preferences given',
      ])
      expect(JSON.stringify(file)).not.toContain(stranger)
    } finally {
      cookieContent.cleanup()
    }
  })
})

describe('refused prompts, data-subject requests and bank notifications in the export', () => {
  it('lists the account’s refused prompts, newest first, and nobody else’s', async () => {
    const userId = await person(`nina.${randomUUID()}@mail.example`)
    const strangerId = await person(`ivan.${randomUUID()}@mail.example`)
    const refusal = (owner: string, prompt: string, createdAt: Date) => ({
      owner: `user:${owner}` as const,
      userId: owner,
      prompt,
      category: 'violence',
      ruleId: 'violence-1',
      matched: 'оруж',
      createdAt,
    })
    await database.db
      .insert(moderationRefusals)
      .values([
        refusal(userId, 'старый запрос', new Date('2026-11-01T10:00:00Z')),
        refusal(userId, 'новый запрос', new Date('2026-11-02T10:00:00Z')),
        refusal(strangerId, 'чужой запрос', new Date('2026-11-03T10:00:00Z')),
      ])
    const file = await buildPersonalDataExport(database.db, { userId })
    expect(file.refusedPrompts).toEqual([
      expect.objectContaining({ prompt: 'новый запрос', category: 'violence', refusedAt: '2026-11-02T10:00:00.000Z' }),
      expect.objectContaining({ prompt: 'старый запрос', matched: 'оруж', ruleId: 'violence-1' }),
    ])
    expect(JSON.stringify(file)).not.toContain('чужой запрос')
  })

  it('lists the requests the person sent, with their history, and not requests others could have typed', async () => {
    const email = `olga.${randomUUID()}@mail.example`
    const userId = await person(email)
    const strangerId = await person(`petr.${randomUUID()}@mail.example`)
    const legalId = await person(`legal.${randomUUID()}@mail.example`)
    const guestId = `guest_${randomUUID()}`
    await database.db.insert(guests).values({ id: guestId, linkedUserId: userId, linkedAt: new Date() })
    const received = {
      regime: 'ru' as const,
      status: 'open' as const,
      locale: 'ru' as const,
      receivedAt: new Date('2026-11-10T09:00:00Z'),
      originalDueOn: '2026-11-24',
      dueOn: '2026-11-24',
    }
    const [fromAccount, fromGuest, byEmail, unconfirmed, others] = await database.db
      .insert(dataSubjectRequests)
      .values([
        {
          ...received,
          kind: 'access',
          email,
          userId,
          details: 'Какие данные вы храните?',
          status: 'completed',
          outcome: 'fulfilled',
          completedAt: new Date('2026-11-12T09:00:00Z'),
          completionNote: 'Выгрузка приложена',
          ip: '203.0.113.30',
          createdAt: new Date('2026-11-10T09:00:00Z'),
        },
        {
          ...received,
          kind: 'deletion',
          email: 'guest-reply@mail.example',
          guestId,
          details: 'Удалите историю гостя',
          createdAt: new Date('2026-11-11T09:00:00Z'),
        },
        {
          ...received,
          kind: 'correction',
          email,
          details: 'Исправьте имя',
          createdAt: new Date('2026-11-13T09:00:00Z'),
        },
        {
          kind: 'objection',
          regime: 'gdpr',
          status: 'awaiting-confirmation',
          locale: 'en',
          email,
          details: 'typed by someone else',
          confirmExpiresAt: new Date('2026-11-15T09:00:00Z'),
          createdAt: new Date('2026-11-14T09:00:00Z'),
        },
        { ...received, kind: 'access', email: 'other@mail.example', userId: strangerId, details: 'чужой запрос' },
      ])
      .returning()
    await database.db.insert(dataSubjectRequestEvents).values([
      { requestId: fromAccount!.id, action: 'created', toStatus: 'open', at: new Date('2026-11-10T09:00:00Z') },
      {
        requestId: fromAccount!.id,
        action: 'completed',
        fromStatus: 'open',
        toStatus: 'completed',
        actorUserId: legalId,
        note: 'Выгрузка приложена',
        at: new Date('2026-11-12T09:00:00Z'),
      },
      { requestId: others!.id, action: 'created', toStatus: 'open' },
    ])

    const file = await buildPersonalDataExport(database.db, { userId })
    expect(file.privacyRequests.map((r) => r.number)).toEqual([byEmail!.number, fromGuest!.number, fromAccount!.number])
    expect(file.privacyRequests.map((r) => r.sentFrom)).toEqual(['email', 'guest', 'account'])
    expect(file.privacyRequests[2]).toMatchObject({
      kind: 'access',
      law: 'ru',
      status: 'completed',
      outcome: 'fulfilled',
      replyEmail: email,
      details: 'Какие данные вы храните?',
      ip: '203.0.113.30',
      receivedAt: '2026-11-10T09:00:00.000Z',
      dueOn: '2026-11-24',
      completedAt: '2026-11-12T09:00:00.000Z',
      answer: 'Выгрузка приложена',
      events: [
        {
          action: 'created',
          fromStatus: null,
          toStatus: 'open',
          byLegalTeam: false,
          note: null,
          at: '2026-11-10T09:00:00.000Z',
        },
        {
          action: 'completed',
          fromStatus: 'open',
          toStatus: 'completed',
          byLegalTeam: true,
          note: 'Выгрузка приложена',
          at: '2026-11-12T09:00:00.000Z',
        },
      ],
    })
    const text = JSON.stringify(file)
    expect(text).not.toContain('typed by someone else')
    expect(text).not.toContain(unconfirmed!.id)
    expect(text).not.toContain('чужой запрос')
    expect(text).not.toContain(legalId)
  })

  it('gives each order the bank’s notifications as they are stored (the redacted fields)', async () => {
    const userId = await person(`anna.${randomUUID()}@mail.example`)
    const orderId = randomUUID()
    await database.db.insert(orders).values(
      orderValues({
        id: orderId,
        userId,
        status: 'confirmed',
        paymentId: '7000000042',
        receiptEmail: 'anna@mail.example',
      }),
    )
    const body = { TerminalKey: 'TestTerminal', OrderId: orderId, Status: 'CONFIRMED', Amount: 59_000, Success: true }
    await database.db.insert(paymentNotifications).values([
      {
        orderId,
        paymentId: '7000000042',
        bankStatus: 'AUTHORIZED',
        amountKopecks: 59_000,
        outcome: 'applied',
        body: { ...body, Status: 'AUTHORIZED' },
        receivedAt: new Date('2026-11-20T10:00:00Z'),
      },
      {
        orderId,
        paymentId: '7000000042',
        bankStatus: 'CONFIRMED',
        amountKopecks: 59_000,
        outcome: 'applied',
        body,
        receivedAt: new Date('2026-11-20T10:00:05Z'),
      },
    ])
    const file = await buildPersonalDataExport(database.db, { userId })
    expect(file.payments).toHaveLength(1)
    expect(file.payments[0]!.bankNotifications).toEqual([
      expect.objectContaining({ status: 'AUTHORIZED', receivedAt: '2026-11-20T10:00:00.000Z' }),
      {
        receivedAt: '2026-11-20T10:00:05.000Z',
        status: 'CONFIRMED',
        paymentId: '7000000042',
        amountKopecks: 59_000,
        outcome: 'applied',
        fields: body,
      },
    ])
  })
})

describe('exportResponse', () => {
  it('answers a dated JSON attachment that nothing caches', async () => {
    const document = {
      format: 'palitra-personal-data-export',
      formatVersion: 1,
      generatedAt: '2026-03-05T00:00:01.000Z',
    } as PersonalDataExport
    const response = exportResponse(document, { 'Set-Cookie': 'a=b' })
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="palitra-export-2026-03-05.json"')
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    expect(response.headers.get('Set-Cookie')).toBe('a=b')
    expect(JSON.parse(await response.text())).toEqual(document)
    expect(exportFileName('2027-12-31T23:59:59.999Z')).toBe('palitra-export-2027-12-31.json')
  })
})
