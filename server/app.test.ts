// The HTTP edge (server/app.ts) on an ephemeral loopback port, with a stub
// handler in place of Remix that reports what reached it.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { type Env, parseEnv } from '../app/platform/env.server'
import { createApp, listen, type EdgeLocals, type EdgeSettings } from './app'

type Seen = {
  ip: string | undefined
  method: string
  url: string
  host: string | undefined
  forwardedHost: string | undefined
  locals: EdgeLocals
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** Starts the edge with these settings (as parseEnv reads them) and a stub handler. */
async function startEdge(settings: Record<string, string> = {}) {
  const env: Env = parseEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://palitra.example', ...settings })
  const edgeEnv: EdgeSettings = env
  const app = createApp({
    env: edgeEnv,
    handler: (req, res) => {
      const seen: Seen = {
        ip: req.ip,
        method: req.method,
        url: req.originalUrl,
        host: req.headers.host,
        forwardedHost: req.headers['x-forwarded-host'] as string | undefined,
        locals: res.locals as EdgeLocals,
      }
      res.json(seen)
    },
  })
  const server = listen(app, 0, '127.0.0.1')
  servers.push(server)
  await new Promise((resolve) => server.once('listening', resolve))
  return (server.address() as AddressInfo).port
}

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One raw HTTP request (any method, any Host, from any local address). */
function send(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; from?: string; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/en',
        headers: options.headers,
        localAddress: options.from,
        agent: false,
      },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
      },
    )
    request.on('error', reject)
    request.end(options.body)
  })
}

const seenBy = (answer: Answer) => JSON.parse(answer.body) as Seen

describe('the client address (TRUST_PROXY)', () => {
  const spoofed = { 'X-Forwarded-For': '6.6.6.6, 203.0.113.7' }

  it('behind one proxy (TRUST_PROXY=1) is the address that proxy appended, not the one the client wrote', async () => {
    const port = await startEdge({ TRUST_PROXY: '1' })
    expect(seenBy(await send(port, { headers: spoofed })).ip).toBe('203.0.113.7')
    expect(seenBy(await send(port, { headers: { 'X-Forwarded-For': '203.0.113.8' } })).ip).toBe('203.0.113.8')
  })

  it('with the default (loopback proxies only) is the rightmost address a loopback proxy appended', async () => {
    const port = await startEdge()
    expect(seenBy(await send(port, { headers: spoofed })).ip).toBe('203.0.113.7')
    expect(seenBy(await send(port, {})).ip).toBe('127.0.0.1')
  })

  it('with a list of proxy addresses trusts only those peers: any other client is its socket address, whatever it sends', async () => {
    // 127.0.0.2 plays the proxy; 127.0.0.1 a client that connects directly.
    const port = await startEdge({ TRUST_PROXY: '127.0.0.2' })
    expect(seenBy(await send(port, { headers: spoofed, from: '127.0.0.1' })).ip).toBe('127.0.0.1')
    expect(seenBy(await send(port, { headers: spoofed, from: '127.0.0.2' })).ip).toBe('203.0.113.7')
    // A chain of proxies in a range: every trusted hop is skipped, the first untrusted one is the client.
    const chain = await startEdge({ TRUST_PROXY: '127.0.0.0/8,10.0.0.0/8' })
    expect(seenBy(await send(chain, { headers: { 'X-Forwarded-For': '6.6.6.6, 198.51.100.4, 10.1.2.3' } })).ip).toBe(
      '198.51.100.4',
    )
  })
})

describe('the origin check and the Host that reaches Remix', () => {
  const form = (origin: string, extra: Record<string, string> = {}) => ({
    method: 'POST',
    path: '/en/login',
    headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded', ...extra },
    body: 'email=a%40mail.example',
  })

  it('behind a proxy that rewrites Host, a form from PUBLIC_URL reaches the handler addressed to PUBLIC_URL', async () => {
    const port = await startEdge({ TRUST_PROXY: '1' })
    // nginx's default: Host is the upstream's name.
    const answer = await send(
      port,
      form('https://palitra.example', { Host: 'palitra_upstream:3000', 'X-Forwarded-Host': 'other.example' }),
    )
    expect(answer.status).toBe(200)
    const seen = seenBy(answer)
    expect(seen.host).toBe('palitra.example')
    expect(seen.forwardedHost).toBeUndefined()
    expect(seen.method).toBe('POST')
  })

  it('refuses a form from another origin with the localized 403, whatever Host says', async () => {
    const port = await startEdge()
    const en = await send(port, form('https://evil.example', { Host: 'evil.example' }))
    expect(en.status).toBe(403)
    expect(en.headers['content-type']).toMatch(/^text\/plain/)
    expect(en.body).toContain('it did not come from a page of this site')
    const ru = await send(port, { ...form('https://palitra.example.evil.example'), path: '/ru/login' })
    expect(ru.status).toBe(403)
    expect(ru.body).toContain('пришёл не со страницы нашего сайта')
  })

  it('decides the webhook exemption on the path the router uses: /webhooks/%2e%2e/en/logout is /en/logout', async () => {
    const port = await startEdge()
    for (const path of ['/webhooks/%2e%2e/en/logout', '/webhooks/../en/logout', '/webhooks/%2E%2E/en/logout']) {
      const answer = await send(port, { ...form('https://evil.example'), path })
      expect(answer.status, path).toBe(403)
      expect(answer.body, path).toContain('it did not come from a page of this site')
    }
    // A real webhook path stays exempt (it is signed instead).
    const webhook = await send(port, { ...form('https://bank.example'), path: '/webhooks/tbank' })
    expect(webhook.status).toBe(200)
  })
})

describe("body limits on the router's path", () => {
  it('a body for /en/%2e%2e/webhooks/tbank is held to the T-Bank webhook limit, the route that will read it', async () => {
    const port = await startEdge()
    const body = 'x'.repeat(20 * 1024) // over the webhook's 16 KB, under a form's 64 KB
    const answer = await send(port, {
      method: 'POST',
      path: '/en/%2e%2e/webhooks/tbank',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length) },
      body,
    })
    expect(answer.status).toBe(413)
    expect(answer.body).toBe('Payload Too Large')
  })
})

describe('request targets', () => {
  it('an absolute-form or asterisk target answers 400, never reaching the handler', async () => {
    const port = await startEdge()
    for (const path of ['http://other.example/en', '*']) {
      const answer = await send(port, { method: 'GET', path })
      expect(answer.status, path).toBe(400)
      expect(answer.body, path).toBe('Некорректный запрос / Bad request')
    }
  })
})

describe('methods the site does not serve', () => {
  it('TRACE, PUT, DELETE, PATCH and OPTIONS answer 405 with Allow, localized, and never reach the handler', async () => {
    const port = await startEdge()
    for (const method of ['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND']) {
      const answer = await send(port, { method, path: '/en/login' })
      expect(answer.status, method).toBe(405)
      expect(answer.headers.allow, method).toBe('GET, HEAD, POST')
      expect(answer.body, method).toContain(`(the ${method} method)`)
    }
    const ru = await send(port, { method: 'TRACE', path: '/ru' })
    expect(ru.body).toContain('метод TRACE')
    // TRACK is not even HTTP to Node's parser: it answers 400 before any code of ours runs.
    expect((await send(port, { method: 'TRACK', path: '/en' })).status).toBe(400)
  })

  it("answers the Studio's CORS preflight of /api/studio/* (204, its origin only) and nothing else's", async () => {
    const studio = 'https://palitra.sanity.studio'
    const port = await startEdge({ SANITY_STUDIO_URL: `${studio}/desk` })
    const path = '/api/studio/publish-impact?kind=terms&locale=ru&version=2'
    const fromStudio = await send(port, { method: 'OPTIONS', path, headers: { Origin: studio } })
    expect(fromStudio.status).toBe(204)
    expect(fromStudio.headers['access-control-allow-origin']).toBe(studio)
    expect(fromStudio.headers['access-control-allow-methods']).toBe('GET')
    expect(fromStudio.headers['cache-control']).toBe('no-store')
    const fromElsewhere = await send(port, { method: 'OPTIONS', path, headers: { Origin: 'https://evil.example' } })
    expect(fromElsewhere.status).toBe(204)
    expect(fromElsewhere.headers['access-control-allow-origin']).toBeUndefined()
    // Any other path keeps its 405, and the preflight never reaches the handler.
    expect((await send(port, { method: 'OPTIONS', path: '/api/page-view', headers: { Origin: studio } })).status).toBe(
      405,
    )
    expect(fromStudio.body).toBe('')
  })

  it('CONNECT answers 405 instead of a dropped connection', async () => {
    const port = await startEdge()
    const answer = await new Promise<{ status: number; allow: string | undefined }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: 'palitra.example:443' })
      request.on('connect', (response, socket) => {
        socket.destroy()
        resolve({ status: response.statusCode ?? 0, allow: response.headers.allow })
      })
      request.on('response', (response) => resolve({ status: response.statusCode ?? 0, allow: response.headers.allow }))
      request.on('error', reject)
      request.end()
    })
    expect(answer).toEqual({ status: 405, allow: 'GET, HEAD, POST' })
  })
})

describe('security headers', () => {
  it('sends HSTS when PUBLIC_URL is https, and the nonce and page policy to the handler', async () => {
    const port = await startEdge()
    const answer = await send(port, {})
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000')
    expect(answer.headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    expect(answer.headers['permissions-policy']).toBe('camera=(), microphone=(), geolocation=()')
    expect(answer.headers['x-frame-options']).toBe('DENY')
    const { locals } = seenBy(answer)
    expect(locals.cspNonce).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    expect(locals.contentSecurityPolicy).toContain(`script-src 'self' 'nonce-${locals.cspNonce}'`)
    expect(locals.contentSecurityPolicy).toContain("frame-ancestors 'none'")
    // A new nonce for every response.
    expect(seenBy(await send(port, {})).locals.cspNonce).not.toBe(locals.cspNonce)
  })

  it('sends no HSTS for an http site', async () => {
    const port = await startEdge({ PUBLIC_URL: 'http://127.0.0.1:3000' })
    expect((await send(port, {})).headers['strict-transport-security']).toBeUndefined()
  })
})
