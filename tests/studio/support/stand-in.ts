import type { TLSSocket } from 'node:tls'
import { randomUUID } from 'node:crypto'
import {
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2'
import type { AddressInfo } from 'node:net'
import { selfSignedCertificate } from './certificate'
import {
  ContentLake,
  LakeError,
  type MutationBody,
  type Perspective,
  type StoredDocument,
  type Transaction,
  type TransactionBuilder,
} from './content-lake'

/**
 * A stand-in for the Sanity API (api.sanity.io and <project>.api.sanity.io)
 * that runs in the test process. Chromium resolves the Sanity host names to
 * it (see `hostResolverRules`), so the built Studio talks to it as it would
 * to Sanity: HTTP/2 over TLS, CORS with credentials, the listener's
 * server-sent events with mendoza effects.
 *
 * It answers what the Studio needs and records everything else as unknown;
 * the suite fails when that list is not empty, so a `sanity` upgrade that
 * changes the protocol is noticed. Requests that are known but need no real
 * answer get a deliberate 404 from `DELIBERATE_404`.
 */

export interface StandInUser {
  id: string
  name: string
  email: string
  /** Project roles, as Sanity names them (administrator, editor, contributor, viewer…). */
  roles: string[]
}

/** A dataset grant as the ACL endpoint returns it: a GROQ filter and what it allows. */
export interface Grant {
  filter: string
  permissions: Array<'read' | 'create' | 'update' | 'history' | 'editHistory'>
}

export const ADMINISTRATOR_GRANTS: Grant[] = [
  { filter: '_id in path("**")', permissions: ['read', 'create', 'update', 'history'] },
]

export const DEFAULT_USER: StandInUser = {
  id: 'pLegalEditor01',
  name: 'Lena Legal',
  email: 'lena.legal@palitra.example',
  roles: ['administrator'],
}

/** A second member of the project, signed in with `StandInOptions.colleagueToken` (approval needs two people). */
export const COLLEAGUE: StandInUser = {
  id: 'pLegalReviewer02',
  name: 'Pavel Reviewer',
  email: 'pavel.reviewer@palitra.example',
  roles: ['administrator'],
}

/** What the stand-in saw: method, host, path (without the API version) and parsed body. */
export interface RecordedRequest {
  method: string
  host: string
  /** '2.0' for HTTP/2 (the listeners need it), '1.1' otherwise. */
  httpVersion: string
  /** The API version of the path (`2025-02-19`, `1`, `X`), or '' when it had none. */
  apiVersion: string
  path: string
  query: URLSearchParams
  body: unknown
}

export interface StandInOptions {
  projectId: string
  dataset: string
  /** The Studio's origin, the only one CORS lets in. */
  studioOrigin: string
  /** The token of `standIn.user` (the Studio reads it from localStorage). */
  token: string
  /** The token of `standIn.colleague`. Any other token is refused. */
  colleagueToken: string
}

// Known endpoints the Studio calls that this suite does not need: answered 404
// on purpose (the Studio treats each as "not available" and carries on).
const DELIBERATE_404: ReadonlyArray<{ method: string; path: RegExp; why: string }> = [
  { method: 'GET', path: /^\/users\/me\/keyvalue\//, why: 'per-user UI settings (kept in the browser instead)' },
  { method: 'PUT', path: /^\/users\/me\/keyvalue$/, why: 'per-user UI settings' },
  { method: 'GET', path: /^\/features$/, why: 'plan features' },
  { method: 'GET', path: /^\/help$/, why: 'the help menu and the update check' },
  { method: 'GET', path: /^\/journey\/[a-z-]+$/, why: 'announcements, trial and plan limit notices' },
  { method: 'POST', path: /^\/intake\/(feedback|batch)$/, why: 'telemetry' },
  { method: 'GET', path: /^\/intake\/telemetry-status$/, why: 'telemetry consent' },
  { method: 'POST', path: /^\/descriptors\/(claim|synchronize)$/, why: 'schema descriptors for Sanity’s cloud tools' },
  {
    method: 'GET',
    path: /^\/data\/history\//,
    why: 'document history (the review-changes panel); the stand-in keeps none',
  },
  { method: 'GET', path: /^\/socket\/[^/]+$/, why: 'presence (the websocket); nobody else is editing' },
  { method: 'GET', path: /^\/agent\/[^/]+\/bundles\/mine\/listen$/, why: 'AI agent bundles' },
  { method: 'GET', path: /^\/projects\/[^/]+\/user-applications$/, why: 'deployed Studios of the project' },
  { method: 'GET', path: /^\/projects\/[^/]+\/user-applications\//, why: 'deployed application manifest' },
  { method: 'GET', path: /^\/projects\/[^/]+\/datasets\/[^/]+\/settings\/indexing$/, why: 'search indexing' },
  { method: 'GET', path: /^\/projects\/[^/]+\/datasets\?datasetProfile=comments/, why: 'the comments add-on dataset' },
]

type Handler = (request: IncomingApiRequest) => Promise<ApiAnswer> | ApiAnswer

interface Route {
  method: string
  path: RegExp
  handler: Handler
  /** Answered without a token (the Studio's CORS probe). */
  anonymous?: boolean
}

interface IncomingApiRequest extends RecordedRequest {
  raw: Http2ServerRequest
  response: Http2ServerResponse
  /** Who the token belongs to (the anonymous CORS probe has nobody). */
  user: StandInUser | null
}

type ApiAnswer = { status: number; json: unknown } | 'stream'

interface Listener {
  query: string
  params: Record<string, unknown>
  includeResult: boolean
  includePreviousRevision: boolean
  effects: boolean
  write: (event: string, data: unknown) => void
}

export class SanityStandIn {
  readonly lake = new ContentLake()
  /** Every API request, in order. */
  readonly requests: RecordedRequest[] = []
  /** Requests the stand-in does not know: each one fails the test. */
  readonly unknownRequests: string[] = []
  /** Signed in with `options.token`. */
  user: StandInUser = DEFAULT_USER
  /** Signed in with `options.colleagueToken`. */
  colleague: StandInUser = COLLEAGUE
  grants: Grant[] = ADMINISTRATOR_GRANTS
  private readonly listeners = new Set<Listener>()
  private readonly routes: Route[]

  private constructor(
    private readonly server: Http2SecureServer,
    readonly options: StandInOptions,
  ) {
    const data = `/data/([a-z]+)/${escapeForRegExp(options.dataset)}`
    this.routes = [
      { method: 'GET', path: /^\/users\/me$/, handler: (r) => this.currentUser(r) },
      { method: 'GET', path: /^\/auth\/id$/, handler: (r) => this.authId(r) },
      // Avatars and names of people (presence, history): the two members of the project.
      { method: 'GET', path: /^\/users\/[^/]+$/, handler: (r) => this.users(r) },
      { method: 'GET', path: /^\/ping$/, handler: () => ({ status: 200, json: { message: 'PONG' } }), anonymous: true },
      {
        method: 'GET',
        path: new RegExp(`^/projects/${escapeForRegExp(options.projectId)}$`),
        handler: (r) => this.project(r),
      },
      {
        method: 'GET',
        path: new RegExp(
          `^/projects/${escapeForRegExp(options.projectId)}/datasets/${escapeForRegExp(options.dataset)}/acl$`,
        ),
        handler: () => ({ status: 200, json: this.grants }),
      },
      { method: 'GET', path: new RegExp(`^${data.replace('([a-z]+)', 'query')}$`), handler: (r) => this.query(r) },
      { method: 'POST', path: new RegExp(`^${data.replace('([a-z]+)', 'query')}$`), handler: (r) => this.query(r) },
      {
        method: 'GET',
        path: new RegExp(`^${data.replace('([a-z]+)', 'doc')}/(.+)$`),
        handler: (r) => this.getDocuments(r),
      },
      { method: 'GET', path: new RegExp(`^${data.replace('([a-z]+)', 'listen')}$`), handler: (r) => this.listen(r) },
      // The Studio times a request here to report latency; only the status matters.
      {
        method: 'GET',
        path: new RegExp(`^${data.replace('([a-z]+)', 'ping')}$`),
        handler: () => ({ status: 200, json: {} }),
      },
      { method: 'POST', path: new RegExp(`^${data.replace('([a-z]+)', 'mutate')}$`), handler: (r) => this.mutate(r) },
      { method: 'POST', path: new RegExp(`^${data.replace('([a-z]+)', 'actions')}$`), handler: (r) => this.actions(r) },
    ]
    this.lake.subscribe((transaction) => {
      // A listener query groq-js cannot run is a protocol change too; it must not crash the worker.
      this.broadcast(transaction).catch((error: unknown) => {
        this.unknownRequests.push(`listener event for ${transaction.id} failed: ${String(error)}`)
      })
    })
  }

  static async start(options: StandInOptions): Promise<SanityStandIn> {
    const hosts = hostNames(options.projectId)
    const { key, cert } = selfSignedCertificate(hosts)
    // HTTP/2: the Studio keeps eight or more listeners open at once, and the
    // six HTTP/1.1 connections Chromium allows per host would starve it.
    const server = createSecureServer({ key, cert, allowHTTP1: true })
    const standIn = new SanityStandIn(server, options)
    server.on('request', (req, res) => {
      standIn.handle(req, res).catch((error: unknown) => {
        // A stream the browser closed mid-answer is fine; anything else is the stand-in's own bug.
        if (!req.destroyed) standIn.unknownRequests.push(`${req.method} ${req.url} (crashed: ${String(error)})`)
      })
    })
    // Chromium drops connections and streams whenever a page closes; that is not an error here.
    server.on('sessionError', () => {})
    // Every connection, so that close() can end them: server.close() alone waits for
    // the browser to hang up, which it may never do before the worker's teardown times out.
    server.on('secureConnection', (socket: TLSSocket) => {
      standIn.connections.add(socket)
      socket.on('close', () => standIn.connections.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return standIn
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  /**
   * Chromium's --host-resolver-rules: the Sanity API hosts go to the stand-in,
   * every other name fails to resolve (the suite never reaches the network).
   */
  hostResolverRules(): string {
    return [
      `MAP *.api.sanity.io 127.0.0.1:${this.port}`,
      `MAP *.apicdn.sanity.io 127.0.0.1:${this.port}`,
      `MAP api.sanity.io 127.0.0.1:${this.port}`,
      'MAP * ~NOTFOUND',
      'EXCLUDE 127.0.0.1',
    ].join(', ')
  }

  /** Back to a fresh dataset, user and grants, with nothing recorded. */
  reset(documents: readonly StoredDocument[]): void {
    this.lake.reset(documents)
    this.requests.length = 0
    this.unknownRequests.length = 0
    this.user = DEFAULT_USER
    this.colleague = COLLEAGUE
    this.grants = ADMINISTRATOR_GRANTS
  }

  /** The actions of every /data/actions request so far, flattened. */
  actionsSeen(): Array<Record<string, unknown>> {
    return this.requests
      .filter((request) => request.method === 'POST' && request.path.startsWith('/data/actions/'))
      .flatMap((request) => {
        const actions = isRecord(request.body) ? request.body.actions : undefined
        return Array.isArray(actions) ? actions.filter(isRecord) : []
      })
  }

  /** The mutations of every /data/mutate request so far, flattened. */
  mutationsSeen(): MutationBody[] {
    return this.requests
      .filter((request) => request.method === 'POST' && request.path.startsWith('/data/mutate/'))
      .flatMap((request) => {
        const mutations = isRecord(request.body) ? request.body.mutations : undefined
        return Array.isArray(mutations) ? mutations.filter(isRecord) : []
      })
  }

  /** The open TLS connections (HTTP/2 sessions and HTTP/1.1 sockets alike). */
  readonly connections = new Set<TLSSocket>()

  async close(): Promise<void> {
    for (const listener of this.listeners) listener.write('disconnect', { reason: 'stand-in stopping' })
    this.listeners.clear()
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const connection of this.connections) connection.destroy()
    await closed
  }

  // --- plumbing ----------------------------------------------------------

  private cors(req: Http2ServerRequest, res: Http2ServerResponse): boolean {
    const origin = req.headers.origin
    if (origin === undefined) return true
    if (origin !== this.options.studioOrigin) return false
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('access-control-allow-credentials', 'true')
    res.setHeader('vary', 'origin')
    return true
  }

  private async handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const host = String(req.headers[':authority'] ?? req.headers.host ?? '').replace(/:\d+$/, '')
    const url = new URL(req.url, `https://${host}`)
    const method = req.method.toUpperCase()
    // The API version prefix (/v2025-02-19, /v1, /vX) does not change what is answered here.
    const versioned = /^\/v(\d{4}-\d{2}-\d{2}|\d+|X)(?=\/)/.exec(url.pathname)
    const apiVersion = versioned?.[1] ?? ''
    const pathname = url.pathname.slice(versioned?.[0].length ?? 0)
    const path = pathname + (url.search && /^\/projects\/[^/]+\/datasets$/.test(pathname) ? url.search : '')
    const label = `${method} ${host}${url.pathname}`

    if (!this.cors(req, res)) {
      this.unknownRequests.push(`${label} (from origin ${String(req.headers.origin)})`)
      res.writeHead(403).end()
      return
    }
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? ''),
        'access-control-max-age': '600',
      })
      res.end()
      return
    }

    let body: unknown
    try {
      body = await readBody(req)
    } catch {
      this.send(res, 400, { error: 'Bad Request', message: 'The body is not JSON' })
      return
    }
    const recorded: RecordedRequest = {
      method,
      host,
      httpVersion: req.httpVersion,
      apiVersion,
      path,
      query: url.searchParams,
      body,
    }
    this.requests.push(recorded)

    if (!isSanityApiHost(host, this.options.projectId)) {
      this.unknownRequests.push(`${label} (a host the stand-in does not serve)`)
      this.send(res, 404, { error: 'Not Found', message: `unknown host ${host}` })
      return
    }
    res.on('error', () => {})
    const route = this.routes.find((candidate) => candidate.method === method && candidate.path.test(path))
    if (!route) {
      const deliberate = DELIBERATE_404.find((candidate) => candidate.method === method && candidate.path.test(path))
      if (!deliberate) this.unknownRequests.push(label)
      this.send(res, 404, { error: 'Not Found', message: deliberate ? deliberate.why : 'unknown to the stand-in' })
      return
    }
    const user = this.signedIn(req)
    if (!route.anonymous && !user) {
      this.send(res, 401, { error: 'Unauthorized', message: 'Session not found', statusCode: 401 })
      return
    }
    try {
      const answer = await route.handler({ ...recorded, raw: req, response: res, user })
      if (answer !== 'stream') this.send(res, answer.status, answer.json)
    } catch (error) {
      if (error instanceof LakeError) {
        this.send(res, error.statusCode, {
          error: { type: error.type, description: error.message },
          message: error.message,
          statusCode: error.statusCode,
        })
        return
      }
      // A request the stand-in knows but cannot handle is as much a protocol change as an unknown one.
      this.unknownRequests.push(`${label} (failed: ${error instanceof Error ? error.message : String(error)})`)
      this.send(res, 500, { error: 'Internal Server Error', message: String(error) })
    }
  }

  /** The user a request's token belongs to, or null for a missing or unknown token. */
  private signedIn(req: Http2ServerRequest): StandInUser | null {
    const authorization = req.headers.authorization
    if (authorization === `Bearer ${this.options.token}`) return this.user
    if (authorization === `Bearer ${this.options.colleagueToken}`) return this.colleague
    return null
  }

  private members(): StandInUser[] {
    return [this.user, this.colleague]
  }

  private send(res: Http2ServerResponse, status: number, json: unknown): void {
    if (res.headersSent) return
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(json))
  }

  // --- users and project -------------------------------------------------

  private profile(user: StandInUser): Record<string, unknown> {
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      provider: 'sanity',
      role: user.roles[0] ?? 'viewer',
      roles: user.roles.map((name) => ({ name, title: titleCase(name) })),
    }
  }

  private currentUser(request: IncomingApiRequest): ApiAnswer {
    return { status: 200, json: this.profile(signedInUser(request)) }
  }

  private users(request: IncomingApiRequest): ApiAnswer {
    const ids = decodeURIComponent(request.path.slice('/users/'.length)).split(',')
    return {
      status: 200,
      json: this.members()
        .filter((user) => ids.includes(user.id))
        .map((user) => this.profile(user)),
    }
  }

  private authId(request: IncomingApiRequest): ApiAnswer {
    return { status: 200, json: { id: signedInUser(request).id } }
  }

  private project(request: IncomingApiRequest): ApiAnswer {
    const current = signedInUser(request)
    const now = '2026-01-01T00:00:00.000Z'
    return {
      status: 200,
      json: {
        id: this.options.projectId,
        displayName: 'Palitra (stand-in)',
        studioHost: null,
        organizationId: 'oPalitraStandIn',
        isBlocked: false,
        isDisabled: false,
        isDisabledByUser: false,
        createdAt: now,
        metadata: {},
        features: [],
        pendingInvites: 0,
        members: this.members().map((user) => ({
          id: user.id,
          createdAt: now,
          updatedAt: now,
          isCurrentUser: user.id === current.id,
          isRobot: false,
          role: user.roles[0] ?? 'viewer',
          roles: user.roles.map((name) => ({ name, title: titleCase(name) })),
        })),
      },
    }
  }

  // --- reading -----------------------------------------------------------

  private async query(request: IncomingApiRequest): Promise<ApiAnswer> {
    const fromBody = isRecord(request.body) ? request.body : {}
    const query = typeof fromBody.query === 'string' ? fromBody.query : request.query.get('query')
    if (!query) return { status: 400, json: { error: 'Bad Request', message: 'query is required' } }
    const params = isRecord(fromBody.params) ? fromBody.params : paramsFromQuery(request.query)
    const perspective = perspectiveOf(request.query.get('perspective') ?? fromBody.perspective, request.apiVersion)
    if (!perspective) {
      this.unknownRequests.push(`${request.method} ${request.path} (perspective ${request.query.get('perspective')})`)
      return { status: 400, json: { error: 'Bad Request', message: 'unknown perspective' } }
    }
    const started = performance.now()
    const result = await this.lake.query(query, params, perspective)
    const json: Record<string, unknown> = { result, ms: Math.round(performance.now() - started) }
    if (request.query.get('returnQuery') !== 'false') json.query = query
    return { status: 200, json }
  }

  private getDocuments(request: IncomingApiRequest): ApiAnswer {
    const ids = decodeURIComponent(request.path.split('/').pop() ?? '').split(',')
    const documents = ids.map((id) => this.lake.get(id)).filter((document) => document !== undefined)
    const omitted = ids.filter((id) => !this.lake.get(id)).map((id) => ({ id, reason: 'existence' }))
    return { status: 200, json: { documents, omitted } }
  }

  /** Server-sent events: `welcome` at once, then a `mutation` per matching document change. */
  private listen(request: IncomingApiRequest): ApiAnswer {
    const query = request.query.get('query') ?? ''
    const events = (request.query.get('events') ?? 'welcome,mutation').split(',')
    const res = request.response
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const listener: Listener = {
      query,
      params: paramsFromQuery(request.query),
      includeResult: request.query.get('includeResult') !== 'false',
      includePreviousRevision: request.query.get('includePreviousRevision') === 'true',
      effects: request.query.get('effectFormat') === 'mendoza',
      write: (event, data) => {
        if (!res.writableEnded) res.write(`event: ${event}\nid: ${randomUUID()}\ndata: ${JSON.stringify(data)}\n\n`)
      },
    }
    this.listeners.add(listener)
    const stop = () => this.listeners.delete(listener)
    request.raw.on('close', stop)
    res.on('close', stop)
    if (events.includes('welcome')) listener.write('welcome', { listenerName: `stand-in-${randomUUID()}` })
    return 'stream'
  }

  private async broadcast(transaction: Transaction): Promise<void> {
    const total = transaction.changes.length
    for (const listener of this.listeners) {
      let current = 0
      for (const change of transaction.changes) {
        current++
        const seen =
          (change.before && (await this.lake.matches(listener.query, listener.params, change.before))) ||
          (change.after && (await this.lake.matches(listener.query, listener.params, change.after)))
        if (!seen) continue
        const event: Record<string, unknown> = {
          eventId: `${transaction.id}#${change.id}`,
          documentId: change.id,
          transactionId: transaction.id,
          transition: !change.before ? 'appear' : !change.after ? 'disappear' : 'update',
          identity: transaction.identity,
          mutations: change.mutations,
          previousRev: change.before?._rev,
          resultRev: transaction.id,
          timestamp: transaction.timestamp,
          visibility: 'query',
          transactionTotalEvents: total,
          transactionCurrentEvent: current,
        }
        if (listener.includeResult && change.after) event.result = change.after
        if (listener.includePreviousRevision && change.before) event.previous = change.before
        // A whole-document replacement is a valid mendoza patch: opcode 0 ("Value") with the new
        // value. The Studio applies it to the document without its _rev.
        if (listener.effects)
          event.effects = { apply: [0, withoutRev(change.after)], revert: [0, withoutRev(change.before)] }
        listener.write('mutation', event)
      }
    }
  }

  // --- writing -----------------------------------------------------------

  private async mutate(request: IncomingApiRequest): Promise<ApiAnswer> {
    const body = isRecord(request.body) ? request.body : {}
    const mutations = await Promise.all(
      (Array.isArray(body.mutations) ? body.mutations.filter(isRecord) : []).map((mutation) =>
        this.resolveDeleteByQuery(mutation),
      ),
    )
    const transaction = await this.lake.transact(
      {
        id: typeof body.transactionId === 'string' ? body.transactionId : undefined,
        identity: signedInUser(request).id,
      },
      (tx) => {
        for (const mutation of mutations.flat()) this.applyMutation(tx, mutation, request)
      },
    )
    const returnDocuments = request.query.get('returnDocuments') === 'true'
    return {
      status: 200,
      json: {
        transactionId: transaction.id,
        results: transaction.changes.map((change) => ({
          id: change.id,
          operation: !change.before ? 'create' : !change.after ? 'delete' : 'update',
          ...(returnDocuments && change.after ? { document: change.after } : {}),
        })),
      },
    }
  }

  /**
   * `{delete: {query, params}}` (what createPreviewSecret sends to clear expired
   * secrets) becomes one `{delete: {id}}` per document the query selects in
   * the raw dataset; every other mutation is kept as it is.
   */
  private async resolveDeleteByQuery(mutation: MutationBody): Promise<MutationBody[]> {
    const target = mutation.delete
    if (Object.keys(mutation).length !== 1 || !isRecord(target) || typeof target.query !== 'string') return [mutation]
    const params = isRecord(target.params) ? target.params : {}
    const selected = await this.lake.query(target.query, params, 'raw')
    const documents = Array.isArray(selected) ? selected : selected ? [selected] : []
    return documents
      .filter(isRecord)
      .filter((document) => typeof document._id === 'string')
      .map((document) => ({ delete: { id: document._id } }))
  }

  private applyMutation(tx: TransactionBuilder, mutation: MutationBody, request: IncomingApiRequest): void {
    const [kind, value] = Object.entries(mutation)[0] ?? []
    switch (kind) {
      case 'create':
        return tx.create(withId(value))
      case 'createIfNotExists':
        return tx.createIfNotExists(asDocument(value))
      case 'createOrReplace':
        return tx.createOrReplace(asDocument(value))
      case 'delete':
        return tx.delete(String(isRecord(value) ? value.id : ''))
      case 'patch':
        if (isRecord(value) && typeof value.id === 'string') return tx.patch({ ...value, id: value.id })
        break
    }
    this.unknownRequests.push(`${request.method} ${request.path} (mutation ${JSON.stringify(mutation).slice(0, 200)})`)
    throw new LakeError(400, `Unsupported mutation ${kind}`)
  }

  /** The document actions API: what the Studio's edit, publish, discard… buttons send. */
  private async actions(request: IncomingApiRequest): Promise<ApiAnswer> {
    const body = isRecord(request.body) ? request.body : {}
    const actions = Array.isArray(body.actions) ? body.actions.filter(isRecord) : []
    const transaction = await this.lake.transact(
      {
        id: typeof body.transactionId === 'string' ? body.transactionId : undefined,
        identity: signedInUser(request).id,
      },
      (tx) => {
        for (const action of actions) this.applyAction(tx, action, request)
      },
    )
    return { status: 200, json: { transactionId: transaction.id } }
  }

  private applyAction(tx: TransactionBuilder, action: Record<string, unknown>, request: IncomingApiRequest): void {
    const text = (key: string) => (typeof action[key] === 'string' ? (action[key] as string) : '')
    const draftId = text('draftId')
    const publishedId = text('publishedId')
    switch (action.actionType) {
      case 'sanity.action.document.create': {
        const attributes = asDocument(action.attributes)
        if (action.ifExists === 'ignore' && tx.get(attributes._id)) return
        return tx.create(attributes)
      }
      case 'sanity.action.document.edit': {
        // The first edit of a published document starts its draft from the published copy.
        if (!tx.get(draftId)) {
          const published = tx.get(publishedId)
          if (!published) throw new LakeError(409, `Cannot edit "${draftId}": neither it nor "${publishedId}" exists`)
          const { _rev: _ignored, ...fields } = published
          tx.create({ ...fields, _id: draftId })
        }
        return tx.patch({ ...(isRecord(action.patch) ? action.patch : {}), id: draftId })
      }
      case 'sanity.action.document.publish': {
        const draft = tx.get(draftId)
        if (!draft) throw new LakeError(409, `Cannot publish "${draftId}": it does not exist`)
        const published = tx.get(publishedId)
        if (typeof action.ifDraftRevisionId === 'string' && action.ifDraftRevisionId !== draft._rev) {
          throw new LakeError(409, `Draft "${draftId}" has changed (revision ${draft._rev})`, 'conflictError')
        }
        if (typeof action.ifPublishedRevisionId === 'string' && action.ifPublishedRevisionId !== published?._rev) {
          throw new LakeError(409, `Document "${publishedId}" has changed`, 'conflictError')
        }
        const { _rev: _ignored, ...fields } = draft
        tx.createOrReplace({ ...fields, _id: publishedId })
        return tx.delete(draftId)
      }
      case 'sanity.action.document.unpublish': {
        const published = tx.get(publishedId)
        if (!published) throw new LakeError(409, `Cannot unpublish "${publishedId}": it is not published`)
        if (!tx.get(draftId)) {
          const { _rev: _ignored, ...fields } = published
          tx.create({ ...fields, _id: draftId })
        }
        return tx.delete(publishedId)
      }
      case 'sanity.action.document.discard':
        if (!tx.get(draftId)) throw new LakeError(409, `Cannot discard "${draftId}": it does not exist`)
        return tx.delete(draftId)
      case 'sanity.action.document.delete': {
        const drafts = Array.isArray(action.includeDrafts) ? action.includeDrafts.map(String) : []
        for (const id of [publishedId, ...drafts]) tx.delete(id)
        return
      }
      case 'sanity.action.document.replaceDraft': {
        const attributes = asDocument(action.attributes)
        return tx.createOrReplace({ ...attributes, _id: draftId || attributes._id })
      }
    }
    this.unknownRequests.push(`${request.method} ${request.path} (action ${String(action.actionType)})`)
    throw new LakeError(400, `Unsupported action ${String(action.actionType)}`)
  }
}

// --- helpers ---------------------------------------------------------------

/** The route required a token, so somebody is signed in. */
function signedInUser(request: IncomingApiRequest): StandInUser {
  if (!request.user) throw new Error(`${request.path} needs a signed-in user`)
  return request.user
}

export function hostNames(projectId: string): string[] {
  return [`${projectId}.api.sanity.io`, `${projectId}.apicdn.sanity.io`, 'api.sanity.io']
}

function isSanityApiHost(host: string, projectId: string): boolean {
  return hostNames(projectId).includes(host)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asDocument(value: unknown): StoredDocument {
  if (!isRecord(value) || typeof value._id !== 'string' || typeof value._type !== 'string') {
    throw new LakeError(400, 'A document needs _id and _type')
  }
  return { ...value, _id: value._id, _type: value._type }
}

/** `create` without an _id gets one, as Sanity does (the Studio's own creates always carry one). */
function withId(value: unknown): StoredDocument {
  return asDocument(isRecord(value) && value._id === undefined ? { ...value, _id: randomUUID() } : value)
}

function withoutRev(document: StoredDocument | null): Omit<StoredDocument, '_rev'> | null {
  if (!document) return null
  const { _rev: _ignored, ...rest } = document
  return rest
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function titleCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** GROQ parameters travel as `$name=<JSON>` in the query string. */
function paramsFromQuery(query: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [key, value] of query) {
    if (key.startsWith('$')) params[key.slice(1)] = JSON.parse(value)
  }
  return params
}

/** Without one, API versions from 2025-02-19 on read the published perspective, older ones raw. */
function perspectiveOf(value: unknown, apiVersion: string): Perspective | null {
  if (value === undefined || value === null)
    return apiVersion >= '2025-02-19' && apiVersion !== 'X' ? 'published' : 'raw'
  if (value === 'raw') return 'raw'
  if (value === 'published') return 'published'
  if (value === 'drafts' || value === 'previewDrafts') return 'drafts'
  return null
}

async function readBody(req: Http2ServerRequest): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  if (chunks.length === 0) return undefined
  const text = Buffer.concat(chunks).toString('utf8')
  return text.trim() === '' ? undefined : JSON.parse(text)
}
