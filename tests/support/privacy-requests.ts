import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll } from 'vitest'
import type { Database } from '~/platform/db/client.server'
import { dataSubjectRequestEvents, dataSubjectRequests } from '~/privacy-requests/schema'
import { users } from '~/identity/schema'
import { listStoredMail, readStoredMail, type MailMessage } from '~/platform/mail/mailer.server'
import { createRequest, type NewRequest } from '~/privacy-requests/intake.server'
import { createTestDatabase, type TestDatabase } from '../db'

export const BASE_URL = 'https://palitra.example'
// Friday 25 December 2026, 12:00 in Moscow.
export const FRIDAY = new Date('2026-12-25T09:00:00Z')
export const hoursLater = (from: Date, hours: number) => new Date(from.getTime() + hours * 3_600_000)

export const uniqueEmail = (tag: string) => `${tag}-${randomBytes(4).toString('hex')}@mail.example`

export const failingSend = async (_message: MailMessage): Promise<never> => {
  throw new Error('SMTP connection refused')
}

/**
 * The data-subject request model against a migrated database (PGlite, or
 * PostgreSQL under scripts/test-pg.mjs) with the seeded working-day calendar,
 * and the file mailer writing into the test file's own DATA_DIR. Call it once
 * at the top of a test file: it sets DATA_DIR and opens the database in
 * beforeAll, closes both in afterAll.
 */
export function requestsFixture() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'palitra-dsr-'))
  process.env.DATA_DIR = dataDir
  delete process.env.SMTP_URL

  let handle: TestDatabase | undefined
  beforeAll(async () => {
    handle = await createTestDatabase()
  })
  afterAll(async () => {
    await handle?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const database = (): Database => {
    if (!handle) throw new Error('the database opens in beforeAll')
    return handle.db
  }

  async function newUser(options: { email?: string | null; roles?: string[] } = {}) {
    const id = `user-${randomBytes(6).toString('hex')}`
    const email = options.email === undefined ? uniqueEmail('account') : options.email
    await database()
      .insert(users)
      .values({ id, email, emailNormalized: email?.toLowerCase() ?? null, roles: options.roles ?? [] })
    return { id, email }
  }

  function input(overrides: Partial<NewRequest> = {}): NewRequest {
    return {
      kind: 'access',
      regime: 'ru',
      details: '',
      locale: 'en',
      userId: null,
      email: { address: uniqueEmail('requester'), confirmed: false },
      guestId: null,
      ip: '203.0.113.7',
      userAgent: 'test agent',
      ...overrides,
    }
  }

  /** A request filed while signed in with an address: open at once. */
  async function openRequest(overrides: Partial<NewRequest> = {}, now = FRIDAY) {
    const user = await newUser()
    const created = await createRequest(
      database(),
      input({ userId: user.id, email: { address: user.email!, confirmed: true }, ...overrides }),
      { now, baseUrl: BASE_URL },
    )
    return { ...created, email: user.email! }
  }

  async function row(number: number) {
    const [found] = await database().select().from(dataSubjectRequests).where(eq(dataSubjectRequests.number, number))
    return found!
  }

  async function events(number: number) {
    const { id } = await row(number)
    return database()
      .select()
      .from(dataSubjectRequestEvents)
      .where(eq(dataSubjectRequestEvents.requestId, id))
      .orderBy(dataSubjectRequestEvents.at, dataSubjectRequestEvents.id)
  }

  async function mailsTo(address: string) {
    const summaries = (await listStoredMail({ dataDir, limit: 100_000 })).filter((m) => m.to === address).reverse()
    return Promise.all(summaries.map(async (m) => (await readStoredMail(m.id, { dataDir }))!))
  }

  function tokenFrom(text: string) {
    const link = /https:\/\/\S+/.exec(text)?.[0]
    if (!link) throw new Error('no link in the mail')
    const url = new URL(link)
    return { url, token: url.searchParams.get('token')! }
  }

  /** Files a request as someone signed out and returns its confirmation token from the mail. */
  async function awaitingRequest(overrides: Partial<NewRequest> = {}, now = FRIDAY) {
    const request = input(overrides)
    const created = await createRequest(database(), request, { now, baseUrl: BASE_URL })
    const [mail] = await mailsTo(request.email.address)
    return { ...created, email: request.email.address, ...tokenFrom(mail!.text) }
  }

  return {
    get db() {
      return database()
    },
    newUser,
    input,
    openRequest,
    row,
    events,
    mailsTo,
    awaitingRequest,
  }
}
