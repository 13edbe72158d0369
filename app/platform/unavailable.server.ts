import type { ServerBuild } from '@remix-run/node'
import { logger } from '~/platform/log.server'
import en from '../../locales/en/common.json'
import ru from '../../locales/ru/common.json'

/**
 * Failing well when something the site depends on is down (docs/decisions/017).
 *
 * One kind of failure, "service unavailable", with three causes:
 *  - `database`: PostgreSQL does not answer (terminated, not accepting
 *    connections, a pool timeout, a failover to a read-only server);
 *  - `network`: a server we connect to refused or dropped the connection
 *    (PostgreSQL refusing connections shows as this, so does a down S3);
 *  - `documents`: the legal documents a form must show cannot be loaded (the
 *    content source is down and the archive holds nothing servable, or no
 *    version is in force).
 *
 * Every loader and action of the server build runs inside `guardBuild`: such
 * an error becomes a 503 with `Retry-After` instead of a 500. Pages render the
 * localized error page from it; resource routes (webhooks, APIs) answer the
 * 503 as it is, so the bank delivers its notification again later.
 * Classification is by shape (codes, messages, names), never `instanceof`:
 * the Express entry and the Remix build are separate bundles.
 */

export type UnavailableKind = 'database' | 'network' | 'documents'

/** Seconds a client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 30

// Node's socket errors: the server is down, unreachable or went away.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
])

// SQLSTATEs of a server that cannot take work now (class 08 is checked apart).
const SQLSTATES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, a fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '53300', // too_many_connections
  '25006', // read_only_sql_transaction (a failover left us on a standby)
  '3D000', // invalid_catalog_name: the database is gone
])

// node-postgres reports these as plain Errors without a code.
const PG_MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /is not queryable/i,
  /not currently accepting connections/i,
]

function databaseDown(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (typeof code === 'string' && (SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true
  return typeof message === 'string' && PG_MESSAGES.some((pattern) => pattern.test(message))
}

function networkDown(error: object): boolean {
  const { code } = error as { code?: unknown }
  return typeof code === 'string' && NETWORK_CODES.has(code)
}

function documentsMissing(error: object): boolean {
  // NoVersionInForceError (~/consent/current-versions.server) and
  // ContentUnavailableError (~/legal/content/source).
  const { name } = error as { name?: unknown }
  return name === 'NoVersionInForceError' || name === 'ContentUnavailableError'
}

/**
 * What made this error a "service unavailable", or null for any other error.
 * Looks through `cause` chains (drizzle wraps driver errors) and the errors
 * of an AggregateError (a host name with several addresses, all refused).
 */
export function unavailableKind(error: unknown): UnavailableKind | null {
  const seen = new Set<unknown>()
  const pending: unknown[] = [error]
  let documents = false
  let network = false
  while (pending.length > 0 && seen.size < 20) {
    const current = pending.shift()
    if (typeof current !== 'object' || current === null || seen.has(current)) continue
    seen.add(current)
    if (current instanceof Response) continue
    if (databaseDown(current)) return 'database'
    // Its cause is the content source's own failure (Sanity's network error), not ours to classify.
    if (documentsMissing(current)) {
      documents = true
      continue
    }
    if (networkDown(current)) network = true
    const { cause, errors } = current as { cause?: unknown; errors?: unknown }
    if (cause !== undefined) pending.push(cause)
    if (Array.isArray(errors)) pending.push(...errors)
  }
  return documents ? 'documents' : network ? 'network' : null
}

const TEXTS = {
  ru: {
    database: ru.errors.unavailableText,
    network: ru.errors.unavailableText,
    documents: ru.errors.contentUnavailableText,
  },
  en: {
    database: en.errors.unavailableText,
    network: en.errors.unavailableText,
    documents: en.errors.contentUnavailableText,
  },
}

/** The body a page's error boundary reads (see ~/components/error-page). */
export type UnavailableData = { unavailable: UnavailableKind }

/**
 * The 503 thrown in place of the error. Pages get a small JSON body their
 * error boundary turns into the localized page; resource routes get the
 * localized sentence as text (by the path's language, Russian by default).
 */
export function unavailableResponse(kind: UnavailableKind, request: Request, page: boolean): Response {
  const headers = new Headers({ 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' })
  if (page) {
    headers.set('Content-Type', 'application/json; charset=utf-8')
    return new Response(JSON.stringify({ unavailable: kind } satisfies UnavailableData), { status: 503, headers })
  }
  const locale = /^\/en(\/|$)/.test(new URL(request.url).pathname) ? 'en' : 'ru'
  headers.set('Content-Type', 'text/plain; charset=utf-8')
  return new Response(TEXTS[locale][kind], { status: 503, headers })
}

type Handler = (args: { request: Request }) => unknown

function guard<F extends Handler>(handler: F, routeId: string, page: boolean): F {
  const guarded = async (args: Parameters<F>[0]) => {
    try {
      return await handler(args)
    } catch (error) {
      const kind = unavailableKind(error)
      if (!kind) throw error
      logger.error(
        { event: `service-unavailable.${kind}`, route: routeId, method: args.request.method, err: error },
        kind === 'documents'
          ? 'legal documents unavailable: answered 503'
          : 'a service this request needs is unavailable: answered 503',
      )
      throw unavailableResponse(kind, args.request, page)
    }
  }
  return guarded as unknown as F
}

const guardedBuilds = new WeakMap<ServerBuild, ServerBuild>()

/**
 * The server build with every loader and action guarded: an unavailable
 * database or missing legal documents answer 503 + Retry-After, never 500.
 * The same build object always gives the same guarded build (dev reloads).
 */
export function guardBuild(build: ServerBuild): ServerBuild {
  const known = guardedBuilds.get(build)
  if (known) return known
  const routes: ServerBuild['routes'] = {}
  for (const [id, route] of Object.entries(build.routes)) {
    if (!route) continue
    const module = route.module
    // A route with a component renders the error boundary; one without is a resource route.
    const page = typeof module.default === 'function'
    routes[id] = {
      ...route,
      module: {
        ...module,
        ...(module.loader ? { loader: guard(module.loader as Handler, id, page) } : {}),
        ...(module.action ? { action: guard(module.action as Handler, id, page) } : {}),
      } as typeof module,
    }
  }
  const guarded: ServerBuild = { ...build, routes }
  guardedBuilds.set(build, guarded)
  return guarded
}
