/**
 * The HTTP edge: everything a request meets before Remix. server/index.ts
 * starts it with the Remix handler; the tests start it with a stub handler.
 *
 * In order:
 *  1. a request id and the request log line;
 *  2. methods the site does not serve (TRACE, TRACK, PUT, OPTIONS…) answer
 *     405 with Allow; CONNECT too (see listen()); only the Studio's CORS
 *     preflight of /api/studio/* is answered (204);
 *  3. security headers on every response, and a fresh CSP nonce;
 *  4. the cross-site request check, on the path the router will use;
 *  5. with PUBLIC_URL, the request is re-addressed to it (Host, no
 *     X-Forwarded-Host), so Remix's own origin check agrees with ours and
 *     request.url is built on PUBLIC_URL whatever Host a proxy sent;
 *  6. body limits (server/body-limit.ts): a body is held until it is complete
 *     and within its route's limit, or refused with 413;
 *  7. compression, `before` (static files, Vite), then the handler.
 * The client's address is req.ip: Express walks X-Forwarded-For from the
 * right and stops at the first peer TRUST_PROXY does not trust.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import path from 'node:path'
import compression from 'compression'
import express, { type Express, type Request, type RequestHandler, type Response } from 'express'
import type { Env } from '../app/platform/env.server'
import { logger, withRequestContext } from '../app/platform/log.server'
import { isSameOriginRequest } from '../app/platform/security/csrf'
import { contentSecurityPolicy, newNonce, strictTransportSecurity } from '../app/platform/security/headers'
import { STUDIO_API_PREFIX, studioOrigin, studioPreflightHeaders } from '../app/platform/security/studio'
import { bodyLimit } from './body-limit'

export type EdgeSettings = Pick<
  Env,
  | 'NODE_ENV'
  | 'PUBLIC_URL'
  | 'trustProxy'
  | 'TELEGRAM_BOT_TOKEN'
  | 'TELEGRAM_BOT_NAME'
  | 'TBANK_TERMINAL_KEY'
  | 'SANITY_STUDIO_URL'
>

/** What the edge hands the handler in res.locals (and server/index.ts passes to Remix as load context). */
export type EdgeLocals = {
  /** This response's CSP nonce. */
  cspNonce: string
  /** The policy of an HTML page, naming cspNonce; undefined in development (Vite injects its own scripts). */
  contentSecurityPolicy?: string
}

export type CreateAppOptions = {
  env: EdgeSettings
  /** Serves what the edge lets through: the Remix request handler. */
  handler: RequestHandler
  /** Middleware between the edge and the handler: body limits, static files, Vite's dev server. */
  before?: RequestHandler[]
}

/** The methods the site serves; every other answers 405. */
export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST'] as const
const ALLOW = ALLOWED_METHODS.join(', ')

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/

type Locale = 'ru' | 'en'
type EdgeStrings = { crossSite: string; methodNotAllowed: string; badRequestTitle: string }

function loadStrings(): Record<Locale, EdgeStrings> {
  const read = (locale: Locale) =>
    (JSON.parse(readFileSync(path.resolve('locales', locale, 'common.json'), 'utf8')) as { errors: EdgeStrings }).errors
  return { ru: read('ru'), en: read('en') }
}

/**
 * The URL the router will see: the request target after WHATWG URL parsing
 * on `origin` (dot segments, %2e, backslashes resolved), exactly as the Remix
 * request is built (remixRequestUrl below). Null for a target that is not a
 * path ("*", an absolute-form URL) or that does not parse.
 */
export function routerUrl(origin: string, target: string): URL | null {
  if (!target.startsWith('/')) return null
  try {
    return new URL(`${origin}${target}`)
  } catch {
    return null
  }
}

/** The origin requests are addressed to: PUBLIC_URL, else (development) the scheme and Host the request came with. */
export function requestOrigin(req: Request, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`
}

function localeOf(pathname: string): Locale {
  return /^\/en(\/|$)/.test(pathname) ? 'en' : 'ru'
}

function plain(res: Response, status: number, text: string) {
  res.status(status).type('text/plain; charset=utf-8').setHeader('Cache-Control', 'no-store')
  res.send(text)
}

export function createApp({ env, handler, before = [] }: CreateAppOptions): Express {
  const strings = loadStrings()
  const isProduction = env.NODE_ENV === 'production'
  const hsts = strictTransportSecurity(env.PUBLIC_URL)
  const policy = {
    telegram: Boolean(env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_BOT_NAME),
    bankCheckout: Boolean(env.TBANK_TERMINAL_KEY),
  }
  const publicHost = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).host : null

  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', env.trustProxy)

  // 1. Every log line written while handling a request carries its id; the
  // id is returned to the client so a person can quote it to support.
  app.use((req, res, next) => {
    const incoming = req.get('x-request-id')
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID()
    res.setHeader('X-Request-Id', requestId)
    const started = process.hrtime.bigint()
    withRequestContext(requestId, () => {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6
        const level = res.statusCode >= 500 ? 'error' : 'info'
        logger[level](
          { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
          'request',
        )
      })
      next()
    })
  })

  // 2. Methods the site does not serve. (TRACE would otherwise reach the
  // fetch Request constructor, which refuses it with an exception: a 500.)
  app.use((req, res, next) => {
    if ((ALLOWED_METHODS as readonly string[]).includes(req.method)) return next()
    const method = /^[A-Z-]{1,20}$/.test(req.method) ? req.method : '?'
    const url = routerUrl('http://edge.invalid', req.originalUrl)
    // The Studio's CORS preflight of its API (Remix serves no OPTIONS): answered here, nothing else is.
    if (req.method === 'OPTIONS' && url?.pathname.startsWith(STUDIO_API_PREFIX)) {
      const headers = studioPreflightHeaders(req.get('origin'), studioOrigin(env.SANITY_STUDIO_URL))
      for (const [name, value] of headers) res.setHeader(name, value)
      return res.status(204).end()
    }
    res.setHeader('Allow', ALLOW)
    plain(res, 405, strings[localeOf(url?.pathname ?? '/')].methodNotAllowed.replace('{{method}}', method))
  })

  // 3. Headers for every response; pages add the Content-Security-Policy
  // (app/entry.server.tsx) with this nonce, which their inline scripts carry.
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
    if (hsts) res.setHeader('Strict-Transport-Security', hsts)
    const nonce = newNonce()
    const locals: EdgeLocals = {
      cspNonce: nonce,
      contentSecurityPolicy: isProduction ? contentSecurityPolicy(nonce, policy) : undefined,
    }
    Object.assign(res.locals, locals)
    next()
  })

  // 4. Cross-site request forgery: a state-changing request must come from a
  // page of this site (Origin, or Referer when Origin is absent). SameSite=Lax
  // cookies are the second layer. Webhooks are signed instead and exempt:
  // decided on the path the router will match, never on the raw one
  // (/webhooks/%2e%2e/en/logout is /en/logout).
  app.use((req, res, next) => {
    const url = routerUrl(requestOrigin(req, env.PUBLIC_URL), req.originalUrl)
    // A target that is not a path names no language: both.
    if (!url) return plain(res, 400, `${strings.ru.badRequestTitle} / ${strings.en.badRequestTitle}`)
    // The body limit (step 6) picks its route's limit on this path too.
    res.locals.routerPath = url.pathname
    const exempt = url.pathname.startsWith('/webhooks/')
    const sameOrigin =
      exempt ||
      isSameOriginRequest({
        method: req.method,
        origin: req.get('origin'),
        referer: req.get('referer'),
        host: req.get('host'),
        publicUrl: env.PUBLIC_URL,
      })
    if (!sameOrigin) {
      logger.warn(
        { event: 'csrf.refused', method: req.method, path: url.pathname, origin: req.get('origin') },
        'cross-site request refused',
      )
      return plain(res, 403, strings[localeOf(url.pathname)].crossSite)
    }
    // 5. The request now goes on addressed to PUBLIC_URL: whatever Host a
    // proxy sent (nginx sends the upstream's name by default), Remix compares
    // Origin with this Host and builds request.url on it.
    if (publicHost) {
      req.headers.host = publicHost
      delete req.headers['x-forwarded-host']
    }
    next()
  })

  // 6. No body reaches the handler before it is complete and within its limit.
  app.use(bodyLimit())

  app.use(compression())
  for (const middleware of before) app.use(middleware)
  app.all('*', handler)
  return app
}

/**
 * Listens like app.listen, and answers CONNECT (which Node hands to a
 * 'connect' listener instead of Express, or drops the connection) with 405.
 */
export function listen(app: Express, port: number, host: string, onListening?: () => void): Server {
  const server = app.listen(port, host, onListening)
  server.on('connect', (_req, socket) => {
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\nAllow: ${ALLOW}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
  })
  return server
}
