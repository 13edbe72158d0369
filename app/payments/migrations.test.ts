import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase, defaultMigrationsFolder, type Database } from '~/platform/db/client.server'
import { orders, paymentNotifications } from './schema'
import { users } from '~/identity/schema'
import { createThrowawayPostgresDatabase } from '../../tests/db'
import { STORED_NOTIFICATION_FIELDS } from './notifications.server'
import { orderValues } from '../../tests/support/orders'

// The migrations that clean payment rows stored before the code stopped
// keeping the data: a database is migrated up to just before the first of
// them, given such rows, then migrated to the end. PGlite, and PostgreSQL
// under `npm run test:pg`.
const REDACT = /_redact_payment_notifications$/
const RECEIPT = /_orders_receipt_email_nullable$/

type Journal = { entries: Array<{ tag: string }> }

let folder: string
let redactSql: string
let after: Database
let close: () => Promise<void> = async () => {}

const liveOrder = randomUUID()
const deletedOrder = randomUUID()
const bankBody = {
  TerminalKey: 'TestTerminal',
  OrderId: liveOrder,
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

/** Opens a database migrated up to `folder`, and a way to migrate the rest. */
async function open(): Promise<{ before: Database; rest(): Promise<Database> }> {
  if (process.env.DATABASE_URL?.trim()) {
    const server = await createThrowawayPostgresDatabase()
    const first = await createDatabase({ url: server.url, migrationsFolder: folder })
    const handles = [first]
    close = async () => {
      for (const h of handles) await h.close()
      await server.drop()
    }
    return {
      before: first.db,
      rest: async () => {
        const second = await createDatabase({ url: server.url })
        handles.push(second)
        return second.db
      },
    }
  }
  const client = await PGlite.create()
  close = () => client.close()
  const first = await createDatabase({ pglite: client, migrationsFolder: folder })
  return { before: first.db, rest: async () => (await createDatabase({ pglite: client })).db }
}

async function order(db: Database, id: string, userId: string, email: string) {
  await db.insert(orders).values(orderValues({ id, userId, receiptEmail: email }))
}

beforeAll(async () => {
  const full = defaultMigrationsFolder()
  const journal = JSON.parse(await fs.readFile(path.join(full, 'meta/_journal.json'), 'utf8')) as Journal
  const redact = journal.entries.findIndex((entry) => REDACT.test(entry.tag))
  const receipt = journal.entries.findIndex((entry) => RECEIPT.test(entry.tag))
  expect(redact).toBeGreaterThan(0)
  expect(receipt).toBeGreaterThan(redact)
  redactSql = await fs.readFile(path.join(full, `${journal.entries[redact]!.tag}.sql`), 'utf8')
  folder = await fs.mkdtemp(path.join(os.tmpdir(), 'palitra-migrations-'))
  await fs.cp(full, folder, { recursive: true })
  await fs.writeFile(
    path.join(folder, 'meta/_journal.json'),
    JSON.stringify({ ...journal, entries: journal.entries.slice(0, redact) }),
  )

  // A fresh embedded database starts with initdb: this hook may take a while.
  const database = await open()
  const db = database.before
  await db.insert(users).values([
    { id: 'buyer-live', email: 'buyer@mail.example', emailNormalized: 'buyer@mail.example' },
    { id: 'buyer-gone', deletedAt: new Date('2026-10-01T00:00:00Z') },
  ])
  await order(db, liveOrder, 'buyer-live', 'buyer@mail.example')
  await order(db, deletedOrder, 'buyer-gone', 'gone@mail.example')
  await db.insert(paymentNotifications).values([
    {
      orderId: liveOrder,
      paymentId: '7000000001',
      bankStatus: 'CONFIRMED',
      amountKopecks: 59_000,
      outcome: 'applied',
      body: bankBody,
    },
    { orderId: null, outcome: 'bad-token', body: { Pan: '220000******0004', ExpDate: '1230' } },
  ])
  after = await database.rest()
})

afterAll(async () => {
  await close()
  if (folder) await fs.rm(folder, { recursive: true, force: true })
})

describe('migration: redact stored payment notifications', () => {
  it('keeps the same fields as the code stores', () => {
    const listed = /e\.key IN \(([^)]*)\)/.exec(redactSql)?.[1]
    expect(listed?.split(',').map((s) => s.trim().replaceAll("'", ''))).toEqual([...STORED_NOTIFICATION_FIELDS])
  })

  it('removes the card number, expiry date, card and rebill ids, the token and nested data from stored rows', async () => {
    const rows = await after.select().from(paymentNotifications)
    const applied = rows.find((r) => r.orderId === liveOrder)!
    expect(applied.body).toEqual({
      TerminalKey: 'TestTerminal',
      OrderId: liveOrder,
      Success: true,
      Status: 'CONFIRMED',
      PaymentId: 7000000001,
      ErrorCode: '0',
      Amount: 59_000,
    })
    expect(applied).toMatchObject({ outcome: 'applied', amountKopecks: 59_000, bankStatus: 'CONFIRMED' })
    expect(rows.find((r) => r.orderId === null)!.body).toEqual({})
  })
})

describe('migration: receipt addresses of deleted accounts', () => {
  it('erases the receipt address of orders of accounts deleted before, and only theirs', async () => {
    const [gone] = await after.select().from(orders).where(eq(orders.id, deletedOrder))
    const [live] = await after.select().from(orders).where(eq(orders.id, liveOrder))
    expect(gone).toMatchObject({ receiptEmail: null, amountKopecks: 59_000 })
    expect(live!.receiptEmail).toBe('buyer@mail.example')
  })
})
