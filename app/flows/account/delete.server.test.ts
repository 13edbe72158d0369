import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TIMELINE, createTestContentSource } from '~/acceptances/__fixtures__/legal-dataset'
import { currentVersionsForAcceptance, type CurrentVersion } from '~/acceptances/current-versions.server'
import { recordAcceptances, withdrawConsent } from '~/acceptances/ledger.server'
import { users } from '~/identity/schema'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { confirmationFor, confirmationPhrase, consentToWithdraw, withdrawalWording } from './delete.server'

let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>
let ruJan: CurrentVersion[]
let enJan: CurrentVersion[]

const lookupAt = (now: Date) => ({ now, deps: { db: database.db, source: content.source } })
const wordings = { terms: 'terms', privacy: 'privacy', consent: 'consent' }

beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource()
  ruJan = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'ru', lookupAt(TIMELINE.jan))
  enJan = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'en', lookupAt(TIMELINE.jan))
  // Archived now, so the July lookups below find the row rather than create it mid-test.
  await currentVersionsForAcceptance(['consent'], 'ru', lookupAt(TIMELINE.jul))
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

async function account(values: Partial<typeof users.$inferInsert> = {}) {
  const id = `user_${randomUUID()}`
  await database.db.insert(users).values({ id, ...values })
  return id
}

function given(userId: string, documents: CurrentVersion[]) {
  return recordAcceptances(database.db, {
    subject: { userId },
    event: 'register',
    documents,
    wordings,
    ip: null,
    userAgent: null,
    action: { type: 'account', id: userId },
  })
}

describe('confirmationFor', () => {
  it('asks for the password, else the e-mail address, else a word', async () => {
    const email = `nina.${randomUUID()}@mail.example`
    expect(
      await confirmationFor(database.db, await account({ email, emailNormalized: email, passwordHash: 'h' })),
    ).toBe('password')
    expect(await confirmationFor(database.db, await account({ email, emailNormalized: null }))).toBe('phrase')
    const other = `oleg.${randomUUID()}@mail.example`
    expect(await confirmationFor(database.db, await account({ email: other, emailNormalized: other }))).toBe('email')
    expect(await confirmationFor(database.db, await account())).toBe('phrase')
  })

  it('knows no deleted account', async () => {
    const id = await account({ passwordHash: 'h' })
    await database.db.update(users).set({ passwordHash: null, deletedAt: new Date() }).where(eq(users.id, id))
    expect(await confirmationFor(database.db, id)).toBeNull()
    expect(await confirmationFor(database.db, 'no-such-user')).toBeNull()
  })
})

describe('consentToWithdraw', () => {
  it('names the version the person gave, even when a newer one is in force', async () => {
    const id = await account()
    await given(id, ruJan)
    const documents = await consentToWithdraw(database.db, id, 'ru', lookupAt(TIMELINE.jul))
    expect(documents.map((d) => [d.kind, d.locale, d.version])).toEqual([['consent', 'ru', 1]])
    expect(documents[0]!.documentVersionId).toBe(ruJan.find((d) => d.kind === 'consent')!.documentVersionId)
  })

  it('names each language the consent was given in', async () => {
    const id = await account()
    await given(id, ruJan)
    await given(id, enJan)
    const documents = await consentToWithdraw(database.db, id, 'en', lookupAt(TIMELINE.jan))
    expect(documents.map((d) => `${d.locale}/v${d.version}`).sort()).toEqual(['en/v1', 'ru/v1'])
  })

  it('falls back to the version in force when nothing is given', async () => {
    const id = await account()
    await given(id, ruJan)
    await withdrawConsent(database.db, {
      subject: { userId: id },
      documents: ruJan.filter((d) => d.kind === 'consent'),
      wordings,
      ip: null,
      userAgent: null,
      action: { type: 'account', id },
    })
    const documents = await consentToWithdraw(database.db, id, 'ru', lookupAt(TIMELINE.jul))
    expect(documents.map((d) => [d.kind, d.locale, d.version])).toEqual([['consent', 'ru', 2]])
  })
})

describe('wording', () => {
  it('records the confirmation button as the page shows it, in the page’s language', () => {
    expect(withdrawalWording('ru')).toBe('Отозвать согласие и закрыть аккаунт')
    expect(withdrawalWording('en')).toBe('Withdraw consent and close my account')
    expect(confirmationPhrase('ru', 'delete')).toBe('УДАЛИТЬ')
    expect(confirmationPhrase('en', 'withdraw')).toBe('WITHDRAW')
  })
})
