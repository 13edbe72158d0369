import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createReadableStreamFromReadable } from '@remix-run/node'
import express from 'express'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MAX_FORM_BODY_BYTES } from '~/generation/upload.server'
import { MAX_WEBHOOK_BYTES } from '~/legal/webhook.server'
import { MAX_FORM_BYTES } from '~/platform/read-form.server'
import { MAX_NOTIFICATION_BYTES } from '~/payments/webhook.server'
import { BODY_LIMITS, bodyLimit, bodyLimitFor } from './body-limit'

// Real HTTP on an ephemeral port: the middleware in front of a handler that
// reads the body the way Remix's Express adapter does (a web stream over the
// Node request), recording what it saw.
type Seen = { path: string; bytes: number; complete: boolean }
let seen: Seen[] = []
const refusals: Array<{ rule: string; received: number; declared: number | null }> = []
let server: http.Server
let port: number

beforeAll(async () => {
  const app = express()
  app.use(bodyLimit({ onRefused: (event) => refusals.push(event) }))
  app.all('*', async (req, res) => {
    const complete = req.complete
    const body = await new Response(createReadableStreamFromReadable(req)).arrayBuffer()
    seen.push({ path: req.path, bytes: body.byteLength, complete })
    res.status(200).type('text/plain').send(`read ${body.byteLength}`)
  })
  server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  seen = []
  refusals.length = 0
})

type Answer = { status: number; body: string; headers: http.IncomingHttpHeaders }

/**
 * Sends `chunks` one write at a time (chunked unless `contentLength` is
 * given). Stops writing as soon as the answer arrives, as a client would.
 */
function send(
  path: string,
  chunks: Buffer[],
  { contentLength, headers = {} }: { contentLength?: number; headers?: Record<string, string> } = {},
): Promise<Answer & { written: number }> {
  return new Promise((resolve, reject) => {
    let written = 0
    let answered = false
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        ...(contentLength !== undefined ? { 'Content-Length': String(contentLength) } : {}),
        ...headers,
      },
    })
    req.on('response', (res) => {
      answered = true
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, written }))
    })
    // The server may close the connection after refusing while we still write.
    req.on('error', (error) => (answered ? undefined : reject(error)))
    const writeNext = (index: number) => {
      if (answered || req.destroyed) return
      if (index >= chunks.length) {
        if (contentLength === undefined || written >= contentLength) req.end()
        return
      }
      const chunk = chunks[index]!
      req.write(chunk, () => {
        written += chunk.byteLength
        setImmediate(() => writeNext(index + 1))
      })
    }
    req.flushHeaders()
    writeNext(0)
  })
}

const kb = (n: number) => Buffer.alloc(n * 1024, 'a')
const pieces = (count: number, size: number) => Array.from({ length: count }, () => kb(size))

describe('body limits before any handler reads (server/body-limit.ts)', () => {
  it('passes a chunked form body within the limit to the handler whole, and only once it is complete', async () => {
    const answer = await send('/en/guest', pieces(6, 8))
    expect(answer.status).toBe(200)
    expect(seen).toEqual([{ path: '/en/guest', bytes: 48 * 1024, complete: true }])
  })

  it('passes a body with Content-Length within the limit', async () => {
    const body = kb(10)
    const answer = await send('/ru/cookie-consent', [body], { contentLength: body.byteLength })
    expect(answer.status).toBe(200)
    expect(answer.body).toBe(`read ${body.byteLength}`)
  })

  it('refuses a declared Content-Length over the limit at once, before a byte of the body is sent', async () => {
    // No body is written at all: the answer must come from the header alone.
    const answer = await send('/en/register', [], { contentLength: 50 * 1024 * 1024 })
    expect(answer.status).toBe(413)
    expect(answer.headers.connection).toBe('close')
    expect(answer.body).toBe('The form holds too much data. Please shorten it and try again.')
    expect(seen).toEqual([])
    expect(refusals).toEqual([expect.objectContaining({ rule: 'form', declared: 50 * 1024 * 1024, received: 0 })])
  })

  it('refuses a chunked form body as soon as it passes the limit, in the page language, and stops reading', async () => {
    // 50 MB offered in 64 KB pieces; the refusal comes after the first 64 KB or so.
    const answer = await send('/ru/guest', pieces(800, 64))
    expect(answer.status).toBe(413)
    expect(answer.body).toBe('Слишком много данных в форме. Сократите текст и попробуйте ещё раз.')
    expect(seen).toEqual([])
    expect(refusals).toHaveLength(1)
    expect(refusals[0]!.received).toBeGreaterThan(64 * 1024)
    expect(refusals[0]!.received).toBeLessThanOrEqual(64 * 1024 + 64 * 1024)
    expect(answer.written).toBeLessThan(50 * 1024 * 1024)
  })

  for (const webhook of ['/webhooks/tbank', '/webhooks/sanity']) {
    it(`refuses an oversize ${webhook} body, chunked and declared, with or without a signature header`, async () => {
      const limit = bodyLimitFor(webhook).limit
      const signature = { 'sanity-webhook-signature': 't=1,v1=forged', 'Content-Type': 'application/json' }
      for (const headers of [{ 'Content-Type': 'application/json' }, signature]) {
        const chunked = await send(webhook, pieces(limit / 1024 + 8, 1), { headers })
        expect(chunked.status).toBe(413)
        expect(chunked.body).toBe('Payload Too Large')
        const declared = await send(webhook, [], { contentLength: limit + 1, headers })
        expect(declared.status).toBe(413)
      }
      // The handler (which checks the signature) never ran.
      expect(seen).toEqual([])
    })
  }

  it('lets a webhook body within its limit through whole', async () => {
    const answer = await send('/webhooks/tbank', [Buffer.from('{"OrderId":"x"}')], {
      headers: { 'Content-Type': 'application/json' },
    })
    expect(answer.status).toBe(200)
    expect(seen).toEqual([{ path: '/webhooks/tbank', bytes: 15, complete: true }])
  })

  it('refuses an oversize page-view beacon with a plain 413', async () => {
    const answer = await send('/api/page-view', pieces(8, 1))
    expect(answer.status).toBe(413)
    expect(answer.body).toBe('Payload Too Large')
  })

  it('leaves the generation form (its own streaming reader) to stream, but refuses its declared oversize', async () => {
    const within = await send('/en?index', pieces(4, 64), {
      headers: { 'Content-Type': 'multipart/form-data; boundary=x' },
    })
    expect(within.status).toBe(200)
    expect(seen).toEqual([expect.objectContaining({ path: '/en', bytes: 256 * 1024 })])
    const declared = await send('/en?index', [], { contentLength: MAX_FORM_BODY_BYTES + 1 })
    expect(declared.status).toBe(413)
    expect(declared.body).toBe('The form holds too much data. Please shorten it and try again.')
  })

  it('also holds a body that began to arrive while an earlier middleware was still busy', async () => {
    // The first 24 KB arrive with the headers while an earlier middleware holds the request, so
    // the parser has filled the request's buffer (and paused the socket) before the limit runs;
    // the other 16 KB are sent only after that middleware lets go.
    let requestArrived!: () => void
    const arrived = new Promise<void>((resolve) => (requestArrived = resolve))
    let letGo!: () => void
    const released = new Promise<void>((resolve) => (letGo = resolve))
    const delayed = express()
    delayed.use((_req, _res, next) => {
      requestArrived()
      void released.then(() => setImmediate(next))
    })
    delayed.use(bodyLimit({ onRefused: (event) => refusals.push(event) }))
    const delayedSeen: Seen[] = []
    delayed.all('*', async (req, res) => {
      const complete = req.complete
      const body = await new Response(createReadableStreamFromReadable(req)).arrayBuffer()
      delayedSeen.push({ path: req.path, bytes: body.byteLength, complete })
      res.status(200).send('ok')
    })
    const other = delayed.listen(0, '127.0.0.1')
    await new Promise((resolve) => other.once('listening', resolve))
    try {
      const otherPort = (other.address() as AddressInfo).port
      const answered = new Promise<number>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port: otherPort,
          method: 'POST',
          path: '/en/login',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 40 * 1024 },
        })
        req.on('response', (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        req.on('error', reject)
        req.write(kb(24))
        void arrived.then(() => {
          letGo()
          // After the limit has run (it runs a turn after the release).
          setImmediate(() => setImmediate(() => req.end(kb(16))))
        })
      })
      expect(await answered).toBe(200)
      expect(delayedSeen).toEqual([{ path: '/en/login', bytes: 40 * 1024, complete: true }])
    } finally {
      other.closeAllConnections()
      await new Promise((resolve) => other.close(resolve))
    }
  })

  it('answers a request without a body straight away', async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/en/privacy' }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        .on('error', reject)
    })
    expect(answer).toBe(200)
    expect(seen).toEqual([expect.objectContaining({ path: '/en/privacy', bytes: 0 })])
  })

  it('has one table with a limit for every route kind, the catch-all form limit last', () => {
    expect(BODY_LIMITS.at(-1)).toMatchObject({ name: 'form', limit: 64 * 1024 })
    expect(bodyLimitFor('/en/account/delete').name).toBe('form')
    expect(bodyLimitFor('/webhooks/tbank').name).toBe('tbank-webhook')
    expect(bodyLimitFor('/en').name).toBe('generation-form')
    // The same numbers as the readers inside the app, which check again.
    expect(bodyLimitFor('/en/login').limit).toBe(MAX_FORM_BYTES)
    expect(bodyLimitFor('/webhooks/tbank').limit).toBe(MAX_NOTIFICATION_BYTES)
    expect(bodyLimitFor('/webhooks/sanity').limit).toBe(MAX_WEBHOOK_BYTES)
    expect(bodyLimitFor('/ru').limit).toBe(MAX_FORM_BODY_BYTES)
  })
})
