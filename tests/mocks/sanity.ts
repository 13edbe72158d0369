import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { evaluate, parse } from 'groq-js'
import { http, HttpResponse, type HttpResponseResolver } from 'msw'

/**
 * The Sanity query API (api.sanity.io and the apicdn.sanity.io CDN), answered
 * by running the GROQ with groq-js against a fixture dataset, so tests see
 * realistic results, including perspectives. Tests steer failures through
 * `sanityMock`.
 */

export const SANITY_FIXTURE_DATASET = fileURLToPath(new URL('../fixtures/content/dataset.ndjson', import.meta.url))

type MockDocument = { _id: string; [field: string]: unknown }

export type RecordedSanityRequest = {
  method: string
  host: string
  projectId: string
  dataset: string
  apiVersion: string
  perspective: string
  /** Whether a bearer token was sent. */
  authorized: boolean
  query: string
  params: Record<string, unknown>
}

// Matches https://<projectId>.api.sanity.io/v<date>/data/query/<dataset> and the CDN host.
const QUERY_URL =
  /^https:\/\/([a-z0-9-]+)\.(api|apicdn)\.sanity\.io\/v(\d{4}-\d{2}-\d{2}|1|X)\/data\/query\/([\w-]+)(?:\?|$)/

type Failure = { kind: 'status'; status: number } | { kind: 'hang' }

let documents: MockDocument[] | null = null
let failure: Failure | null = null
let failuresLeft = 0
let releaseHung: Array<() => void> = []
const requests: RecordedSanityRequest[] = []

function readNdjson(file: string): MockDocument[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as MockDocument)
}

function loadedDocuments(): MockDocument[] {
  documents ??= readNdjson(SANITY_FIXTURE_DATASET)
  return documents
}

const isDraft = (id: string) => id.startsWith('drafts.')
const isVersion = (id: string) => id.startsWith('versions.')

// What Content Lake exposes under each perspective (release perspectives are not modelled).
function documentsFor(perspective: string): MockDocument[] {
  const all = loadedDocuments()
  if (perspective === 'raw') return all
  const published = all.filter((doc) => !isDraft(doc._id) && !isVersion(doc._id))
  if (perspective !== 'drafts' && perspective !== 'previewDrafts') return published
  const byId = new Map(published.map((doc) => [doc._id, doc]))
  for (const draft of all.filter((doc) => isDraft(doc._id))) {
    const id = draft._id.slice('drafts.'.length)
    byId.set(id, { ...draft, _id: id, _originalId: draft._id })
  }
  return [...byId.values()]
}

export const sanityMock = {
  projectId: 'palitra-test',
  dataset: 'production',
  /** Every query request seen since the last reset. */
  requests: requests as readonly RecordedSanityRequest[],
  /** Replace the dataset the mock answers from. */
  useDocuments(next: MockDocument[]) {
    documents = next
  },
  /** Answer the next `times` queries (default: all) with this HTTP status. */
  failWith(status: number, times = Number.POSITIVE_INFINITY) {
    failure = { kind: 'status', status }
    failuresLeft = times
  },
  /** Never answer the next `times` queries (default: all) until `reset()`, to exercise timeouts. */
  hang(times = Number.POSITIVE_INFINITY) {
    failure = { kind: 'hang' }
    failuresLeft = times
  },
  /** Back to the fixture dataset, healthy answers and an empty request log; releases hung requests. */
  reset() {
    documents = null
    failure = null
    failuresLeft = 0
    requests.length = 0
    for (const release of releaseHung) release()
    releaseHung = []
  },
}

async function readQuery(request: Request, url: URL): Promise<{ query: string; params: Record<string, unknown> }> {
  if (request.method === 'POST') {
    const body = (await request.json()) as { query?: unknown; params?: Record<string, unknown> }
    return { query: typeof body.query === 'string' ? body.query : '', params: body.params ?? {} }
  }
  const params: Record<string, unknown> = {}
  for (const [name, value] of url.searchParams) {
    if (name.startsWith('$')) params[name.slice(1)] = JSON.parse(value)
  }
  return { query: url.searchParams.get('query') ?? '', params }
}

const answerQuery: HttpResponseResolver = async ({ request }) => {
  const url = new URL(request.url)
  const match = QUERY_URL.exec(request.url)
  if (!match) return HttpResponse.json({ error: { description: 'not a query URL' } }, { status: 404 })
  const [, projectId = '', hostKind = '', apiVersion = '', dataset = ''] = match
  const { query, params } = await readQuery(request, url)
  // Since API v2025-02-19 the default perspective is 'published'.
  const perspective = url.searchParams.get('perspective') ?? (apiVersion >= '2025-02-19' ? 'published' : 'raw')
  const authorized = /^Bearer \S+/.test(request.headers.get('authorization') ?? '')
  requests.push({
    method: request.method,
    host: hostKind,
    projectId,
    dataset,
    apiVersion,
    perspective,
    authorized,
    query,
    params,
  })

  if (failure && failuresLeft > 0) {
    failuresLeft -= 1
    if (failure.kind === 'hang') {
      await new Promise<void>((resolve) => releaseHung.push(resolve))
      return HttpResponse.error()
    }
    return HttpResponse.json(
      { error: { description: 'Simulated outage', type: 'simulatedError' } },
      { status: failure.status },
    )
  }

  if (projectId !== sanityMock.projectId || dataset !== sanityMock.dataset) {
    return HttpResponse.json({ error: { description: 'Dataset not found', type: 'notFound' } }, { status: 404 })
  }

  const started = performance.now()
  let result: unknown
  try {
    const tree = parse(query, { params })
    // Without a token Content Lake hides drafts whatever the perspective.
    const dataset = documentsFor(authorized ? perspective : 'published')
    result = await (await evaluate(tree, { dataset, params })).get()
  } catch (error) {
    return HttpResponse.json(
      { error: { description: (error as Error).message, query, type: 'queryParseError' } },
      { status: 400 },
    )
  }
  return HttpResponse.json({ query, result, ms: Math.round(performance.now() - started) })
}

export const sanityHandlers = [http.get(QUERY_URL, answerQuery), http.post(QUERY_URL, answerQuery)]
