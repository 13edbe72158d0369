import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../tests/db'
import { acceptances, cookieConsents } from './schema'
import { guests, users } from '~/identity/schema'
import { TIMELINE, createTestContentSource } from './__fixtures__/legal-dataset'
import { currentVersionsForAcceptance, type CurrentVersion } from './current-versions.server'
import {
  LedgerInputError,
  acceptanceHistory,
  latestAcceptedVersions,
  recordAcceptances,
  recordFormAcceptance,
  withdrawConsent,
  type RecordAcceptancesInput,
} from './ledger.server'

let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>
let ruJan: CurrentVersion[]
let enJan: CurrentVersion[]
let ruMar: CurrentVersion[]

const WORDINGS = {
  terms: 'I accept the terms of service',
  privacy: 'I have read the privacy policy',
  consent: 'I consent to the processing of my personal data',
}

beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource()
  const deps = { db: database.db, source: content.source }
  ruJan = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'ru', { now: TIMELINE.jan, deps })
  enJan = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'en', { now: TIMELINE.jan, deps })
  ruMar = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'ru', { now: TIMELINE.mar, deps })
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

async function newUser() {
  const id = `user_${randomUUID()}`
  await database.db.insert(users).values({ id })
  return id
}

async function newGuest(linkedUserId: string | null = null) {
  const id = `guest_${randomUUID()}`
  await database.db.insert(guests).values({ id, linkedUserId, linkedAt: linkedUserId ? new Date() : null })
  return id
}

function input(subject: RecordAcceptancesInput['subject'], documents = ruJan): RecordAcceptancesInput {
  return {
    subject,
    event: 'register',
    documents,
    wordings: WORDINGS,
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (test)',
    action: { type: 'account', id: 'a1' },
  }
}

async function rowCount(where = sql`true`) {
  const result = await database.db.execute(sql`select count(*)::int as n from acceptances where ${where}`)
  return (result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n
}

describe('recordAcceptances', () => {
  it('writes one row per document with the evidence fields', async () => {
    const userId = await newUser()
    const rows = await database.db.transaction((tx) => recordAcceptances(tx, input({ userId })))
    expect(rows).toHaveLength(3)
    const terms = rows.find((r) => r.kind === 'terms')!
    const archivedTerms = ruJan.find((d) => d.kind === 'terms')!
    expect(terms).toMatchObject({
      userId,
      guestId: null,
      consentId: null,
      documentVersionId: archivedTerms.documentVersionId,
      locale: 'ru',
      version: 1,
      contentSha256: archivedTerms.sha256,
      event: 'register',
      state: 'given',
      scope: null,
      wording: WORDINGS.terms,
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (test)',
      actionType: 'account',
      actionId: 'a1',
    })
    expect(Math.abs(terms.recordedAt.getTime() - Date.now())).toBeLessThan(60_000)
  })

  it('leaves nothing behind when the transaction rolls back', async () => {
    const userId = await newUser()
    await expect(
      database.db.transaction(async (tx) => {
        await recordAcceptances(tx, input({ userId }))
        throw new Error('the action failed after recording')
      }),
    ).rejects.toThrow('the action failed')
    expect(await rowCount(sql`user_id = ${userId}`)).toBe(0)
  })

  it.each([
    ['two subjects', { userId: 'u', guestId: 'g' }],
    ['no subject', {}],
    ['an empty id', { userId: '' }],
  ])('refuses %s', async (_name, subject) => {
    const error = await recordAcceptances(database.db, input(subject as never)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LedgerInputError)
    expect((error as LedgerInputError).problem).toBe('subject')
  })

  it('refuses a document without its wording', async () => {
    const userId = await newUser()
    const error = await recordAcceptances(database.db, {
      ...input({ userId }),
      wordings: { terms: WORDINGS.terms, privacy: '  ' },
    }).catch((e: unknown) => e)
    expect((error as LedgerInputError).problem).toBe('wording')
    expect(await rowCount(sql`user_id = ${userId}`)).toBe(0)
  })

  it('refuses a version that does not match its archive row', async () => {
    const userId = await newUser()
    const forged = ruJan.map((d) => (d.kind === 'terms' ? { ...d, sha256: 'f'.repeat(64) } : d))
    const wrongVersion = ruJan.map((d) => (d.kind === 'privacy' ? { ...d, version: 2 } : d))
    const unknownRow = ruJan.map((d) => (d.kind === 'consent' ? { ...d, documentVersionId: randomUUID() } : d))
    for (const documents of [forged, wrongVersion, unknownRow]) {
      const error = await recordAcceptances(database.db, input({ userId }, documents)).catch((e: unknown) => e)
      expect((error as LedgerInputError).problem).toBe('archive-mismatch')
    }
    expect(await rowCount(sql`user_id = ${userId}`)).toBe(0)
  })

  it('refuses no documents, a kind twice, a missing action and a given withdrawal', async () => {
    const userId = await newUser()
    const attempts: Array<[Partial<RecordAcceptancesInput>, string]> = [
      [{ documents: [] }, 'documents'],
      [{ documents: [ruJan[0]!, ruJan[0]!] }, 'documents'],
      [{ action: { type: 'account', id: '' } }, 'action'],
      [{ event: 'withdrawal', state: 'given' }, 'state'],
    ]
    for (const [override, problem] of attempts) {
      const error = await recordAcceptances(database.db, { ...input({ userId }), ...override }).catch((e: unknown) => e)
      expect((error as LedgerInputError).problem).toBe(problem)
    }
  })

  it('refuses a guest that does not exist (the guest id has no foreign key)', async () => {
    const error = await recordAcceptances(database.db, {
      ...input({ guestId: `guest_${randomUUID()}` }),
      event: 'guest',
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LedgerInputError)
    expect((error as LedgerInputError).problem).toBe('subject')
  })

  it('keeps an invalid IP out of the evidence and bounds the user agent', async () => {
    const userId = await newUser()
    const [row] = await recordAcceptances(database.db, {
      ...input({ userId }, ruJan.slice(0, 1)),
      ip: 'not-an-ip',
      userAgent: 'x'.repeat(5000),
    })
    expect(row!.ip).toBeNull()
    expect(row!.userAgent).toHaveLength(1024)
  })
})

describe('the database', () => {
  // Raw SQL, so no application code stands between the statement and the rules.
  const APPEND_ONLY = /append-only/
  let userId: string

  beforeAll(async () => {
    userId = await newUser()
    await recordAcceptances(database.db, input({ userId }))
  })

  it('refuses UPDATE of a ledger row', async () => {
    const error = await captureDatabaseError(
      database.db.execute(sql`update acceptances set wording = 'rewritten' where user_id = ${userId}`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
    expect(error.code).toBe('23001')
  })

  it('refuses turning a given row into a withdrawn one', async () => {
    const error = await captureDatabaseError(
      database.db.execute(sql`update acceptances set state = 'withdrawn' where user_id = ${userId}`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('refuses DELETE', async () => {
    const error = await captureDatabaseError(
      database.db.execute(sql`delete from acceptances where user_id = ${userId}`),
    )
    expect(error.message).toMatch(APPEND_ONLY)
    expect(await rowCount(sql`user_id = ${userId}`)).toBe(3)
  })

  it('keeps the rows of a guest that is deleted, still naming its id', async () => {
    const guestId = await newGuest()
    await recordAcceptances(database.db, { ...input({ guestId }), event: 'guest' })
    await database.db.delete(guests).where(eq(guests.id, guestId))
    expect(await rowCount(sql`guest_id = ${guestId}`)).toBe(3)
    expect(await database.db.select().from(guests).where(eq(guests.id, guestId))).toEqual([])
  })

  it('refuses TRUNCATE', async () => {
    const error = await captureDatabaseError(database.db.execute(sql`truncate acceptances`))
    expect(error.message).toMatch(APPEND_ONLY)
    expect(await rowCount()).toBeGreaterThanOrEqual(3)
  })

  it.each([
    ['two subjects', sql`${'u'}, ${'g'}, null`],
    ['no subject', sql`null, null, null`],
  ])('refuses a row with %s', async (_name, subjects) => {
    const doc = ruJan[0]!
    const error = await captureDatabaseError(
      database.db.execute(sql`
        insert into acceptances
          (user_id, guest_id, consent_id, document_version_id, kind, locale, version, content_sha256,
           event, state, wording, action_type, action_id)
        values
          (${subjects}, ${doc.documentVersionId}, ${doc.kind}, ${doc.locale}, ${doc.version}, ${doc.sha256},
           'register', 'given', 'w', 'account', 'a')
      `),
    )
    expect(error.code).toBe('23514')
    expect(error.constraint).toBe('acceptances_one_subject')
  })
})

describe('acceptanceHistory', () => {
  it('includes, for a user, rows recorded under the guests linked to them, newest first', async () => {
    const userId = await newUser()
    const otherUser = await newUser()
    const linkedGuest = await newGuest(userId)
    const strangerGuest = await newGuest(otherUser)
    const unlinkedGuest = await newGuest()

    await recordAcceptances(database.db, { ...input({ guestId: linkedGuest }, ruJan.slice(0, 2)), event: 'guest' })
    await recordAcceptances(database.db, { ...input({ guestId: strangerGuest }, ruJan.slice(0, 1)), event: 'guest' })
    await recordAcceptances(database.db, { ...input({ guestId: unlinkedGuest }, ruJan.slice(0, 1)), event: 'guest' })
    await recordAcceptances(database.db, input({ userId }))
    await recordAcceptances(database.db, {
      ...input({ userId }, ruMar.slice(0, 1)),
      event: 'reaccept',
      action: { type: 'reaccept', id: 'r1' },
    })

    const history = await acceptanceHistory(database.db, { userId })
    expect(history.map((r) => [r.event, r.kind, r.version])).toEqual([
      ['reaccept', 'terms', 2],
      ['register', 'consent', 1],
      ['register', 'privacy', 1],
      ['register', 'terms', 1],
      ['guest', 'privacy', 1],
      ['guest', 'terms', 1],
    ])
    expect(history[0]!.recordedUnder).toEqual({ userId })
    expect(history.at(-1)!.recordedUnder).toEqual({ guestId: linkedGuest })
    expect(history[0]).toMatchObject({ title: 'terms ru v2', wording: WORDINGS.terms, ip: '203.0.113.7' })
    expect(history[0]!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/)

    const guestHistory = await acceptanceHistory(database.db, { guestId: linkedGuest })
    expect(guestHistory).toHaveLength(2)
    expect(guestHistory.every((r) => 'guestId' in r.recordedUnder)).toBe(true)
  })
})

describe('acceptanceHistory of cookie choices', () => {
  // Cookie choices are recorded under anonymous consent ids; the id is linked
  // to the account or guest that chose. (Terms stand in for the cookie policy
  // here: the ledger does not care which kind a cookie row names.)
  async function consentId(link: { userId?: string; guestId?: string } = {}) {
    const id = `anon_${randomUUID()}`
    await database.db.insert(cookieConsents).values({ id, userId: link.userId ?? null, guestId: link.guestId ?? null })
    return id
  }
  const cookieRow = (id: string, scope: string) =>
    recordAcceptances(database.db, {
      ...input({ consentId: id }, ruJan.slice(0, 1)),
      event: 'cookie',
      scope,
      action: { type: 'cookie-choice', id },
    })

  it('includes for a user the consent ids linked to them or to their guests, and nobody else’s', async () => {
    const userId = await newUser()
    const otherUser = await newUser()
    const linkedGuest = await newGuest(userId)
    const ownId = await consentId({ userId })
    const viaGuest = await consentId({ guestId: linkedGuest })
    const stranger = await consentId({ userId: otherUser })
    const anonymous = await consentId()
    await cookieRow(ownId, 'preferences')
    await cookieRow(viaGuest, 'analytics')
    await cookieRow(stranger, 'analytics')
    await cookieRow(anonymous, 'analytics')

    const history = await acceptanceHistory(database.db, { userId })
    expect(
      history.map((r) => r.recordedUnder).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual(
      [{ consentId: ownId }, { consentId: viaGuest }].sort((a, b) =>
        JSON.stringify(a).localeCompare(JSON.stringify(b)),
      ),
    )
    expect(history.map((r) => r.scope).sort()).toEqual(['analytics', 'preferences'])
    expect(history.every((r) => r.event === 'cookie')).toBe(true)

    const guestHistory = await acceptanceHistory(database.db, { guestId: linkedGuest })
    expect(guestHistory.map((r) => r.recordedUnder)).toEqual([{ consentId: viaGuest }])
    expect(await acceptanceHistory(database.db, { consentId: anonymous })).toHaveLength(1)
    expect((await acceptanceHistory(database.db, { userId: otherUser })).map((r) => r.recordedUnder)).toEqual([
      { consentId: stranger },
    ])
  })

  it('counts a linked consent id’s choices among the user’s latest versions, per scope', async () => {
    const userId = await newUser()
    const id = await consentId({ userId })
    await cookieRow(id, 'analytics')
    const given = await latestAcceptedVersions(database.db, { userId })
    expect(given).toEqual([expect.objectContaining({ kind: 'terms', scope: 'analytics' })])
  })
})

describe('latestAcceptedVersions and withdrawConsent', () => {
  it('gives the highest version per kind and locale, and a withdrawal cancels the kind in every locale', async () => {
    const userId = await newUser()
    await recordAcceptances(database.db, input({ userId }))
    await recordAcceptances(database.db, { ...input({ userId }, ruMar.slice(0, 1)), event: 'reaccept' })
    await recordAcceptances(database.db, { ...input({ userId }, enJan), event: 'reaccept' })

    const before = await latestAcceptedVersions(database.db, { userId })
    expect(before.map((a) => `${a.kind}/${a.locale}/v${a.version}`)).toEqual([
      'consent/en/v1',
      'consent/ru/v1',
      'privacy/en/v1',
      'privacy/ru/v1',
      'terms/en/v1',
      'terms/ru/v2',
    ])

    const withdrawn = await withdrawConsent(database.db, {
      ...input(
        { userId },
        enJan.filter((d) => d.kind === 'consent'),
      ),
      action: { type: 'withdrawal', id: 'w1' },
    })
    expect(withdrawn[0]).toMatchObject({ event: 'withdrawal', state: 'withdrawn', kind: 'consent', locale: 'en' })

    const after = await latestAcceptedVersions(database.db, { userId })
    expect(after.some((a) => a.kind === 'consent')).toBe(false)
    expect(after).toHaveLength(4)

    // Giving consent again after the withdrawal counts again.
    await recordAcceptances(database.db, {
      ...input(
        { userId },
        ruJan.filter((d) => d.kind === 'consent'),
      ),
      event: 'reaccept',
    })
    const again = await latestAcceptedVersions(database.db, { userId })
    expect(again.filter((a) => a.kind === 'consent').map((a) => a.locale)).toEqual(['ru'])
  })

  it('counts acceptances recorded as a linked guest', async () => {
    const userId = await newUser()
    const guestId = await newGuest()
    await recordAcceptances(database.db, { ...input({ guestId }), event: 'guest' })
    expect(await latestAcceptedVersions(database.db, { userId })).toEqual([])
    await database.db.update(guests).set({ linkedUserId: userId }).where(eq(guests.id, guestId))
    expect(await latestAcceptedVersions(database.db, { userId })).toHaveLength(3)
  })

  it('cancels only the scope a scoped withdrawal names', async () => {
    const consentId = `anon_${randomUUID()}`
    const terms = ruJan.slice(0, 1)
    const cookie = (scope: string, state: 'given' | 'withdrawn') =>
      recordAcceptances(database.db, {
        ...input({ consentId }, terms),
        event: 'cookie',
        state,
        scope,
        action: { type: 'cookie-banner', id: consentId },
      })
    await cookie('analytics', 'given')
    await cookie('preferences', 'given')
    await cookie('analytics', 'withdrawn')
    const given = await latestAcceptedVersions(database.db, { consentId })
    expect(given.map((a) => a.scope)).toEqual(['preferences'])
    expect(await database.db.select().from(acceptances).where(eq(acceptances.consentId, consentId))).toHaveLength(3)
  })
})

describe('recordFormAcceptance', () => {
  it('records each checkbox label as the page in that language rendered it, with the request evidence', async () => {
    for (const [locale, documents] of [
      ['en', enJan],
      ['ru', ruJan],
    ] as const) {
      const userId = await newUser()
      const rows = await database.db.transaction((tx) =>
        recordFormAcceptance(tx, {
          subject: { userId },
          event: 'register',
          documents,
          locale,
          evidence: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)' },
          action: { type: 'account', id: userId },
        }),
      )
      expect(rows).toHaveLength(3)
      const terms = documents.find((d) => d.kind === 'terms')!
      const expected =
        locale === 'en'
          ? `I accept “${terms.title}” (version ${terms.version})`
          : `Я принимаю условия документа «${terms.title}» (версия ${terms.version})`
      expect(rows.find((r) => r.kind === 'terms')!.wording).toBe(expected)
      expect(rows[0]).toMatchObject({ ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)', event: 'register' })
    }
  })
})
