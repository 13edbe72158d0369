import { randomBytes, randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mailOutbox, type MailOutboxRow } from './schema'
import { users } from '~/identity/schema'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import type { MailMessage } from '~/platform/mail/mailer.server'
import {
  deliverMail,
  enqueueMail,
  forgetMailFor,
  MAX_SEND_ATTEMPTS,
  retryDelaySeconds,
  sweepMailOutbox,
  type MailRenderer,
} from './outbox.server'

// Runs on PGlite and, under `npm run test:pg`, on PostgreSQL, where the
// simultaneous senders below run on separate connections.
let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

async function newUser() {
  const id = `outbox-${randomUUID()}`
  const email = `${randomBytes(4).toString('hex')}@mail.example`
  await handle.db.insert(users).values({ id, email, emailNormalized: email })
  return { id, email }
}

function owe(userId: string, key = `verification:${randomUUID()}`) {
  return handle.db.transaction((tx) =>
    enqueueMail(tx, { kind: 'verification', dedupeKey: key, userId, locale: 'en', baseUrl: 'https://palitra.example' }),
  )
}

/** A renderer that writes to the row's account, and a mailbox that keeps what is sent. */
function mailbox() {
  const sent: MailMessage[] = []
  const render: MailRenderer = async (db, row) => {
    const [user] = await db.select().from(users).where(eq(users.id, row.userId))
    return user?.email ? { to: user.email, subject: `${row.kind} ${row.id}`, text: row.baseUrl } : null
  }
  return { sent, render, send: async (message: MailMessage) => void sent.push(message) }
}

async function row(id: string): Promise<MailOutboxRow> {
  const [found] = await handle.db.select().from(mailOutbox).where(eq(mailOutbox.id, id))
  return found!
}

describe('the mail outbox', () => {
  it('owes one mail per cause, whatever the number of tries', async () => {
    const user = await newUser()
    const key = `payment:${randomUUID()}`
    const first = await owe(user.id, key)
    expect(first).toMatch(/^[0-9a-f-]{36}$/)
    expect(await owe(user.id, key)).toBeNull()
    const rows = await handle.db.select().from(mailOutbox).where(eq(mailOutbox.dedupeKey, key))
    expect(rows).toHaveLength(1)
  })

  it('owes nothing when the transaction that owed it rolls back', async () => {
    const user = await newUser()
    const key = `registration:${user.id}`
    await expect(
      handle.db.transaction(async (tx) => {
        await enqueueMail(tx, { kind: 'registration', dedupeKey: key, userId: user.id, locale: 'ru', baseUrl: 'x' })
        throw new Error('the account could not be created')
      }),
    ).rejects.toThrow('could not be created')
    expect(await handle.db.select().from(mailOutbox).where(eq(mailOutbox.dedupeKey, key))).toEqual([])
  })

  it('sends a row once, and a second delivery finds nothing to do', async () => {
    const user = await newUser()
    const id = (await owe(user.id))!
    const box = mailbox()
    expect(await deliverMail(handle.db, { ...box, ids: [id] })).toEqual({ sent: 1, dropped: 0, retrying: 0, failed: 0 })
    expect(box.sent).toEqual([{ to: user.email, subject: `verification ${id}`, text: 'https://palitra.example' }])
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1, lastError: null, leaseExpiresAt: null })
    expect((await row(id)).finishedAt).toBeInstanceOf(Date)
    expect(await deliverMail(handle.db, { ...box, ids: [id] })).toEqual({ sent: 0, dropped: 0, retrying: 0, failed: 0 })
    expect(box.sent).toHaveLength(1)
  })

  it('never lets two senders send the same row', async () => {
    const user = await newUser()
    const ids = (await Promise.all(Array.from({ length: 6 }, () => owe(user.id)))) as string[]
    const box = mailbox()
    const reports = await Promise.all(
      Array.from({ length: 4 }, () => deliverMail(handle.db, { ...box, ids, limit: 3 })),
    )
    // Each row went out exactly once, whoever took it (some senders may have found nothing left).
    const again = await deliverMail(handle.db, { ...box, ids })
    expect(reports.reduce((n, r) => n + r.sent, 0) + again.sent).toBe(6)
    expect(box.sent.map((m) => m.subject).sort()).toEqual(ids.map((id) => `verification ${id}`).sort())
  })

  it('keeps a failed send for later, keeps the address out of the error, and gives up after the last attempt', async () => {
    const user = await newUser()
    const id = (await owe(user.id))!
    const box = mailbox()
    const refuse = async (message: MailMessage) => {
      throw new Error(`550 5.1.1 <${message.to}>: Recipient address rejected`)
    }
    expect(await deliverMail(handle.db, { ...box, send: refuse, ids: [id] })).toMatchObject({ retrying: 1 })
    const waiting = await row(id)
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, finishedAt: null })
    expect(waiting.lastError).toContain('Recipient address rejected')
    expect(waiting.lastError).not.toContain(user.email)
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000)
    // Not due yet: nothing is attempted.
    expect(await deliverMail(handle.db, { ...box, ids: [id] })).toMatchObject({ sent: 0 })

    // The last attempt fails for good.
    await handle.db
      .update(mailOutbox)
      .set({ attempts: MAX_SEND_ATTEMPTS - 1, nextAttemptAt: sql`now()` })
      .where(eq(mailOutbox.id, id))
    expect(await deliverMail(handle.db, { ...box, send: refuse, ids: [id] })).toMatchObject({ failed: 1 })
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: MAX_SEND_ATTEMPTS })
    expect(box.sent).toEqual([])
  })

  it('takes back a row whose sender stopped once its lease has passed', async () => {
    const user = await newUser()
    const id = (await owe(user.id))!
    await handle.db
      .update(mailOutbox)
      .set({ status: 'sending', attempts: 1, leaseExpiresAt: sql`now() - interval '1 minute'` })
      .where(eq(mailOutbox.id, id))
    const box = mailbox()
    expect(await deliverMail(handle.db, { ...box, ids: [id] })).toMatchObject({ sent: 1 })
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('drops a row with nothing left to send, and forgets an account’s rows', async () => {
    const user = await newUser()
    const id = (await owe(user.id))!
    await handle.db.update(users).set({ email: null, emailNormalized: null }).where(eq(users.id, user.id))
    const box = mailbox()
    expect(await deliverMail(handle.db, { ...box, ids: [id] })).toMatchObject({ dropped: 1 })
    expect(await row(id)).toMatchObject({ status: 'dropped' })
    await owe(user.id)
    await forgetMailFor(handle.db, user.id)
    expect(await handle.db.select().from(mailOutbox).where(eq(mailOutbox.userId, user.id))).toEqual([])
  })

  it('deletes finished rows after 30 days, and only those', async () => {
    const user = await newUser()
    const old = (await owe(user.id))!
    const waiting = (await owe(user.id))!
    await handle.db
      .update(mailOutbox)
      .set({ status: 'sent', finishedAt: new Date(Date.now() - 31 * 24 * 60 * 60_000) })
      .where(eq(mailOutbox.id, old))
    expect(await sweepMailOutbox(handle.db)).toBeGreaterThanOrEqual(1)
    const left = await handle.db.select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.userId, user.id))
    expect(left).toEqual([{ id: waiting }])
  })

  it('waits longer after each failure, up to six hours', () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([60, 120, 240, 480])
    expect(retryDelaySeconds(30)).toBe(6 * 60 * 60)
  })
})
