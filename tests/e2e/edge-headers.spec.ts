import { randomInt } from 'node:crypto'
import http from 'node:http'
import { expect, test, type Page } from '@playwright/test'
import { hydrated } from './support/axe'
import { ui } from './support/ui-text'

// The HTTP edge of the production build (server/app.ts): the
// Content-Security-Policy of every page with JavaScript running under it,
// the other security headers, and requests a browser would not send. Runs on
// the "seed" server, which has Telegram sign-in switched on and
// PUBLIC_URL = its own http://127.0.0.1:PORT (tests/e2e/support/production-server.mjs).

const PAGES = [
  '/en',
  '/ru',
  '/en/privacy',
  '/ru/privacy/versions',
  '/en/terms',
  '/en/cookies',
  '/en/login',
  '/en/register',
  '/ru/pricing',
  '/en/login/telegram',
  '/en/forgot-password',
  '/en/no-such-page',
]

/** Records every CSP violation the page reports, from before its first script runs. */
async function watchViolations(page: Page): Promise<string[]> {
  const reported: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) reported.push(message.text())
  })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const list = ((window as unknown as { __cspViolations?: string[] }).__cspViolations ??= [])
      list.push(`${event.violatedDirective} ${event.blockedURI}`)
    })
  })
  // Telegram's widget script is answered by a stand-in (the browser never reaches telegram.org).
  await page.route(
    (url) => url.hostname === 'telegram.org',
    (route) =>
      route.fulfill({ contentType: 'application/javascript', body: 'document.currentScript.dataset.ran = "1"' }),
  )
  return reported
}

async function violationsIn(page: Page, console: string[]): Promise<string[]> {
  const inPage = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])
  return [...inPage, ...console]
}

function nonceOf(policy: string | undefined): string {
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy ?? '')?.[1]
  if (!nonce) throw new Error(`no nonce in the policy: ${policy}`)
  return nonce
}

test.describe('pages under the Content-Security-Policy', () => {
  for (const path of PAGES) {
    test(`${path} loads and hydrates with no CSP violation, every inline script carrying the nonce`, async ({
      page,
    }) => {
      const console = await watchViolations(page)
      const response = await page.goto(path)
      expect(response).not.toBeNull()
      const headers = response!.headers()
      const policy = headers['content-security-policy']
      const nonce = nonceOf(policy)
      for (const directive of [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}' https://telegram.org`,
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        'frame-src https://oauth.telegram.org',
      ]) {
        expect(policy).toContain(directive)
      }
      expect(headers['x-frame-options']).toBe('DENY')
      expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
      expect(headers['permissions-policy']).toBe('camera=(), microphone=(), geolocation=()')
      expect(headers['x-content-type-options']).toBe('nosniff')
      // PUBLIC_URL is http here: no HSTS (server/app.test.ts checks it is sent for https).
      expect(headers['strict-transport-security']).toBeUndefined()

      // Every script element written by the server carries this response's nonce.
      const html = await response!.text()
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
      expect(scripts.length).toBeGreaterThan(0)
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)

      await hydrated(page)
      expect(await violationsIn(page, console)).toEqual([])
    })
  }

  test('the Telegram widget script runs on its page', async ({ page }) => {
    const console = await watchViolations(page)
    await page.goto('/en/login/telegram')
    await hydrated(page)
    await expect(page.locator('script[data-ran="1"]')).toHaveCount(1)
    expect(await violationsIn(page, console)).toEqual([])
  })

  test('JavaScript works under the policy: client-side navigation and a form sent by fetch', async ({ page }) => {
    const console = await watchViolations(page)
    await page.goto('/en')
    await hydrated(page)
    await page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true))
    // A client-side navigation keeps the same document.
    await page
      .getByRole('navigation', { name: ui('en', 'common:nav.label') })
      .getByRole('link', { name: ui('en', 'common:nav.pricing') })
      .click()
    await expect(page).toHaveURL('/en/pricing')
    expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true)
    expect(await violationsIn(page, console)).toEqual([])
  })

  test('a cached page gets a new nonce with every response, and a 304 carries no policy', async ({ request }) => {
    const first = await request.get('/en/privacy')
    const second = await request.get('/en/privacy')
    const [a, b] = [
      nonceOf(first.headers()['content-security-policy']),
      nonceOf(second.headers()['content-security-policy']),
    ]
    expect(a).not.toBe(b)
    expect(await second.text()).toContain(`nonce="${b}"`)
    expect(await second.text()).not.toContain(`nonce="${a}"`)

    const etag = second.headers()['etag']
    expect(etag).toBeTruthy()
    const revalidated = await request.get('/en/privacy', { headers: { 'If-None-Match': etag! } })
    expect(revalidated.status()).toBe(304)
    // A new nonce here would not match the scripts of the body the browser kept.
    expect(revalidated.headers()['content-security-policy']).toBeUndefined()
  })
})

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: string }

/** A request as a proxy or a script sends it, with any Host and method. */
function raw(baseURL: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const base = new URL(baseURL)
  return new Promise<Raw>((resolve, reject) => {
    const request = http.request(
      { host: base.hostname, port: base.port, method, path, headers, agent: false },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

test.describe('the edge against the production build', () => {
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' }

  test('behind a proxy that rewrites Host, a form from the site is served, not 500', async ({ baseURL }) => {
    // nginx's default: Host is the upstream's name; Origin is the site (PUBLIC_URL). The sign-in page is a
    // route with a page, so Remix's own origin check runs on the post (a resource route like logout skips it).
    const client = `198.51.100.${randomInt(1, 255)}`
    const upstream = { ...form, Host: 'palitra_upstream:3000', Origin: baseURL!, 'X-Forwarded-For': client }
    const signIn = await raw(baseURL!, 'POST', '/en/login', upstream, 'email=nobody%40mail.example&password=wrong-1')
    expect(signIn.status).toBe(400)
    expect(signIn.body).toContain(ui('en', 'account:errors.credentials'))
    const logout = await raw(baseURL!, 'POST', '/en/logout', upstream, '')
    expect(logout.status).toBe(302)
    expect(logout.headers.location).toBe('/en')
    // And a page asked for with that Host links to PUBLIC_URL, not to the upstream's name.
    const page = await raw(baseURL!, 'GET', '/en/privacy', { Host: 'palitra_upstream:3000' })
    expect(page.status).toBe(200)
    expect(page.body).toContain(`href="${baseURL}/ru/privacy"`)
    expect(page.body).not.toContain('palitra_upstream')
  })

  test('a form from another origin gets the localized 403, whatever Host and X-Forwarded-Host say', async ({
    baseURL,
  }) => {
    for (const [path, text] of [
      ['/en/logout', 'it did not come from a page of this site'],
      ['/ru/logout', 'пришёл не со страницы нашего сайта'],
    ] as const) {
      const answer = await raw(
        baseURL!,
        'POST',
        path,
        { ...form, Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', Origin: 'https://evil.example' },
        '',
      )
      expect(answer.status).toBe(403)
      expect(answer.body).toContain(text)
    }
  })

  test('the webhook exemption is decided on the normalized path', async ({ baseURL }) => {
    for (const path of ['/webhooks/%2e%2e/en/logout', '/webhooks/%2E%2E/en/logout']) {
      const answer = await raw(baseURL!, 'POST', path, { ...form, Origin: 'https://evil.example' }, '')
      expect(answer.status, path).toBe(403)
    }
  })

  test('TRACE answers 405 with Allow, never 500', async ({ baseURL }) => {
    for (const method of ['TRACE', 'OPTIONS', 'PUT']) {
      const answer = await raw(baseURL!, method, '/en')
      expect(answer.status, method).toBe(405)
      expect(answer.headers.allow).toBe('GET, HEAD, POST')
    }
  })

  test('/dev/mail is not served in production', async ({ request }) => {
    expect((await request.get('/dev/mail')).status()).toBe(404)
    expect((await request.get('/dev/mail/20260101T000000000Z-00000000')).status()).toBe(404)
  })
})
