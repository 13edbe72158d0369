import type { ServerBuild } from '@remix-run/node'
import { describe, expect, it, vi } from 'vitest'
import { NoVersionInForceError } from '~/acceptances/current-versions.server'
import { ContentUnavailableError } from '~/content/source'
import { logger } from '~/platform/log.server'
import { guardBuild, RETRY_AFTER_SECONDS, unavailableKind } from './unavailable.server'

/** What node-postgres throws for a server-side error: a DatabaseError carrying the SQLSTATE. */
function pgError(code: string, message: string) {
  return Object.assign(new Error(message), { name: 'DatabaseError', code, severity: 'FATAL' })
}

/** Drizzle wraps every driver error of a query. */
function drizzleWrapped(cause: unknown) {
  return Object.assign(new Error('Failed query: select 1\nparams: ', { cause }), { name: 'DrizzleQueryError' })
}

function refused(port: number) {
  return Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '127.0.0.1',
    port,
  })
}

describe('unavailableKind', () => {
  it.each([
    [
      'terminated by pg_terminate_backend (57P01)',
      drizzleWrapped(pgError('57P01', 'terminating connection due to administrator command')),
    ],
    ['database not accepting connections', pgError('55000', 'database "x" is not currently accepting connections')],
    ['server starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
    ['a connection exception (class 08)', pgError('08006', 'connection failure')],
    ['a failover to a read-only standby (25006)', pgError('25006', 'cannot execute INSERT in a read-only transaction')],
    ['the connection dropped', drizzleWrapped(new Error('Connection terminated unexpectedly'))],
    ['the pool could not connect in time', new Error('timeout exceeded when trying to connect')],
  ])('%s → database', (_what, error) => {
    expect(unavailableKind(error)).toBe('database')
  })

  it('a refused connection, also inside an AggregateError of several addresses → network', () => {
    expect(unavailableKind(drizzleWrapped(refused(5432)))).toBe('network')
    const both = Object.assign(new AggregateError([refused(5432), refused(5432)], ''), { code: 'ECONNREFUSED' })
    expect(unavailableKind(both)).toBe('network')
    expect(unavailableKind(new AggregateError([new Error('x'), refused(5432)]))).toBe('network')
  })

  it('legal documents that cannot be loaded → documents, even when the source failed on the network', () => {
    const sourceDown = new ContentUnavailableError('content unavailable', { cause: refused(443) })
    expect(unavailableKind(sourceDown)).toBe('documents')
    expect(unavailableKind(new NoVersionInForceError('consent', 'en', 'unavailable', { cause: sourceDown }))).toBe(
      'documents',
    )
    expect(unavailableKind(new NoVersionInForceError('consent', 'ru', 'missing'))).toBe('documents')
  })

  it.each([
    ['a programming error', new TypeError('x is not a function')],
    ['a unique violation', drizzleWrapped(pgError('23505', 'duplicate key value violates unique constraint'))],
    ['a file that is not there', Object.assign(new Error('ENOENT'), { code: 'ENOENT' })],
    ['a thrown Response', new Response('nope', { status: 404 })],
    ['not an object', 'boom'],
  ])('%s → null (still a 500)', (_what, error) => {
    expect(unavailableKind(error)).toBeNull()
  })

  it('a cause chain that loops does not hang', () => {
    const a: Error & { cause?: unknown } = new Error('a')
    const b = new Error('b', { cause: a })
    a.cause = b
    expect(unavailableKind(a)).toBeNull()
  })
})

type Args = { request: Request; params: Record<string, string>; context: Record<string, unknown> }

function buildWith(modules: Record<string, Record<string, unknown>>): ServerBuild {
  const routes = Object.fromEntries(
    Object.entries(modules).map(([id, module]) => [
      id,
      { id, parentId: 'root', path: id, index: undefined, caseSensitive: undefined, module },
    ]),
  )
  return { routes, entry: { module: {} }, mode: 'production' } as unknown as ServerBuild
}

const args = (url: string, method = 'GET'): Args => ({ request: new Request(url, { method }), params: {}, context: {} })

async function thrownBy(fn: () => unknown): Promise<unknown> {
  try {
    await fn()
  } catch (error) {
    return error
  }
  throw new Error('expected it to throw')
}

describe('guardBuild', () => {
  const down = () => {
    throw drizzleWrapped(pgError('57P01', 'terminating connection due to administrator command'))
  }
  const build = buildWith({
    page: { default: () => null, loader: down, action: down },
    webhook: { action: down },
    documents: {
      default: () => null,
      loader: () => Promise.reject(new NoVersionInForceError('consent', 'en', 'missing')),
    },
    broken: { default: () => null, loader: () => Promise.reject(new TypeError('a bug')) },
    fine: { default: () => null, loader: () => ({ ok: true }) },
  })

  it('a page whose loader or action loses the database throws a 503 with Retry-After, logged as an error', async () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const guarded = guardBuild(build)
    for (const handler of [guarded.routes.page!.module.loader!, guarded.routes.page!.module.action!]) {
      const thrown = await thrownBy(() => handler(args('http://x.example/en/page') as never))
      expect(thrown).toBeInstanceOf(Response)
      const response = thrown as Response
      expect(response.status).toBe(503)
      expect(response.headers.get('Retry-After')).toBe(String(RETRY_AFTER_SECONDS))
      expect(response.headers.get('Cache-Control')).toBe('no-store')
      // The page's error boundary turns this into the localized page.
      expect(await response.json()).toEqual({ unavailable: 'database' })
    }
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'service-unavailable.database', route: 'page' }),
      expect.any(String),
    )
    error.mockRestore()
  })

  it('a resource route (a webhook) answers the 503 itself, with the sentence in the language of its path', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const action = guardBuild(build).routes.webhook!.module.action!
    const ru = (await thrownBy(() => action(args('http://x.example/webhooks/tbank', 'POST') as never))) as Response
    expect(ru.status).toBe(503)
    expect(ru.headers.get('Retry-After')).toBe(String(RETRY_AFTER_SECONDS))
    expect(await ru.text()).toBe('Сервис временно недоступен. Попробуйте ещё раз через минуту.')
    const en = (await thrownBy(() => action(args('http://x.example/en/thing', 'POST') as never))) as Response
    expect(await en.text()).toBe('The service is temporarily unavailable. Please try again in a minute.')
    vi.restoreAllMocks()
  })

  it('missing legal documents are a 503 of their own kind; other errors and answers pass through untouched', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const guarded = guardBuild(build)
    const documents = (await thrownBy(() =>
      guarded.routes.documents!.module.loader!(args('http://x.example/en/register') as never),
    )) as Response
    expect(documents.status).toBe(503)
    expect(await documents.json()).toEqual({ unavailable: 'documents' })
    const bug = await thrownBy(() => guarded.routes.broken!.module.loader!(args('http://x.example/en') as never))
    expect(bug).toBeInstanceOf(TypeError)
    expect(await guarded.routes.fine!.module.loader!(args('http://x.example/en') as never)).toEqual({ ok: true })
    vi.restoreAllMocks()
  })

  it('keeps what a route exports, adds no loader or action, and guards one build once', () => {
    const guarded = guardBuild(build)
    expect(guarded.routes.webhook!.module.loader).toBeUndefined()
    expect(guarded.routes.page!.module.default).toBe(build.routes.page!.module.default)
    expect(guardBuild(build)).toBe(guarded)
  })
})
