import { randomUUID } from 'node:crypto'
import { eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureDatabaseError, createTestDatabase, type TestDatabase } from '../../tests/db'
import { acceptances, type NewAcceptanceRow, cookieConsents } from './schema'
import { guestDeletions, guests, users } from '~/identity/schema'
import { legalDocumentVersions } from '~/legal/schema'
import { deleteAccountData } from '~/flows/account/erase.server'
import { deleteInactiveGuests } from '~/flows/retention/inactive-guests.server'
import { memoryStorage } from '../../tests/support/generation'
import { deleteExpiredAcceptances, deleteExpiredCookieChoices } from './retention.server'

// Runs on PGlite and, under `npm run test:pg`, on PostgreSQL. The database's
// guard compares against its own clock (now()), so the rows here are dated in
// the real past and the jobs run with the real time.
const DAY = 24 * 60 * 60 * 1000
const YEAR = 365.25 * DAY
const yearsAgo = (years: number) => new Date(Date.now() - years * YEAR)

let database: TestDatabase
let termsVersionId: string
let cookiesVersionId: string

async function documentVersion(kind: 'terms' | 'cookies') {
  const [row] = await database.db
    .insert(legalDocumentVersions)
    .values({
      kind,
      locale: 'ru',
      version: 1,
      effectiveFrom: new Date('2019-01-01T00:00:00Z'),
      title: kind,
      body: [
        {
          _type: 'block',
          _key: 'a',
          style: 'normal',
          markDefs: [],
          children: [{ _type: 'span', text: kind, marks: [] }],
        },
      ],
      plainText: kind,
      sha256: (kind === 'terms' ? 'a' : 'b').repeat(64),
      sourceDocumentId: `${kind}-ru-1`,
    })
    .returning()
  return row!.id
}

beforeAll(async () => {
  database = await createTestDatabase()
  termsVersionId = await documentVersion('terms')
  cookiesVersionId = await documentVersion('cookies')
})

afterAll(async () => {
  await database?.close()
})

/** An account; `deletedYearsAgo` closes it that long ago, as deleteAccountData leaves it. */
async function account(deletedYearsAgo?: number) {
  const id = `user_${randomUUID()}`
  await database.db
    .insert(users)
    .values(
      deletedYearsAgo === undefined
        ? { id, email: `${id}@mail.example`, emailNormalized: `${id}@mail.example` }
        : { id, createdAt: yearsAgo(deletedYearsAgo + 1), deletedAt: yearsAgo(deletedYearsAgo) },
    )
  return id
}

async function guest(linkedUserId?: string) {
  const id = `guest_${randomUUID()}`
  await database.db.insert(guests).values({ id, linkedUserId, linkedAt: linkedUserId ? yearsAgo(6) : null })
  return id
}

async function consentId(link: { userId?: string; guestId?: string } = {}, lastChoiceYearsAgo = 5) {
  const id = `consent_${randomUUID()}`
  await database.db
    .insert(cookieConsents)
    .values({ id, ...link, createdAt: yearsAgo(lastChoiceYearsAgo), lastChoiceAt: yearsAgo(lastChoiceYearsAgo) })
  return id
}

/** One ledger row recorded `recordedYearsAgo` years ago under the subject. */
async function row(
  subject: { userId: string } | { guestId: string } | { consentId: string },
  recordedYearsAgo: number,
): Promise<string> {
  const cookie = 'consentId' in subject
  const values: NewAcceptanceRow = {
    ...subject,
    documentVersionId: cookie ? cookiesVersionId : termsVersionId,
    kind: cookie ? 'cookies' : 'terms',
    locale: 'ru',
    version: 1,
    contentSha256: (cookie ? 'b' : 'a').repeat(64),
    event: cookie ? 'cookie' : 'register',
    state: 'given',
    scope: cookie ? 'analytics' : null,
    wording: 'Принимаю',
    recordedAt: yearsAgo(recordedYearsAgo),
    ip: null,
    userAgent: null,
    actionType: cookie ? 'cookie-choice' : 'account',
    actionId: Object.values(subject)[0]!,
  }
  const [inserted] = await database.db.insert(acceptances).values(values).returning({ id: acceptances.id })
  return inserted!.id
}

async function remaining(ids: string[]): Promise<string[]> {
  const rows = await database.db.select({ id: acceptances.id }).from(acceptances).where(inArray(acceptances.id, ids))
  return rows.map((r) => r.id)
}

/** A raw DELETE in a transaction that declares the deletion cut-off (or not, when null). */
function deleteWith(cutoff: Date | null, id: string) {
  return database.db.transaction(async (tx) => {
    if (cutoff) {
      await tx.execute(sql`select set_config('palitra.ledger_deletion_cutoff', ${cutoff.toISOString()}, true)`)
    }
    await tx.execute(sql`delete from acceptances where id = ${id}`)
  })
}

const APPEND_ONLY = /append-only/

describe('the ledger deletion path in the database', () => {
  it('refuses a DELETE without the declaration, even of a row long due', async () => {
    const id = await row({ userId: await account(5) }, 6)
    const error = await captureDatabaseError(database.db.execute(sql`delete from acceptances where id = ${id}`))
    expect(error.message).toMatch(APPEND_ONLY)
    expect(await remaining([id])).toEqual([id])
  })

  it('refuses a cut-off less than 3 years old by the database clock', async () => {
    const id = await row({ userId: await account(5) }, 6)
    const error = await captureDatabaseError(deleteWith(yearsAgo(2.9), id))
    expect(error.message).toMatch(APPEND_ONLY)
    expect(await remaining([id])).toEqual([id])
  })

  it('refuses rows of an account that still exists, however old', async () => {
    const id = await row({ userId: await account() }, 8)
    const error = await captureDatabaseError(deleteWith(yearsAgo(3.1), id))
    expect(error.message).toMatch(APPEND_ONLY)
    expect(await remaining([id])).toEqual([id])
  })

  it('refuses rows of an account deleted after the cut-off', async () => {
    const id = await row({ userId: await account(2) }, 6)
    const error = await captureDatabaseError(deleteWith(yearsAgo(3.1), id))
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('refuses the IP erasure setting as a deletion declaration', async () => {
    const id = await row({ userId: await account(5) }, 6)
    const error = await captureDatabaseError(
      database.db.transaction(async (tx) => {
        await tx.execute(
          sql`select set_config('palitra.ledger_retention_cutoff', ${yearsAgo(3.1).toISOString()}, true)`,
        )
        await tx.execute(sql`delete from acceptances where id = ${id}`)
      }),
    )
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('still refuses UPDATE and TRUNCATE inside a deletion transaction', async () => {
    const id = await row({ userId: await account(5) }, 6)
    const update = await captureDatabaseError(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('palitra.ledger_deletion_cutoff', ${yearsAgo(3.1).toISOString()}, true)`)
        await tx.execute(sql`update acceptances set wording = 'changed' where id = ${id}`)
      }),
    )
    expect(update.message).toMatch(APPEND_ONLY)
    const truncate = await captureDatabaseError(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('palitra.ledger_deletion_cutoff', ${yearsAgo(3.1).toISOString()}, true)`)
        await tx.execute(sql`truncate acceptances`)
      }),
    )
    expect(truncate.message).toMatch(APPEND_ONLY)
  })

  it('refuses rows of a guest that still exists, or whose deletion time is unknown or too recent', async () => {
    const living = await row({ guestId: await guest() }, 6)
    const unknown = await row({ guestId: `guest_${randomUUID()}` }, 6)
    const recentGuest = `guest_${randomUUID()}`
    await database.db.insert(guestDeletions).values({ guestId: recentGuest, deletedAt: yearsAgo(2) })
    const recent = await row({ guestId: recentGuest }, 6)
    for (const id of [living, unknown, recent]) {
      expect((await captureDatabaseError(deleteWith(yearsAgo(3.1), id))).message).toMatch(APPEND_ONLY)
    }
  })

  it('ignores a deletion time recorded for a guest that still exists', async () => {
    const id = await guest()
    await database.db.insert(guestDeletions).values({ guestId: id, deletedAt: yearsAgo(5) })
    const rowId = await row({ guestId: id }, 6)
    expect((await captureDatabaseError(deleteWith(yearsAgo(3.1), rowId))).message).toMatch(APPEND_ONLY)
  })

  it('refuses an anonymous cookie choice recorded after the cut-off', async () => {
    const id = await row({ consentId: await consentId({}, 2) }, 2)
    const error = await captureDatabaseError(deleteWith(yearsAgo(3.1), id))
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('lets a declared cut-off delete a row whose account ended before it, and no other row', async () => {
    const due = await row({ userId: await account(3.5) }, 6)
    await deleteWith(yearsAgo(3.1), due)
    expect(await remaining([due])).toEqual([])
  })
})

describe('deleteExpiredAcceptances and deleteExpiredCookieChoices', () => {
  it('delete exactly the rows whose period has run, and the consent ids left empty', async () => {
    const gone = await account(3.5)
    const goneGuest = await guest(gone)
    const recent = await account(2.5)
    const living = await account()
    const livingGuest = await guest(living)
    const lonelyGuest = await guest()

    const anonymousOld = await consentId({}, 3.5)
    const anonymousMixed = await consentId({}, 1)
    const ofGone = await consentId({ userId: gone }, 3.6)
    const ofGoneGuest = await consentId({ guestId: goneGuest }, 3.6)
    const ofRecent = await consentId({ userId: recent }, 3.6)
    const ofLiving = await consentId({ userId: living }, 5)
    const ofLonelyGuest = await consentId({ guestId: lonelyGuest }, 5)
    const unknownConsent = `consent_${randomUUID()}` // no cookie_consents row: linked to nobody

    const expected = {
      deleted: [
        await row({ userId: gone }, 7),
        await row({ userId: gone }, 3.6),
        await row({ guestId: goneGuest }, 6),
        await row({ consentId: anonymousOld }, 3.5),
        await row({ consentId: anonymousMixed }, 3.2),
        await row({ consentId: ofGone }, 3.6),
        await row({ consentId: ofGoneGuest }, 3.6),
        await row({ consentId: unknownConsent }, 4),
      ],
      kept: [
        await row({ userId: recent }, 7),
        await row({ consentId: ofRecent }, 3.6),
        await row({ userId: living }, 9),
        await row({ guestId: livingGuest }, 9),
        await row({ consentId: ofLiving }, 5),
        await row({ guestId: lonelyGuest }, 5),
        await row({ consentId: ofLonelyGuest }, 5),
        await row({ consentId: anonymousMixed }, 2.8),
        await row({ consentId: anonymousMixed }, 1),
      ],
    }
    const all = [...expected.deleted, ...expected.kept]

    const now = new Date()
    const accountRows = await deleteExpiredAcceptances(database.db, now)
    const cookieRows = await deleteExpiredCookieChoices(database.db, now)
    expect((await remaining(all)).sort()).toEqual([...expected.kept].sort())
    // Other tests of this file may have left due rows too: at least these.
    expect(accountRows).toBeGreaterThanOrEqual(3)
    expect(cookieRows.choices).toBeGreaterThanOrEqual(5)

    const ids = await database.db
      .select({ id: cookieConsents.id })
      .from(cookieConsents)
      .where(
        inArray(cookieConsents.id, [
          anonymousOld,
          anonymousMixed,
          ofGone,
          ofGoneGuest,
          ofRecent,
          ofLiving,
          ofLonelyGuest,
        ]),
      )
    expect(ids.map((c) => c.id).sort()).toEqual([anonymousMixed, ofRecent, ofLiving, ofLonelyGuest].sort())

    // A second run finds nothing left.
    expect(await remaining(expected.kept)).toHaveLength(expected.kept.length)
    const again = await deleteExpiredAcceptances(database.db, now)
    const againCookies = await deleteExpiredCookieChoices(database.db, now)
    expect({ again, againCookies }).toEqual({ again: 0, againCookies: { choices: 0, consentIds: 0 } })
  })

  it('leaves the declaration behind in no later transaction', async () => {
    await deleteExpiredAcceptances(database.db)
    const id = await row({ userId: await account(5) }, 6)
    const error = await captureDatabaseError(
      database.db.transaction((tx) => tx.execute(sql`delete from acceptances where id = ${id}`)),
    )
    expect(error.message).toMatch(APPEND_ONLY)
  })

  it('waits rather than fails when the app clock runs ahead of the database', async () => {
    // Ten days ahead, the app's "3 years ago" is newer than the database's:
    // by the app this account ended long enough ago, by the database not yet.
    // The declared cut-off is held back to the database's, so the run neither
    // deletes the row nor trips the guard.
    const id = await row({ userId: await account(1090 / 365.25) }, 5)
    const aheadBy10Days = new Date(Date.now() + 10 * DAY)
    await expect(deleteExpiredAcceptances(database.db, aheadBy10Days)).resolves.toBeTypeOf('number')
    expect(await remaining([id])).toEqual([id])
  })

  it('leaves the deleted account’s users row, now only a pseudonymous id, in place', async () => {
    const gone = await account(4)
    await row({ userId: gone }, 5)
    await deleteExpiredAcceptances(database.db)
    const [user] = await database.db.select().from(users).where(eq(users.id, gone))
    expect(user).toMatchObject({ id: gone, email: null })
  })

  it('finds the rows of an account closed by deleteAccountData once its deletion is old enough', async () => {
    const userId = await account()
    const linkedGuest = await guest(userId)
    const own = await row({ userId }, 4)
    const asGuest = await row({ guestId: linkedGuest }, 4.1)
    await deleteAccountData(database.db, userId)
    // Deleting keeps the users row with deleted_at; the rows stay until 3 years after it.
    await deleteExpiredAcceptances(database.db)
    expect((await remaining([own, asGuest])).sort()).toEqual([own, asGuest].sort())
    // Three years later (the users row is not evidence: its date may be moved for the test).
    await database.db
      .update(users)
      .set({ deletedAt: yearsAgo(3.01) })
      .where(eq(users.id, userId))
    await deleteExpiredAcceptances(database.db)
    expect(await remaining([own, asGuest])).toEqual([])
  })

  it('deletes the rows of a guest 3 years after deleteInactiveGuests deleted it, then forgets the guest', async () => {
    const id = await guest()
    await database.db
      .update(guests)
      .set({ lastSeenAt: yearsAgo(0.2) })
      .where(eq(guests.id, id))
    const own = await row({ guestId: id }, 4)
    const choice = await consentId({ guestId: id }, 1)
    const choiceRow = await row({ consentId: choice }, 1)
    expect((await deleteInactiveGuests(database.db, memoryStorage())).guests).toBeGreaterThanOrEqual(1)
    const [recorded] = await database.db.select().from(guestDeletions).where(eq(guestDeletions.guestId, id))
    expect(recorded!.deletedAt.getTime()).toBeGreaterThan(Date.now() - 60_000)

    // Deleted now: its rows stay (the cookie choice, now linked to nobody, counts from its record).
    await deleteExpiredAcceptances(database.db)
    await deleteExpiredCookieChoices(database.db)
    expect((await remaining([own, choiceRow])).sort()).toEqual([own, choiceRow].sort())

    // Three years later (the deletion time is not evidence: it may be moved for the test).
    await database.db
      .update(guestDeletions)
      .set({ deletedAt: yearsAgo(3.01) })
      .where(eq(guestDeletions.guestId, id))
    await deleteExpiredAcceptances(database.db)
    expect(await remaining([own])).toEqual([])
    expect(await database.db.select().from(guestDeletions).where(eq(guestDeletions.guestId, id))).toEqual([])
  })
})
