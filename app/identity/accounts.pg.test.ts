import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users } from './schema'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { createAccount, EmailTakenError } from './accounts.server'

// Real PostgreSQL: parallel transactions on separate connections race for
// the same address, as two instances of the site would.
let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

describe('concurrent registrations (PostgreSQL)', () => {
  it('lets exactly one of several simultaneous registrations with one address win', async () => {
    const spellings = [
      'race@mail.example',
      'RACE@mail.example',
      'Race@Mail.example',
      ' race@MAIL.EXAMPLE',
      'rAcE@mail.example',
    ]
    const results = await Promise.allSettled(
      spellings.map((email) =>
        handle.db.transaction(async (tx) => {
          const id = await createAccount(tx, { email, password: 'a long and quiet evening', locale: 'en' })
          // Hold the uncommitted row so the others meet it in the unique index.
          await tx.execute(sql`select pg_sleep(0.2)`)
          return id
        }),
      ),
    )
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(spellings.length - 1)
    for (const failure of lost) expect(failure.reason).toBeInstanceOf(EmailTakenError)

    const rows = await handle.db.execute(
      sql`select count(*)::int as n from ${users} where ${users.emailNormalized} = 'race@mail.example'`,
    )
    expect((rows as unknown as { rows: Array<{ n: number }> }).rows[0]!.n).toBe(1)
  })
})
