// What the multi-instance tests run beside Palitra: a throwaway PostgreSQL
// database, small stand-ins for the T-Bank acquiring API and the OpenAI
// Images API on loopback ports, the generation worker process
// (build/worker-entry.js), and an HTTP client with a cookie jar.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import path from 'node:path'
import pg from 'pg'
import sharp from 'sharp'
import { ROOT, SERVER_ENTRY } from '../e2e/support/production-server.mjs'

export const WORKER_ENTRY = path.join(ROOT, 'build/worker-entry.js')

/**
 * Starts one web instance (`node build/server-entry.js`, NODE_ENV=production)
 * and resolves once it serves /healthz. Not /readyz: the seed privacy policy
 * does not list the OpenAI stand-in's provider, so readiness reports the
 * undisclosed integration (docs/decisions/009), which is not what these tests
 * are about.
 */
export async function startWebProcess({ port, dataDir, env }) {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    return exited
  }
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return { url, child, exited, output: () => output, stop, started: false }
    }
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })
      .then((response) => response.ok)
      .catch(() => false)
    if (ok) return { url, child, exited, output: () => output, stop, started: true }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the web instance on ${url} did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
}

// ---------------------------------------------------------------------------
// PostgreSQL

/** A fresh, empty database on TEST_PG_URL's server (the app migrates it at start); drop() removes it. */
export async function createThrowawayDatabase() {
  const serverUrl = process.env.TEST_PG_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/postgres'
  const name = `palitra_scale_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = async (statement) => {
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 })
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  }
  await admin(`create database "${name}"`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 })
  pool.on('error', () => {}) // idle clients ended by the final drop
  return {
    url: url.toString(),
    /** Runs a query on the database (for assertions), returning the rows. */
    query: async (text, values) => (await pool.query(text, values)).rows,
    drop: async () => {
      await pool.end()
      await admin(`drop database if exists "${name}" with (force)`)
    },
  }
}

// ---------------------------------------------------------------------------
// HTTP stand-ins

function listen(handler) {
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((error) => {
        res.writeHead(500).end(String(error))
      })
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({
        server,
        port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

/** T-Bank's documented signature: root-level scalars and Password, sorted by key, values joined, SHA-256 hex. */
export function tbankSign(params, password) {
  const flat = { Password: password }
  for (const [key, value] of Object.entries(params)) {
    if (key === 'Token' || value === null || value === undefined || typeof value === 'object') continue
    flat[key] = String(value)
  }
  const joined = Object.keys(flat)
    .sort()
    .map((key) => flat[key])
    .join('')
  return createHash('sha256').update(joined, 'utf8').digest('hex')
}

/**
 * The T-Bank acquiring API v2 for one terminal: Init (checks the Token,
 * answers a PaymentURL on this server), GetState and Cancel. `payments`
 * holds what Init created; notification(paymentId, status) builds the
 * signed body the bank would POST to NotificationURL.
 */
export async function startTbankStandIn({ terminalKey, password }) {
  const payments = new Map()
  let nextId = 5_100_000_001
  const answer = (res, body) => {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const fail = (res, code, message) => answer(res, { Success: false, ErrorCode: code, Message: message })
  const listening = await listen((req, res, raw) => {
    const method = /^\/v2\/(\w+)$/.exec(req.url ?? '')?.[1]
    if (req.method !== 'POST' || !method) return res.writeHead(404).end()
    let body
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch {
      return fail(res, '2', 'bad JSON')
    }
    if (body.TerminalKey !== terminalKey || body.Token !== tbankSign(body, password)) {
      return fail(res, '204', 'Неверный токен. Проверьте пару TerminalKey/SecretKey.')
    }
    const ok = (fields) => answer(res, { Success: true, ErrorCode: '0', TerminalKey: terminalKey, ...fields })
    if (method === 'Init') {
      const PaymentId = String(nextId++)
      const payment = {
        PaymentId,
        OrderId: body.OrderId,
        Amount: body.Amount,
        Status: 'NEW',
        PaymentURL: `http://127.0.0.1:${listening.port}/pay/${PaymentId}`,
        init: body,
      }
      payments.set(PaymentId, payment)
      return ok({
        Status: 'NEW',
        PaymentId,
        OrderId: body.OrderId,
        Amount: body.Amount,
        PaymentURL: payment.PaymentURL,
      })
    }
    const payment = payments.get(String(body.PaymentId))
    if (!payment) return fail(res, '1', 'payment not found')
    if (method === 'GetState') {
      return ok({
        Status: payment.Status,
        PaymentId: payment.PaymentId,
        OrderId: payment.OrderId,
        Amount: payment.Amount,
      })
    }
    return fail(res, '8', `${method} is not offered by this stand-in`)
  })
  return {
    url: `http://127.0.0.1:${listening.port}/v2`,
    payments,
    /** The signed body of the bank's notification that the payment reached `status`. */
    notification(paymentId, status) {
      const payment = payments.get(String(paymentId))
      payment.Status = status
      const body = {
        TerminalKey: terminalKey,
        OrderId: payment.OrderId,
        Success: true,
        Status: status,
        PaymentId: Number(payment.PaymentId),
        ErrorCode: '0',
        Amount: payment.Amount,
        CardId: 4_021_337,
        Pan: '220000******0004',
        ExpDate: '1230',
      }
      return { ...body, Token: tbankSign(body, password) }
    },
    close: listening.close,
  }
}

/**
 * The OpenAI Images API (`/v1/images/generations` and `/v1/images/edits`):
 * answers real PNG images. A prompt containing HOLD is held, the first time,
 * without an answer (onHeld resolves), so a test can kill the worker
 * mid-job; a prompt containing REFUSE is refused with HTTP 400. `calls`
 * counts requests by marker.
 */
export async function startOpenAiStandIn() {
  const calls = { total: 0, HOLD: 0, REFUSE: 0, edits: 0 }
  const held = []
  let heldOnce = false
  let resolveHeld
  const onHeld = new Promise((resolve) => (resolveHeld = resolve))
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366aa' } })
    .png()
    .toBuffer()
  const listening = await listen((req, res, raw) => {
    if (req.method !== 'POST' || !/^\/v1\/images\/(generations|edits)$/.test(req.url ?? '')) {
      return res.writeHead(404).end()
    }
    calls.total++
    const text = raw.toString('latin1')
    let count = 1
    if (req.url.endsWith('/edits')) {
      calls.edits++
      // The photo must have come along: a multipart part named "image".
      if (!/name="image"; filename=/.test(text)) return res.writeHead(400).end('{"error":{"message":"no image"}}')
      count = Number(/name="n"\r\n\r\n(\d+)/.exec(text)?.[1] ?? '1')
    } else {
      count = Number(JSON.parse(raw.toString('utf8')).n ?? 1)
    }
    if (text.includes('REFUSE')) {
      calls.REFUSE++
      res.writeHead(400, { 'Content-Type': 'application/json' })
      return res.end(JSON.stringify({ error: { code: 'moderation_blocked', message: 'refused by the stand-in' } }))
    }
    if (text.includes('HOLD')) {
      calls.HOLD++
      if (!heldOnce) {
        heldOnce = true
        held.push(res)
        resolveHeld()
        return // no answer: the worker is killed while it waits
      }
    }
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(
      JSON.stringify({ created: 0, data: Array.from({ length: count }, () => ({ b64_json: png.toString('base64') })) }),
    )
  })
  return {
    url: `http://127.0.0.1:${listening.port}/v1`,
    calls,
    onHeld,
    close: async () => {
      for (const res of held) res.destroy()
      await listening.close()
    },
  }
}

// ---------------------------------------------------------------------------
// The worker process

/**
 * Starts `build/worker-entry.js` (what `npm run worker` runs after bundling)
 * and resolves once it logs that its workers started. Its output is kept
 * for failure messages.
 */
export function startWorkerProcess(env) {
  const child = spawn(process.execPath, [WORKER_ENTRY], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const started = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk
      if (output.includes('"event":"worker.started"')) resolve()
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then(({ code, signal }) => reject(new Error(`the worker exited (${code ?? signal}):\n${output}`)))
  })
  return {
    child,
    started,
    exited,
    output: () => output,
    /** Ends it at once, as a crash or an OOM kill would: no shutdown, no lease handed back. */
    kill: async () => {
      child.kill('SIGKILL')
      return exited
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

// ---------------------------------------------------------------------------
// A browser without JavaScript: cookies and forms

/** A client of one person: its cookies go to every instance (they share SESSION_SECRET and the database). */
export function newClient() {
  const jar = new Map()
  async function request(base, pathname, init = {}) {
    const headers = new Headers(init.headers)
    if (jar.size > 0) headers.set('Cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '))
    if (init.method && init.method !== 'GET') headers.set('Origin', base)
    const response = await fetch(`${base}${pathname}`, { ...init, headers, redirect: 'manual' })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      if (expired) jar.delete(name)
      else jar.set(name, value)
    }
    return response
  }
  return {
    jar,
    request,
    get: (base, pathname) => request(base, pathname),
    postForm: (base, pathname, fields) =>
      request(base, pathname, { method: 'POST', body: new URLSearchParams(fields) }),
    postMultipart: (base, pathname, form) => request(base, pathname, { method: 'POST', body: form }),
  }
}

/** The value of a hidden field in a server-rendered form. */
export function hiddenField(html, name) {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)
  if (!match) throw new Error(`no hidden ${name} field in the page`)
  return match[1].replaceAll('&quot;', '"').replaceAll('&amp;', '&')
}

/** A small real photo for uploads (at least 64 px a side). */
export function samplePhoto() {
  return sharp({ create: { width: 160, height: 120, channels: 3, background: '#c08040' } })
    .png()
    .toBuffer()
}
