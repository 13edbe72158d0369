import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { server } from '../mocks'
import { googleMock } from '../mocks/google'
import type * as StartRoute from '~/routes/auth.$provider'
import type * as CallbackRoute from '~/routes/auth.$provider.callback'
import type * as CompleteRoute from '~/routes/$lang.register.complete'
import { isolateProcessDatabase } from '../db'
import { closeAppResources } from './support'

let dropOwnDatabase: () => Promise<void> = async () => {}

// First and second sign-in through Google, through the routes, against the
// msw Google and the process-wide database.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-provider-'))
process.env.DATA_DIR = dir
process.env.GOOGLE_CLIENT_ID = googleMock.clientId
process.env.GOOGLE_CLIENT_SECRET = googleMock.clientSecret
process.env.SESSION_SECRET = 'a-test-session-secret-that-is-long-enough-123'

const ORIGIN = 'http://localhost'
let start: typeof StartRoute
let callback: typeof CallbackRoute
let complete: typeof CompleteRoute

/** Cookie jar: keeps name=value pairs from Set-Cookie headers, dropping cleared ones. */
class Jar {
  private cookies = new Map<string, string>()
  take(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      if (value === '' || /Max-Age=0/i.test(header)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  has(name: string) {
    return this.cookies.has(name)
  }
}

async function thrownOrReturned(fn: () => unknown): Promise<Response> {
  try {
    return (await fn()) as Response
  } catch (error) {
    if (error instanceof Response) return error
    throw error
  }
}

async function signInWithGoogle(jar: Jar) {
  const begin = await thrownOrReturned(() =>
    start.loader({
      request: new Request(`${ORIGIN}/auth/google?lang=en`),
      params: { provider: 'google' },
      context: {},
    }),
  )
  jar.take(begin)
  const query = googleMock.authorize(begin.headers.get('Location')!)
  const back = await thrownOrReturned(() =>
    callback.loader({
      request: new Request(`${ORIGIN}/auth/google/callback?${query}`, { headers: { Cookie: jar.header() } }),
      params: { provider: 'google' },
      context: { clientIp: '203.0.113.7' },
    }),
  )
  jar.take(back)
  return back
}

/** Waits (bounded) for the stored message to this address; mail goes out after the response. */
async function storedMailTo(to: string, timeoutMs = 10_000) {
  const { listStoredMail, readStoredMail } = await import('~/platform/mail/mailer.server')
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const summary = (await listStoredMail()).find((m) => m.to === to)
    if (summary) return (await readStoredMail(summary.id))!
    if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  // The shipped seed dataset (the default CONTENT_DATASET): it has every document in force in English.
  server.listen({ onUnhandledRequest: 'error' })
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  start = await import('~/routes/auth.$provider')
  callback = await import('~/routes/auth.$provider.callback')
  complete = await import('~/routes/$lang.register.complete')
})

afterAll(async () => {
  server.close()
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

describe('signing in through a provider', () => {
  it('asks a first-time person to accept the documents before the account exists, then signs them in directly', async () => {
    const { getDb } = await import('~/platform/db/client.server')
    const { acceptances, oauthAccounts, users } = await import('../support/schema')
    const db = await getDb()
    const usersBefore = (await db.select().from(users)).length

    const jar = new Jar()
    const first = await signInWithGoogle(jar)
    expect(first.headers.get('Location')).toBe('/en/register/complete')
    expect(jar.has('palitra_pending_signup')).toBe(true)
    expect((await db.select().from(users)).length).toBe(usersBefore)

    const page = await complete.loader({
      request: new Request(`${ORIGIN}/en/register/complete`, { headers: { Cookie: jar.header() } }),
      params: { lang: 'en' },
      context: {},
    })
    const form = new FormData()
    form.set('shownVersions', page.shownVersions)
    // Without the boxes ticked nothing is created.
    const refused = (await complete.action({
      request: new Request(`${ORIGIN}/en/register/complete`, {
        method: 'POST',
        body: form,
        headers: { Cookie: jar.header() },
      }),
      params: { lang: 'en' },
      context: {},
    })) as unknown as { init: { status: number } }
    expect(refused.init.status).toBe(400)
    expect((await db.select().from(users)).length).toBe(usersBefore)

    for (const kind of ['terms', 'privacy', 'consent']) form.set(`accept_${kind}`, 'yes')
    const created = await thrownOrReturned(() =>
      complete.action({
        request: new Request(`${ORIGIN}/en/register/complete`, {
          method: 'POST',
          body: form,
          headers: { Cookie: jar.header() },
        }),
        params: { lang: 'en' },
        context: { clientIp: '203.0.113.7' },
      }),
    )
    expect(created.status).toBe(302)
    expect(created.headers.get('Location')).toBe('/en/account?welcome=1')
    jar.take(created)
    expect(jar.has('palitra_session')).toBe(true)
    expect(jar.has('palitra_pending_signup')).toBe(false)

    const links = await db.select().from(oauthAccounts)
    expect(links).toHaveLength(1)
    const rows = (await db.select().from(acceptances)).filter((r) => r.userId === links[0]!.userId)
    expect(rows.map((r) => r.kind).sort()).toEqual(['consent', 'privacy', 'terms'])
    expect(rows.every((r) => r.event === 'register' && r.ip === '203.0.113.7')).toBe(true)

    // Google vouched for the address: it counts as confirmed, and the letter is the receipt alone.
    const { eq } = await import('drizzle-orm')
    const [account] = await db.select().from(users).where(eq(users.id, links[0]!.userId))
    expect(account!.emailVerifiedAt).toBeInstanceOf(Date)
    const mail = await storedMailTo(account!.email!)
    expect(mail.subject).toBe('Palitra: your account and the documents you accepted')
    expect(mail.text).not.toContain('verify-email')
    for (const row of rows) expect(mail.text).toContain(`${ORIGIN}/en/${row.kind}/v/${row.version}`)

    // The second time, the provider identity is known: straight in.
    const again = await signInWithGoogle(new Jar())
    expect(again.headers.get('Location')).toBe('/en/account')
    expect(again.headers.getSetCookie().some((c) => c.startsWith('palitra_session='))).toBe(true)
  })

  it('refuses a callback whose state does not match and explains why on the sign-in page', async () => {
    const jar = new Jar()
    const begin = await thrownOrReturned(() =>
      start.loader({
        request: new Request(`${ORIGIN}/auth/google?lang=ru`),
        params: { provider: 'google' },
        context: {},
      }),
    )
    jar.take(begin)
    const query = googleMock.authorize(begin.headers.get('Location')!)
    query.set('state', 'forged-state')
    const back = await thrownOrReturned(() =>
      callback.loader({
        request: new Request(`${ORIGIN}/auth/google/callback?${query}`, { headers: { Cookie: jar.header() } }),
        params: { provider: 'google' },
        context: {},
      }),
    )
    expect(back.headers.get('Location')).toBe('/ru/login?providerError=state-mismatch')
  })

  it('404s a provider without keys', async () => {
    const response = await thrownOrReturned(() =>
      start.loader({ request: new Request(`${ORIGIN}/auth/vk?lang=ru`), params: { provider: 'vk' }, context: {} }),
    ).catch((e: unknown) => e)
    expect((response as { init?: { status: number } }).init?.status).toBe(404)
  })
})
