import { createHash, randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { guests, users } from '~/identity/schema'
import { guestLinksRelation, liveAccountsRelation } from '~/identity/index.server'
import { legalDocumentVersions } from '~/legal/schema'
import type { DocumentKind } from '~/platform/document-kinds'
import type { Locale } from '~/platform/i18n/locales'
import { accountsHoldingEarlierVersion, countAccountsHoldingEarlierVersion } from './standing.server'
import { acceptances } from './schema'

// Real ledger rows on PGlite (or PostgreSQL under test:pg): who a new version
// of the Russian terms would ask again.

let database: TestDatabase
const versionIds = new Map<string, { id: string; sha256: string }>()
let clock = Date.parse('2026-01-01T00:00:00Z')
const tick = () => new Date((clock += 60_000))

async function archived(kind: DocumentKind, locale: Locale, version: number) {
  const key = `${kind}/${locale}/${version}`
  const known = versionIds.get(key)
  if (known) return known
  const plainText = `${kind} ${locale} ${version}`
  const sha256 = createHash('sha256').update(plainText).digest('hex')
  const [row] = await database.db
    .insert(legalDocumentVersions)
    .values({
      kind,
      locale,
      version,
      effectiveFrom: new Date('2026-01-01T00:00:00Z'),
      title: key,
      body: [],
      plainText,
      sha256,
      sourceDocumentId: key,
    })
    .returning()
  const value = { id: row!.id, sha256 }
  versionIds.set(key, value)
  return value
}

type Subject = { userId: string } | { guestId: string } | { consentId: string }

async function row(
  subject: Subject,
  kind: DocumentKind,
  locale: Locale,
  version: number,
  state: 'given' | 'withdrawn' = 'given',
) {
  const document = await archived(kind, locale, version)
  await database.db.insert(acceptances).values({
    ...subject,
    documentVersionId: document.id,
    kind,
    locale,
    version,
    contentSha256: document.sha256,
    event: state === 'given' ? 'register' : 'withdrawal',
    state,
    wording: 'I accept',
    recordedAt: tick(),
    actionType: 'account',
    actionId: 'test',
  })
}

async function account(locale: Locale = 'ru', deleted = false) {
  const id = `user_${randomUUID()}`
  await database.db.insert(users).values({
    id,
    locale,
    email: deleted ? null : `${id}@mail.example`,
    emailNormalized: deleted ? null : `${id}@mail.example`,
    deletedAt: deleted ? new Date() : null,
  })
  return id
}

const count = (kind: DocumentKind, locale: Locale, version: number) =>
  countAccountsHoldingEarlierVersion(
    database.db,
    { kind, locale, version },
    { accounts: liveAccountsRelation(), guestLinks: guestLinksRelation() },
  )

beforeAll(async () => {
  database = await createTestDatabase()
  // 1: accepted ru terms v1.               → behind v3
  await row({ userId: await account() }, 'terms', 'ru', 1)
  // 2: accepted ru v1, later ru v2.        → behind v3, not behind v2
  const two = await account()
  await row({ userId: two }, 'terms', 'ru', 1)
  await row({ userId: two }, 'terms', 'ru', 2)
  // 3: accepted ru v3 already.             → not behind v3
  await row({ userId: await account() }, 'terms', 'ru', 3)
  // 4: accepted only the English terms.   → judged in English, not counted for ru
  await row({ userId: await account('en') }, 'terms', 'en', 1)
  // 5: a deleted account that accepted v1. → not counted
  await row({ userId: await account('ru', true) }, 'terms', 'ru', 1)
  // 6: accepted as a guest, the guest linked to the account since. → behind v3
  const six = await account()
  const guestId = `guest_${randomUUID()}`
  await database.db.insert(guests).values({ id: guestId, linkedUserId: six, linkedAt: new Date() })
  await row({ guestId }, 'terms', 'ru', 2)
  // 7: a guest never linked to an account. → not an account
  const lonelyGuest = `guest_${randomUUID()}`
  await database.db.insert(guests).values({ id: lonelyGuest })
  await row({ guestId: lonelyGuest }, 'terms', 'ru', 1)
  // 8: accepted ru v1, then withdrew the terms. → asked already, not counted
  const eight = await account()
  await row({ userId: eight }, 'terms', 'ru', 1)
  await row({ userId: eight }, 'terms', 'ru', 1, 'withdrawn')
  // 9: accepted only the privacy policy.   → not counted for the terms
  await row({ userId: await account() }, 'privacy', 'ru', 1)
  // 10: an English-language account that accepted the Russian terms v2. → counted for ru: the locale of the acceptance decides
  await row({ userId: await account('en') }, 'terms', 'ru', 2)
  // 11: withdrew, then accepted v2 again. → behind v3
  const eleven = await account()
  await row({ userId: eleven }, 'terms', 'ru', 1)
  await row({ userId: eleven }, 'terms', 'ru', 1, 'withdrawn')
  await row({ userId: eleven }, 'terms', 'ru', 2)
  // An anonymous cookie choice: never an account.
  await row({ consentId: 'consent-x' }, 'cookies', 'ru', 1)
})

afterAll(async () => {
  await database.close()
})

describe('accounts a new version would ask again', () => {
  it('counts live accounts whose standing acceptance in that language is an earlier version', async () => {
    // Accounts 1, 2, 6, 10 and 11.
    expect(await count('terms', 'ru', 3)).toBe(5)
    // Only account 1 is below version 2.
    expect(await count('terms', 'ru', 2)).toBe(1)
    expect(await count('terms', 'ru', 1)).toBe(0)
    // Everyone who stands on the Russian terms is below a version 4: accounts 1, 2, 3, 6, 10, 11.
    expect(await count('terms', 'ru', 4)).toBe(6)
  })

  it('judges each language on its own', async () => {
    expect(await count('terms', 'en', 2)).toBe(1)
    expect(await count('privacy', 'ru', 2)).toBe(1)
    expect(await count('privacy', 'en', 2)).toBe(0)
  })

  it('counts no account where nothing was accepted', async () => {
    expect(await count('consent', 'ru', 5)).toBe(0)
    expect(await count('cookies', 'ru', 2)).toBe(0)
  })
})

describe('the accounts themselves', () => {
  const relations = () => ({ accounts: liveAccountsRelation(), guestLinks: guestLinksRelation() })

  it('lists exactly the accounts counted, with the version each holds and its language, in pages', async () => {
    const target = { kind: 'terms' as const, locale: 'ru' as const, version: 3 }
    const first = await accountsHoldingEarlierVersion(database.db, target, relations(), { limit: 3 })
    const rest = await accountsHoldingEarlierVersion(database.db, target, relations(), {
      after: first.at(-1)!.userId,
      limit: 10,
    })
    const all = [...first, ...rest]
    expect(all).toHaveLength(await count('terms', 'ru', 3))
    expect(new Set(all.map((a) => a.userId)).size).toBe(all.length)
    // Account 1 holds version 1; accounts 2, 6, 10 and 11 hold version 2.
    expect(all.map((a) => a.acceptedVersion).sort()).toEqual([1, 2, 2, 2, 2])
    expect(all.filter((a) => a.accountLocale === 'en')).toHaveLength(1)
  })

  it('leaves out the accounts the caller names', async () => {
    const target = { kind: 'terms' as const, locale: 'ru' as const, version: 2 }
    const [only] = await accountsHoldingEarlierVersion(database.db, target, relations(), { limit: 10 })
    expect(only).toBeDefined()
    const without = await accountsHoldingEarlierVersion(
      database.db,
      target,
      { ...relations(), exclude: sql`select ${only!.userId}::text` },
      { limit: 10 },
    )
    expect(without).toEqual([])
  })
})
