import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase, defaultMigrationsFolder, type DatabaseHandle } from '~/db/client.server'
import { orders, paymentNotifications, users } from '~/db/schema'
import { createThrowawayPostgresDatabase } from '../../tests/db'
import { STORED_NOTIFICATION_FIELDS } from './notifications.server'

// The migration that redacts notifications stored before card details were
// stripped: a database is migrated up to just before it, given such a row,
// then migrated to the end. PGlite, and PostgreSQL under `npm run test:pg`.
const MIGRATION = /_redact_payment_notifications$/

type Journal = { entries: Array<{ tag: string }> }

let folder: string
let migrationSql: string

beforeAll(async () => {
  const full = defaultMigrationsFolder()
  const journal = JSON.parse(await fs.readFile(path.join(full, 'meta/_journal.json'), 'utf8')) as Journal
  const index = journal.entries.findIndex((entry) => MIGRATION.test(entry.tag))
  expect(index).toBeGreaterThan(0)
  migrationSql = await fs.readFile(path.join(full, `${journal.entries[index]!.tag}.sql`), 'utf8')
  folder = await fs.mkdtemp(path.join(os.tmpdir(), 'palitra-migrations-'))
  await fs.cp(full, folder, { recursive: true })
  await fs.writeFile(
    path.join(folder, 'meta/_journal.json'),
    JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }),
  )
})

afterAll(async () => {
  if (folder) await fs.rm(folder, { recursive: true, force: true })
})

/** Opens a database migrated up to the redaction, and a way to migrate the rest and close. */
async function databaseBeforeRedaction(): Promise<{
  before: DatabaseHandle
  migrateRest(): Promise<DatabaseHandle>
  close(): Promise<void>
}> {
  if (process.env.DATABASE_URL?.trim()) {
    const server = await createThrowawayPostgresDatabase()
    const before = await createDatabase({ url: server.url, migrationsFolder: folder })
    let after: DatabaseHandle | undefined
    return {
      before,
      migrateRest: async () => (after = await createDatabase({ url: server.url })),
      close: async () => {
        await before.close()
        await after?.close()
        await server.drop()
      },
    }
  }
  const client = await PGlite.create()
  const before = await createDatabase({ pglite: client, migrationsFolder: folder })
  return { before, migrateRest: () => createDatabase({ pglite: client }), close: () => client.close() }
}

describe('migration: redact stored payment notifications', () => {
  it('keeps the same fields as the code stores', () => {
    const listed = /e\.key IN \(([^)]*)\)/.exec(migrationSql)?.[1]
    expect(listed?.split(',').map((s) => s.trim().replaceAll("'", ''))).toEqual([...STORED_NOTIFICATION_FIELDS])
  })

  it('removes the card number, expiry date, card and rebill ids, the token and nested data from stored rows', async () => {
    const database = await databaseBeforeRedaction()
    try {
      const db = database.before.db
      const userId = `buyer-${randomUUID()}`
      const orderId = randomUUID()
      await db.insert(users).values({ id: userId, email: 'buyer@mail.example', emailNormalized: 'buyer@mail.example' })
      await db.insert(orders).values({
        id: orderId,
        userId,
        packId: 'creditPack.standard',
        packName: 'Стандарт',
        credits: 300,
        amountKopecks: 59_000,
        provider: 'tbank',
        terminalKey: 'TestTerminal',
        receiptEmail: 'buyer@mail.example',
        locale: 'ru',
      })
      const stored = {
        TerminalKey: 'TestTerminal',
        OrderId: orderId,
        Success: true,
        Status: 'CONFIRMED',
        PaymentId: 7000000001,
        ErrorCode: '0',
        Amount: 59_000,
        CardId: 4021337,
        Pan: '220000******0004',
        ExpDate: '1230',
        RebillId: '145919',
        DATA: { Email: 'buyer@mail.example' },
        Token: 'e'.repeat(64),
      }
      await db.insert(paymentNotifications).values([
        {
          orderId,
          paymentId: '7000000001',
          bankStatus: 'CONFIRMED',
          amountKopecks: 59_000,
          outcome: 'applied',
          body: stored,
        },
        { orderId: null, outcome: 'bad-token', body: { Pan: '220000******0004', ExpDate: '1230' } },
      ])

      const after = (await database.migrateRest()).db
      const rows = await after.select().from(paymentNotifications)
      const applied = rows.find((r) => r.orderId === orderId)!
      expect(applied.body).toEqual({
        TerminalKey: 'TestTerminal',
        OrderId: orderId,
        Success: true,
        Status: 'CONFIRMED',
        PaymentId: 7000000001,
        ErrorCode: '0',
        Amount: 59_000,
      })
      expect(applied).toMatchObject({ outcome: 'applied', amountKopecks: 59_000, bankStatus: 'CONFIRMED' })
      expect(rows.find((r) => r.orderId === null)!.body).toEqual({})
      const [order] = await after.select().from(orders).where(eq(orders.id, orderId))
      expect(order!.receiptEmail).toBe('buyer@mail.example')
    } finally {
      await database.close()
    }
    // A fresh embedded database starts with initdb, which takes a while on a busy machine.
  }, 60_000)
})
