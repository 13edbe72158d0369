import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { TIMELINE, createTestContentSource } from '~/acceptances/__fixtures__/legal-dataset'
import { currentVersionsForAcceptance } from '~/acceptances/current-versions.server'
import { recordAcceptances, withdrawConsent } from '~/acceptances/ledger.server'
import { archiveVersion } from '~/legal/archive.server'
import { users } from '~/identity/schema'
import { legalNotices } from '~/notices/schema'
import { dismissNotice, eraseNoticesFor } from '~/notices/notices.server'
import { mailOutbox } from '~/outbox/schema'
import { deliverMail } from '~/outbox/outbox.server'
import type { Locale } from '~/platform/i18n/locales'
import type { MailMessage } from '~/platform/mail/mailer.server'
import { accountMailFinished, renderAccountMail } from '~/flows/account/mails.server'
import { accountNotices, issueDueNotices, noticeDueAt } from './issue.server'

// The fixture timeline: consent ru v1 (January) and v2 (in force from
// 1 July 2026, material). Notices of v2 are due ten days before, on 21 June.

let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>
const SETTINGS = { LEGAL_NOTICE_DAYS_TERMS: 30, LEGAL_NOTICE_DAYS_OTHER: 10 }
const BASE = 'https://palitra.example'
const BEFORE_DUE = new Date('2026-06-20T12:00:00Z')
const DUE = new Date('2026-06-25T12:00:00Z')
const IN_FORCE = new Date('2026-07-02T12:00:00Z')
const disclosedEverywhere = async () => true
const people: Record<string, string> = {}

async function person(name: string, locale: Locale, { verified = true, deleted = false } = {}) {
  const id = `notice-${name}-${randomUUID()}`
  const email = deleted ? null : `${name}.${id}@mail.example`
  await database.db.insert(users).values({
    id,
    email,
    emailNormalized: email,
    emailVerifiedAt: verified && !deleted ? new Date() : null,
    deletedAt: deleted ? new Date() : null,
    locale,
  })
  people[name] = id
  return id
}

async function acceptConsent(userId: string, locale: Locale, at: Date) {
  const documents = await currentVersionsForAcceptance(['consent'], locale, {
    now: at,
    deps: { db: database.db, source: content.source },
  })
  await database.db.transaction((tx) =>
    recordAcceptances(tx, {
      subject: { userId },
      event: 'register',
      documents,
      wordings: { consent: 'I consent' },
      ip: '203.0.113.7',
      userAgent: 'notices test',
      action: { type: 'account', id: userId },
    }),
  )
}

const issue = (now: Date, options: Partial<Parameters<typeof issueDueNotices>[1]> = {}) =>
  issueDueNotices(database.db, { now, settings: SETTINGS, baseUrl: BASE, disclosed: disclosedEverywhere, ...options })

async function noticesOf(userId: string) {
  return database.db.select().from(legalNotices).where(eq(legalNotices.userId, userId))
}

beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource()
  // Told: accepted ru consent v1 (one reads the site in English, one has no confirmed address).
  await acceptConsent(await person('ruReader', 'ru'), 'ru', TIMELINE.jan)
  await acceptConsent(await person('enReader', 'en'), 'ru', TIMELINE.jan)
  await acceptConsent(await person('unconfirmed', 'ru', { verified: false }), 'ru', TIMELINE.jan)
  // Not told: withdrew the consent; accepted only in English; deleted the account; never accepted.
  const withdrew = await person('withdrew', 'ru')
  await acceptConsent(withdrew, 'ru', TIMELINE.jan)
  const consentJan = await currentVersionsForAcceptance(['consent'], 'ru', {
    now: TIMELINE.jan,
    deps: { db: database.db, source: content.source },
  })
  await database.db.transaction((tx) =>
    withdrawConsent(tx, {
      subject: { userId: withdrew },
      documents: consentJan,
      wordings: { consent: 'Withdraw' },
      ip: null,
      userAgent: null,
      action: { type: 'withdrawal', id: withdrew },
    }),
  )
  await acceptConsent(await person('englishOnly', 'en'), 'en', TIMELINE.jan)
  const deleted = await person('deleted', 'ru')
  await acceptConsent(deleted, 'ru', TIMELINE.jan)
  await database.db
    .update(users)
    .set({ deletedAt: new Date(), email: null, emailNormalized: null, emailVerifiedAt: null })
    .where(eq(users.id, deleted))
  await person('never', 'ru')
  // The material version is archived when it is published (the publish webhook).
  await archiveVersion(database.db, (await content.source.getDocument('consent', 'ru', 2))!)
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

describe('issueDueNotices', () => {
  it('knows when notices are due: 30 days before for the terms, 10 for the others', () => {
    expect(noticeDueAt('2026-07-01T00:00:00Z', 'consent', SETTINGS).toISOString()).toBe('2026-06-21T00:00:00.000Z')
    expect(noticeDueAt('2026-07-01T00:00:00Z', 'terms', SETTINGS).toISOString()).toBe('2026-06-01T00:00:00.000Z')
  })

  it('tells nobody before the notices are due', async () => {
    expect(await issue(BEFORE_DUE)).toEqual({ due: 0, waitingForDisclosure: 0, issued: 0 })
  })

  it('waits while the privacy policy in force does not disclose notices', async () => {
    const run = await issue(DUE, { disclosed: async () => false })
    expect(run).toEqual({ due: 1, waitingForDisclosure: 1, issued: 0 })
    expect(await noticesOf(people.ruReader!)).toEqual([])
  })

  it('tells every account that accepted an earlier version in that language, once, and owes each one mail', async () => {
    const run = await issue(DUE, { batchSize: 2 })
    expect(run).toEqual({ due: 1, waitingForDisclosure: 0, issued: 3 })

    const [ru] = await noticesOf(people.ruReader!)
    expect(ru).toMatchObject({ kind: 'consent', locale: 'ru', version: 2, acceptedVersion: 1, noticeLocale: 'ru' })
    expect(ru!.mailStatus).toBe('pending')
    expect((await noticesOf(people.enReader!))[0]).toMatchObject({ locale: 'ru', noticeLocale: 'en' })
    for (const name of ['withdrew', 'englishOnly', 'deleted', 'never']) {
      expect(await noticesOf(people[name]!), name).toEqual([])
    }
    const mail = await database.db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.kind, 'legal-notice'), eq(mailOutbox.userId, people.ruReader!)))
    expect(mail).toHaveLength(1)
    expect(mail[0]).toMatchObject({ referenceId: ru!.id, locale: 'ru', baseUrl: BASE })

    // Every later run, on any instance, tells nobody again.
    const again = await Promise.all([issue(DUE), issue(DUE)])
    expect(again.map((r) => r.issued)).toEqual([0, 0])
    expect(await noticesOf(people.ruReader!)).toHaveLength(1)
  })

  it('sends the e-mail to a confirmed address only, and records what became of each', async () => {
    const sent: MailMessage[] = []
    await deliverMail(database.db, {
      render: renderAccountMail,
      onFinished: accountMailFinished,
      send: async (message) => void sent.push(message),
      limit: 100,
    })
    const ru = sent.find((m) => m.to.startsWith('ruReader.'))
    expect(ru?.subject).toMatch(/1 июля 2026/)
    expect(ru?.text).toContain(`${BASE}/ru/consent/changes?from=1&to=2`)
    expect(ru?.text).toContain('Summary of version 2.')
    expect(sent.find((m) => m.to.startsWith('enReader.'))?.text).toMatch(/Version 2 of the Consent/)
    expect(sent.some((m) => m.to.startsWith('unconfirmed.'))).toBe(false)

    expect((await noticesOf(people.ruReader!))[0]).toMatchObject({ mailStatus: 'sent' })
    expect((await noticesOf(people.unconfirmed!))[0]).toMatchObject({ mailStatus: 'not-sent' })
    expect((await noticesOf(people.unconfirmed!))[0]!.mailFinishedAt).toBeInstanceOf(Date)
  })

  it('shows the notice on the account page until it is dismissed or the version takes effect', async () => {
    const [shown] = await accountNotices(database.db, people.enReader!, DUE)
    expect(shown).toMatchObject({ kind: 'consent', locale: 'ru', version: 2, acceptedVersion: 1 })
    expect(shown!.effectiveFrom).toBe('2026-07-01T00:00:00.000Z')
    expect(await accountNotices(database.db, people.ruReader!, IN_FORCE)).toEqual([])

    expect(await dismissNotice(database.db, people.ruReader!, shown!.id)).toBe(false)
    expect(await dismissNotice(database.db, people.enReader!, shown!.id)).toBe(true)
    expect(await dismissNotice(database.db, people.enReader!, shown!.id)).toBe(false)
    expect(await accountNotices(database.db, people.enReader!, DUE)).toEqual([])
  })

  it('tells nobody once the version is in force', async () => {
    expect(await issue(IN_FORCE)).toEqual({ due: 0, waitingForDisclosure: 0, issued: 0 })
  })

  it('forgets an account’s notices when the account is closed', async () => {
    await eraseNoticesFor(database.db, people.ruReader!)
    expect(await noticesOf(people.ruReader!)).toEqual([])
  })
})
