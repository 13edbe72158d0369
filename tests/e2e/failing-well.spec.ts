import { expect, test } from '@playwright/test'
import pg from 'pg'
import { startProductionServer as startUntyped } from './support/production-server.mjs'

/**
 * Failing well (docs/decisions/017), against the production build:
 *  - its own server on a throwaway PostgreSQL database that is made
 *    unreachable while it runs (connections refused, the open ones
 *    terminated): pages, a form action and the bank's webhook answer 503 with
 *    Retry-After and a localized page, never 500; then it recovers;
 *  - the "fixture" server, whose dataset publishes no consent: registering
 *    and starting a guest session answer a localized 503, never 500.
 */

const ACCOUNTS_DATASET = 'tests/fixtures/e2e/accounts-dataset.ndjson'
const ADMIN_URL = process.env.TEST_PG_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/postgres'

const TEXT = {
  ru: { title: 'Временно недоступно', text: 'Сервис временно недоступен. Попробуйте ещё раз через минуту.' },
  en: {
    title: 'Temporarily unavailable',
    text: 'The service is temporarily unavailable. Please try again in a minute.',
  },
  documents: {
    ru: 'Сервис документов временно недоступен. Попробуйте обновить страницу через минуту.',
    en: 'Our documents service is temporarily unavailable. Please reload the page in a minute.',
  },
}

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

type Server = { url: string; stop(): Promise<void> }
const startProductionServer = startUntyped as unknown as (options: {
  dataset: string
  stdio: 'ignore'
  env: Record<string, string>
}) => Promise<Server>

test.describe('the database goes away while the server runs', () => {
  test.describe.configure({ mode: 'serial', timeout: 120_000 })

  const name = `palitra_e2e_down_${Date.now().toString(36)}_${process.pid}`
  let server: Server

  test.beforeAll(async () => {
    test.setTimeout(120_000)
    await admin(`create database "${name}"`)
    const url = new URL(ADMIN_URL)
    url.pathname = `/${name}`
    server = await startProductionServer({
      dataset: ACCOUNTS_DATASET,
      stdio: 'ignore',
      // No generation worker: its polling would only add noise while the database is away.
      env: { DATABASE_URL: url.toString(), WORKER_CONCURRENCY: '0' },
    })
  })

  test.afterAll(async () => {
    await admin(`alter database "${name}" allow_connections true`).catch(() => {})
    await server?.stop()
    await admin(`drop database if exists "${name}" with (force)`)
  })

  const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, { redirect: 'manual', ...init })
  const form = (path: string, body: Record<string, string>) =>
    get(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url },
      body: new URLSearchParams(body).toString(),
    })

  test('pages, a form action and the bank webhook answer 503 + Retry-After, localized; then it recovers', async () => {
    // Twice: the first visit archives the versions, the second reads the archive's list.
    for (const path of ['/ru', '/en/register', '/ru/privacy', '/ru/privacy']) {
      expect((await get(path)).status, path).toBe(200)
    }

    await admin(`alter database "${name}" allow_connections false`)
    await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`)

    // Someone signed in (a session cookie): every page must ask the database who they are.
    const session = { Cookie: `palitra_session=${'a'.repeat(40)}` }
    for (const [path, locale] of [
      ['/ru', 'ru'],
      ['/en', 'en'],
      ['/en/register', 'en'],
      ['/ru/account', 'ru'],
      ['/en/pricing', 'en'],
    ] as const) {
      const response = await get(path, { headers: session })
      expect(response.status, path).toBe(503)
      expect(Number(response.headers.get('retry-after')), path).toBeGreaterThan(0)
      expect(response.headers.get('cache-control'), path).toBe('no-store')
      const html = await response.text()
      expect(html, path).toContain(`<h1>${TEXT[locale].title}</h1>`)
      expect(html, path).toContain(TEXT[locale].text)
      expect(html, path).toContain(`<html lang="${locale}"`)
    }
    // A policy page this process has served keeps being served to anonymous
    // visitors from the archive it read; others may or may not: never a 500.
    const policy = await get('/ru/privacy')
    expect(policy.status).toBe(200)
    for (const path of ['/ru', '/en/privacy', '/ru/terms/versions', '/en/login']) {
      expect([200, 503], path).toContain((await get(path)).status)
    }

    // A form action (without JavaScript: the answer is the page).
    const login = await form('/en/login', { email: 'someone@palitra.example', password: 'not-the-password-1' })
    expect(login.status).toBe(503)
    expect(login.headers.get('retry-after')).toBeTruthy()
    expect(await login.text()).toContain(TEXT.en.text)

    // The bank delivers a notification again when it gets anything but 200 OK.
    const notification = await get('/webhooks/tbank', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ TerminalKey: 'sandbox', OrderId: 'o-1', Status: 'CONFIRMED', Token: 'x' }),
    })
    expect(notification.status).toBe(503)
    expect(notification.headers.get('retry-after')).toBeTruthy()

    // Readiness says so as a state, without the driver's error text.
    const ready = await get('/readyz')
    expect(ready.status).toBe(503)
    const body = await ready.text()
    expect(JSON.parse(body)).toMatchObject({ status: 'unavailable', checks: { database: 'unavailable' } })
    expect(body).not.toMatch(/query|terminat|connect|select/i)

    await admin(`alter database "${name}" allow_connections true`)
    await expect.poll(async () => (await get('/en')).status, { timeout: 15_000 }).toBe(200)
    expect((await get('/en/register')).status).toBe(200)
    expect((await get('/readyz')).status).toBe(200)
  })
})

test.describe('documents a form must show are not published', () => {
  // This spec runs in the "fixture" project (playwright.config.ts), whose
  // dataset publishes terms and privacy but no consent, so nothing can be
  // accepted: registration and guest sessions cannot start.

  for (const [path, locale] of [
    ['/en/register', 'en'],
    ['/ru/register', 'ru'],
    ['/en/guest', 'en'],
  ] as const) {
    test(`${path} answers a localized 503, not 500`, async ({ request }) => {
      const response = await request.get(path, { maxRedirects: 0 })
      expect(response.status()).toBe(503)
      expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0)
      const html = await response.text()
      expect(html).toContain(`<h1>${TEXT[locale].title}</h1>`)
      expect(html).toContain(TEXT.documents[locale])
    })
  }

  test('starting a guest session (the form action) answers 503, not 500', async ({ request, baseURL }) => {
    const response = await request.post('/ru/guest', {
      form: { accept_terms: 'yes', accept_privacy: 'yes', accept_consent: 'yes', shownVersions: '' },
      headers: { Origin: baseURL! },
      maxRedirects: 0,
    })
    expect(response.status()).toBe(503)
    expect(await response.text()).toContain(TEXT.documents.ru)
  })
})
