import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { dataSubjectRequestEvents, dataSubjectRequests } from './schema'
import { users } from '~/identity/schema'
import type { MailMessage } from '~/platform/mail/mailer.server'
import { postgresDatabaseForFile } from '../../tests/db'
import { confirmRequest, createRequest, type NewRequest } from './intake.server'
import { completeRequest, extendRequest } from './legal-actions.server'

// Real PostgreSQL: the simultaneous calls below each run on their own pooled
// connection, as two members of the legal team pressing the button at once would.
const handle = postgresDatabaseForFile()

const NOW = new Date('2026-12-25T09:00:00Z')
const PARALLEL = 8

/** A mailer that keeps what it was given. */
function capture() {
  const sent: MailMessage[] = []
  return { sent, send: async (message: MailMessage) => void sent.push(message) }
}

async function legalUser() {
  const id = `legal-${randomBytes(6).toString('hex')}`
  await handle.db.insert(users).values({ id, email: `${id}@mail.example`, emailNormalized: `${id}@mail.example` })
  return id
}

function request(confirmed: boolean): NewRequest {
  return {
    kind: 'access',
    regime: 'ru',
    details: '',
    locale: 'en',
    userId: null,
    email: { address: `person-${randomBytes(4).toString('hex')}@mail.example`, confirmed },
    guestId: null,
    ip: null,
    userAgent: null,
  }
}

async function eventsOf(number: number) {
  const [row] = await handle.db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.number, number))
  const events = await handle.db
    .select()
    .from(dataSubjectRequestEvents)
    .where(eq(dataSubjectRequestEvents.requestId, row!.id))
  return { row: row!, actions: events.map((e) => e.action) }
}

describe('simultaneous actions on one request (PostgreSQL)', () => {
  it('completes it exactly once', async () => {
    const actor = await legalUser()
    const created = await createRequest(handle.db, request(true), { now: NOW, baseUrl: 'https://palitra.example' })
    const mail = capture()
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        completeRequest(handle.db, created.number, {
          outcome: i % 2 ? 'refused' : 'fulfilled',
          note: `answer ${i}`,
          actorUserId: actor,
          send: mail.send,
        }),
      ),
    )
    const won = results.filter((r) => r.ok)
    expect(won).toHaveLength(1)
    expect(results.filter((r) => !r.ok)).toEqual(
      Array.from({ length: PARALLEL - 1 }, () => ({ ok: false, reason: 'already-completed' })),
    )
    const { row, actions } = await eventsOf(created.number)
    expect(actions.filter((a) => a === 'completed')).toHaveLength(1)
    expect(mail.sent).toHaveLength(1)
    // The row holds the winner's answer, the one the requester was sent.
    expect(mail.sent[0]!.text).toContain(row.completionNote!)
  })

  it('extends it exactly once', async () => {
    const actor = await legalUser()
    const created = await createRequest(handle.db, request(true), { now: NOW, baseUrl: 'https://palitra.example' })
    const mail = capture()
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        extendRequest(handle.db, created.number, {
          reason: `reason ${i}`,
          actorUserId: actor,
          now: NOW,
          send: mail.send,
        }),
      ),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'already-extended')).toBe(true)
    const { row, actions } = await eventsOf(created.number)
    expect(row.dueOn).toBe('2027-01-26')
    expect(actions.filter((a) => a === 'extended')).toHaveLength(1)
    expect(mail.sent).toHaveLength(1)
    expect(mail.sent[0]!.text).toContain(`Why: ${row.extensionReason}`)
  })

  it('confirms it exactly once when the link is clicked several times at once', async () => {
    const mail = capture()
    const created = await createRequest(handle.db, request(false), {
      now: NOW,
      baseUrl: 'https://palitra.example',
      send: mail.send,
    })
    const token = new URL(/https:\/\/\S+/.exec(mail.sent[0]!.text)![0]).searchParams.get('token')!
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => confirmRequest(handle.db, token, { now: NOW, send: mail.send })),
    )
    expect(results.every((r) => r.ok && r.number === created.number && r.dueOn === '2027-01-19')).toBe(true)
    expect(results.filter((r) => r.ok && !r.alreadyConfirmed)).toHaveLength(1)
    const { actions } = await eventsOf(created.number)
    expect(actions.filter((a) => a === 'confirmed')).toHaveLength(1)
    // The confirmation link, then one receipt.
    expect(mail.sent).toHaveLength(2)
  })
})
