import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Accounts from '~/identity/accounts.server'
import type * as LoginRoute from '~/routes/$lang.login'
import type * as LogoutRoute from '~/routes/$lang.logout'
import type * as ConsentRoute from '~/routes/$lang.cookie-consent'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources, settle } from './support'
import { post } from '../support/requests'

// Malformed `redirectTo` / `returnTo` and the wrong method, through the route
// modules (loaders and actions called directly), against the process-wide
// database and the shipped seed dataset. The sweep of every route over HTTP
// is tests/e2e/malformed-input.spec.ts.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-bad-input-'))
process.env.DATA_DIR = dir

const ORIGIN = 'http://localhost'
const PASSWORD = 'copper kettle under the bridge'

let dropOwnDatabase: () => Promise<void> = async () => {}
let routes: { login: typeof LoginRoute; logout: typeof LogoutRoute; consent: typeof ConsentRoute }
let accounts: typeof Accounts

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  accounts = await import('~/identity/accounts.server')
  routes = {
    login: await import('~/routes/$lang.login'),
    logout: await import('~/routes/$lang.logout'),
    consent: await import('~/routes/$lang.cookie-consent'),
  }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

let ipCounter = 10
const nextIp = () => `198.51.100.${ipCounter++}`

/** Nothing here may be an Error (a 500): a Response, or data() with a 4xx. */
function asResponse(value: unknown): Response {
  if (!(value instanceof Response)) throw new Error(`expected a Response, got ${String(value)}`)
  return value
}

/** What a browser does with a Location: resolves it against the page (after stripping tab, CR and LF). */
function landsOn(location: string | null): URL {
  return new URL((location ?? '').replace(/[\t\r\n]/g, ''), 'https://palitra.example/en/login')
}

describe('sign-in with a malformed redirectTo', () => {
  it.each([
    '/en/%00',
    '/en/%0d%0aSet-Cookie:%20x=y',
    '/en/%0a',
    '/%09/evil.example/',
    '/en/..%2f..%2f%2fevil.example',
    '/en/%2e%2e/%2e%2e//evil.example',
  ])('%s: still signs in (the session cookie is set) and goes to the account', async (redirectTo) => {
    const { getDb } = await import('~/platform/db/client.server')
    const email = `bad-input.${randomBytes(4).toString('hex')}@mail.example`
    await accounts.createAccount(await getDb(), { email, password: PASSWORD, locale: 'en' })
    const response = asResponse(
      await settle(() =>
        routes.login.action({
          request: post(`/en/login?redirectTo=${redirectTo}`, { email, password: PASSWORD }),
          params: { lang: 'en' },
          context: { clientIp: nextIp() },
        } as never),
      ),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/en/account')
    expect(response.headers.getSetCookie().some((c) => c.startsWith('palitra_session='))).toBe(true)
  })

  it('keeps a good redirectTo under the page language', async () => {
    const { getDb } = await import('~/platform/db/client.server')
    const email = `bad-input.${randomBytes(4).toString('hex')}@mail.example`
    await accounts.createAccount(await getDb(), { email, password: PASSWORD, locale: 'en' })
    const response = asResponse(
      await settle(() =>
        routes.login.action({
          request: post(`/en/login?redirectTo=${encodeURIComponent('/en/history?page=2')}`, {
            email,
            password: PASSWORD,
          }),
          params: { lang: 'en' },
          context: { clientIp: nextIp() },
        } as never),
      ),
    )
    expect(response.headers.get('Location')).toBe('/en/history?page=2')
  })

  it('offers provider links only with a same-site redirectTo', async () => {
    const page = (await routes.login.loader({
      request: new Request(`${ORIGIN}/en/login?redirectTo=${encodeURIComponent('/\t/evil.example/')}`),
      params: { lang: 'en' },
      context: {},
    } as never)) as { redirectTo: string | null }
    expect(page.redirectTo).toBeNull()
  })
})

describe('cookie choice with a malformed returnTo', () => {
  it.each([
    '/en/\r\nSet-Cookie: x=y',
    '/en/\u0000',
    '/\t/evil.example/',
    '/%09/evil.example/',
    '/en/%0d%0a',
    '/.//evil.example',
  ])('%j: the choice is kept and the browser goes back to the language home', async (returnTo) => {
    const page = (await routes.consent.loader({
      request: new Request(`${ORIGIN}/en/cookie-consent`),
      params: { lang: 'en' },
      context: {},
    } as never)) as unknown as DataResult
    const shownVersion = String((page.data as { banner: { policy: { version: number } } }).banner.policy.version)
    const result = asResponse(
      await settle(() =>
        routes.consent.action({
          request: post('/en/cookie-consent', { intent: 'essential', shownVersion, returnTo }),
          params: { lang: 'en' },
          context: { clientIp: nextIp() },
        } as never),
      ),
    )
    expect(result.status).toBe(303)
    expect(result.headers.get('Location')).toBe('/en')
    expect(landsOn(result.headers.get('Location')).origin).toBe('https://palitra.example')
  })

  it('the settings page links back only to a same-site path', async () => {
    const page = (await routes.consent.loader({
      request: new Request(`${ORIGIN}/en/cookie-consent?returnTo=${encodeURIComponent('/%09/evil.example/')}`),
      params: { lang: 'en' },
      context: {},
    } as never)) as unknown as DataResult
    expect((page.data as { returnTo: string }).returnTo).toBe('/en')
  })
})

describe('GET /:lang/logout', () => {
  it.each(['en', 'ru'] as const)(
    '%s: a localized page that offers the sign-out button, 405 with Allow: POST',
    async (lang) => {
      const result = await settle(() =>
        routes.logout.loader({
          request: new Request(`${ORIGIN}/${lang}/logout`),
          params: { lang },
          context: {},
        } as never),
      )
      const { data, init } = result as DataResult
      expect(init?.status).toBe(405)
      expect(new Headers(init?.headers).get('Allow')).toBe('POST')
      expect(data).toMatchObject({ locale: lang })
      expect(String(data.title)).toMatch(lang === 'en' ? /Sign out/ : /Выйти/)
    },
  )
})
