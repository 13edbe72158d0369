/**
 * Request body limits, enforced before any route reads a byte, so that a
 * stream of huge bodies cannot grow the process's memory.
 *
 * Every request body is held back from the Remix handler until it has arrived
 * in full and within its route's limit: a declared Content-Length over the
 * limit is refused at once without reading, and a chunked body is counted as
 * it streams and refused the moment it passes the limit. A refusal answers
 * 413 (a localized message on pages) with `Connection: close`, drops what has
 * been held and reads no further; the Remix handler never sees the request,
 * so it never sees half a body. Memory per request is bounded by its limit.
 *
 * The one exception is the generation form with its photo: its own streaming
 * multipart reader (app/generation/upload.server.ts) counts and limits the
 * body as it parses, so here it is only refused by its declared length.
 */
import { readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import path from 'node:path'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { MAX_FORM_BODY_BYTES } from '~/generation/index.server'
import { logger } from '../app/platform/log.server'

const KB = 1024

export type BodyLimitRule = {
  /** What the limit is for, for the docs and the logs. */
  name: string
  /** Matched against the request path (without the query). */
  path: RegExp
  /** The largest body accepted, in bytes. */
  limit: number
  /** Passed through as it arrives (the route counts it itself); only a declared length is checked here. */
  streaming?: boolean
  /** What a refusal says: a localized sentence for pages, a bare status text for machines. */
  answer: 'page' | 'plain'
}

/**
 * The limits, first match wins. Keep them in this one table (docs/configuration.md
 * lists them).
 */
export const BODY_LIMITS: readonly BodyLimitRule[] = [
  // T-Bank's notifications are a flat JSON object of a few hundred bytes.
  { name: 'tbank-webhook', path: /^\/webhooks\/tbank\/?$/, limit: 16 * KB, answer: 'plain' },
  // Sanity sends the projection we configure, `{_id, _type}` (docs/sanity-dataset.md); room for a wider one.
  { name: 'sanity-webhook', path: /^\/webhooks\/sanity\/?$/, limit: 64 * KB, answer: 'plain' },
  { name: 'other-webhook', path: /^\/webhooks\//, limit: 16 * KB, answer: 'plain' },
  // The page-view beacon: a route pattern and a language.
  { name: 'page-view', path: /^\/api\/page-view\/?$/, limit: 4 * KB, answer: 'plain' },
  { name: 'api', path: /^\/api\//, limit: 16 * KB, answer: 'plain' },
  // The generation form (`/:lang?index`): a photo and a few fields, read by its own streaming reader.
  { name: 'generation-form', path: /^\/[a-z]{2}\/?$/, limit: MAX_FORM_BODY_BYTES, streaming: true, answer: 'page' },
  // Every other form: a few short fields (the same limit as app/platform/read-form.server.ts).
  { name: 'form', path: /^/, limit: 64 * KB, answer: 'page' },
]

/**
 * The path the router will match: the edge (server/app.ts) puts it in
 * res.locals after normalizing the request target, so a limit is chosen for
 * the route that will read the body (`/en/%2e%2e/webhooks/tbank` is the T-Bank
 * webhook). Mounted alone (its tests), the raw path.
 */
function routerPath(req: Request, res: Response): string {
  const normalized: unknown = res.locals.routerPath
  return typeof normalized === 'string' ? normalized : req.path
}

export function bodyLimitFor(pathname: string, rules: readonly BodyLimitRule[] = BODY_LIMITS): BodyLimitRule {
  return rules.find((rule) => rule.path.test(pathname)) ?? rules[rules.length - 1]!
}

type Messages = Record<'ru' | 'en', string>

function loadMessages(): Messages {
  const read = (locale: 'ru' | 'en') =>
    (
      JSON.parse(readFileSync(path.resolve('locales', locale, 'common.json'), 'utf8')) as {
        errors: { formTooLarge: string }
      }
    ).errors.formTooLarge
  return { ru: read('ru'), en: read('en') }
}

export type BodyLimitOptions = {
  rules?: readonly BodyLimitRule[]
  /** Called once per refusal (the server logs it). */
  onRefused?: (event: { rule: string; path: string; declared: number | null; received: number }) => void
}

/**
 * The middleware. Mount it before anything that could read a body; it calls
 * `next()` only once the whole body is in and within the limit.
 */
export function bodyLimit(options: BodyLimitOptions = {}): RequestHandler {
  const rules = options.rules ?? BODY_LIMITS
  const onRefused =
    options.onRefused ??
    ((event) => logger.warn({ event: 'body.too-large', ...event }, 'request body over its limit refused'))
  let messages: Messages | undefined

  function refuse(req: Request, res: Response, rule: BodyLimitRule, declared: number | null, received: number) {
    onRefused({ rule: rule.name, path: routerPath(req, res), declared, received })
    // The connection closes once the answer is written, so the rest of the body is never read.
    res.setHeader('Connection', 'close')
    res.setHeader('Cache-Control', 'no-store')
    if (rule.answer === 'page') {
      messages ??= loadMessages()
      const locale = /^\/en(\/|$)/.test(routerPath(req, res)) ? 'en' : 'ru'
      res.status(413).type('text/plain; charset=utf-8').send(messages[locale])
    } else {
      res.status(413).type('text/plain; charset=utf-8').send('Payload Too Large')
    }
    // Nothing more is wanted from this client: stop reading its body now.
    req.pause()
  }

  return (req: Request, res: Response, next: NextFunction) => {
    const rule = bodyLimitFor(routerPath(req, res), rules)
    const declaredHeader = req.headers['content-length']
    const declared = declaredHeader === undefined ? null : Number(declaredHeader)
    const chunked = req.headers['transfer-encoding'] !== undefined
    if (declared !== null && Number.isFinite(declared) && declared > rule.limit) {
      return refuse(req, res, rule, declared, 0)
    }
    // No body at all (Node's parser has already checked the framing).
    if (!chunked && (declared === null || declared === 0)) return next()
    if (rule.streaming) return next()
    holdUntilComplete(req, rule.limit, {
      complete: () => next(),
      tooLarge: (received) => refuse(req, res, rule, declared, received),
    })
  }
}

/**
 * Keeps the body away from its readers until it is complete. Node's HTTP
 * parser hands each body chunk to the request with `push` and ends it with
 * `push(null)`; this wraps `push` on this one request so that the chunks are
 * counted and held instead, then pushed through together once the end has
 * come. A client that stops sending leaves the request waiting, as any
 * body-reading server does, until the server's request timeout closes it.
 */
function holdUntilComplete(
  req: IncomingMessage,
  limit: number,
  on: { complete: () => void; tooLarge: (received: number) => void },
) {
  const originalPush = req.push
  const held: Buffer[] = []
  let received = 0
  let state: 'holding' | 'refused' | 'released' = 'holding'

  if (req.complete) {
    // The whole body arrived before this middleware ran, and is in the request's buffer.
    if (req.readableLength > limit) {
      state = 'refused'
      on.tooLarge(req.readableLength)
    } else {
      state = 'released'
      on.complete()
    }
    return
  }
  // Chunks the parser delivered before this middleware ran (an earlier
  // middleware waited) are taken out of the buffer and held with the rest;
  // reading them also lets the socket flow again if that buffer was full.
  for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) {
    received += chunk.byteLength
    held.push(chunk)
  }
  if (received > limit) {
    state = 'refused'
    held.length = 0
    on.tooLarge(received)
    return
  }

  req.push = function push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (state === 'released') return originalPush.call(req, chunk, encoding)
    if (state === 'refused') return true // dropped: the connection closes after the answer
    if (chunk === null) {
      state = 'released'
      req.push = originalPush
      for (const bytes of held) originalPush.call(req, bytes)
      held.length = 0
      originalPush.call(req, null)
      on.complete()
      return false
    }
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding)
    received += bytes.byteLength
    if (received > limit) {
      state = 'refused'
      held.length = 0
      on.tooLarge(received)
      return true
    }
    held.push(bytes)
    return true
  }
}
