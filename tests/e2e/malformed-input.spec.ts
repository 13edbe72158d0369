import type { APIRequestContext, APIResponse } from '@playwright/test'
import {
  confirmEmailOverHttp,
  expect,
  newPerson,
  originOf,
  registerOverHttp,
  signInOverHttp,
  test,
} from './support/accounts'
import { fillPattern, paramsOf, routePatterns, type RoutePattern } from './support/route-patterns'

/**
 * The malformed-input sweep: every route of the production build (found from
 * the route files, so a new route is swept without being listed here) gets
 * malformed path parameters, junk query strings, and GET, POST and other
 * methods with empty, mistyped, invalid-UTF-8 and garbage bodies, once
 * anonymous and once signed in. Whatever it is, the answer is never a 5xx,
 * and a redirect never leaves the site.
 *
 * POSTs carry the site's own Origin, as a browser's form does, so they get
 * past the CSRF check to the route itself. Runs on the "accounts" server
 * (playwright.config.ts), where people can register.
 */

// A sane value per parameter name, so each bad value is tried with the rest of the path valid.
const SANE: Record<string, string> = {
  lang: 'en',
  kind: 'privacy',
  version: '1',
  '*': 'x',
  provider: 'google',
  number: '1',
  index: '0',
}
const SANE_UUID = '00000000-0000-4000-8000-000000000000'

// Path-segment values as they go on the wire (already percent-encoded where meant).
const BAD_SEGMENTS = [
  'not-a-uuid',
  '%00',
  '%ff%fe',
  '%E0%A4%A',
  '%',
  '%zz',
  '%2e%2e',
  '..%2f..%2fetc%2fpasswd',
  '%5c..%5cevil.example',
  '%0d%0aX-Injected:%20yes',
  '%09',
  'x'.repeat(3000),
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  '0x10',
  '%F0%9F%92%A9',
  '%3Cscript%3E',
  "'%20OR%201=1--",
  SANE_UUID,
  '00000000-0000-0000-0000-00000000000g',
  'ru',
  'EN',
]

const JUNK_QUERIES = [
  '?%ff=%fe&%00=%00&%=%',
  '?redirectTo=%0d%0aX:y&returnTo=%2F%09%2Fevil.example%2F&next=%2F%2Fevil.example&lang=%ff&from=checkout',
  '?redirectTo=%2Fen%2F%00&returnTo=%2Fen%2F%0d%0a&next=%2Fen%2F%0d%0a&lang=en',
  '?page=-1&from=abc&to=1e309&year=99999999999&number=%00&token=%00&format=%ff&refunded=%0d&providerError=%00&id=x',
  '?page=99999999999999999999&from=0&to=-5&year=-1&welcome=%00&done=%00&confirm=%ff&mail=%00&inline=1',
  '?_data=routes%2F%24lang&index&_routes=%00%2C%ff',
  `?q=${'a'.repeat(4000)}`,
  '?token=%E0%A4%A&code=%00&state=%ff&error=%0d%0a',
]

type Body = { name: string; headers: Record<string, string>; data?: Buffer | string }
const BODIES: Body[] = [
  { name: 'empty', headers: {} },
  { name: 'empty form', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, data: '' },
  {
    name: 'invalid UTF-8 form',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x3d, 0xff, 0xfe, 0x26, 0xc3, 0x28, 0x3d, 0xa0]),
  },
  {
    name: 'percent-garbage form',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: '%ff%fe=%00&intent=%00&email=%E0%A4%A&password=%&orderId=not-a-uuid&token=%00&returnTo=%0d%0a&redirectTo=%2F%09%2Fevil.example&shownVersions=%00&shownVersion=-1&accept_terms=yes&accept_privacy=%00&kind=%ff&version=1e309&prompt=%00&id=%00',
  },
  {
    name: 'fields with wrong values',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: new URLSearchParams({
      intent: 'delete',
      email: 'not-an-address',
      password: 'x',
      orderId: 'not-a-uuid',
      sessionId: 'not-a-session',
      token: 'x'.repeat(5000),
      shownVersions: 'terms:x,privacy:-1,consent:1e309',
      shownVersion: 'abc',
      returnTo: '/\t/evil.example/',
      redirectTo: '//evil.example',
      confirmation: '\u0000',
      kind: 'nonsense',
      aspectRatio: '1:0',
      style: '\u0000',
      count: '-1',
      preferences: 'on',
      analytics: 'on',
    }).toString(),
  },
  {
    name: 'multipart garbage',
    headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
    data: '--xyz\r\nContent-Disposition: form-data; name="a\r\n\r\n\u0000\u00ff--x',
  },
  { name: 'multipart without boundary', headers: { 'Content-Type': 'multipart/form-data' }, data: 'a=b' },
  { name: 'broken JSON', headers: { 'Content-Type': 'application/json' }, data: '{"orderId": ' },
  { name: 'JSON of the wrong shape', headers: { 'Content-Type': 'application/json' }, data: '[1, null, "x"]' },
  { name: 'plain text', headers: { 'Content-Type': 'text/plain' }, data: '\u0000\u0001 garbage \uFFFF' },
  { name: 'XML', headers: { 'Content-Type': 'application/xml' }, data: '<?xml version="1.0"?><a>&x;</a>' },
]

// Cookies and headers the server reads, with values it never wrote.
const JUNK_HEADERS: Array<Record<string, string>> = [
  {
    Cookie:
      'palitra_session=%00%ff; palitra_guest=00000000-0000-4000-8000-000000000000.forged; lng=%ff; palitra_consent=garbage; palitra_oauth_google=%%%',
  },
  { Cookie: `palitra_session=${'a'.repeat(3000)}; palitra_guest=.; palitra_consent=e30; lng=de` },
  { 'Accept-Language': '%ff;q=abc, *;q=-1, ' + 'x'.repeat(500), 'Sec-GPC': '%00', 'If-None-Match': '"unterminated' },
  { 'If-Modified-Since': 'not a date', 'If-None-Match': '*', Range: 'bytes=99999999999-', 'Sec-Fetch-Dest': '%ff' },
]

const OTHER_METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

function saneValues(pattern: RoutePattern): Record<string, string> {
  return Object.fromEntries(paramsOf(pattern).map((name) => [name, SANE[name] ?? SANE_UUID]))
}

/** The paths to try for one route: the sane one, then each parameter given each bad value. */
function pathsFor(pattern: RoutePattern): string[] {
  const sane = saneValues(pattern)
  const paths = new Set([fillPattern(pattern, sane)])
  for (const name of paramsOf(pattern)) {
    for (const bad of BAD_SEGMENTS) paths.add(fillPattern(pattern, { ...sane, [name]: bad }))
  }
  return [...paths]
}

type Problem = { request: string; status: number; location: string | null }

/** A 5xx, or a Location that a browser would follow off the site (it strips tab, CR and LF first). */
function problemWith(request: string, response: APIResponse, origin: string): Problem | null {
  const status = response.status()
  const location = response.headers()['location'] ?? null
  const offSite = location !== null && new URL(location.replace(/[\t\r\n]/g, ''), `${origin}/en/`).origin !== origin
  return status >= 500 || offSite ? { request, status, location } : null
}

async function sweep(request: APIRequestContext, origin: string, pattern: RoutePattern): Promise<Problem[]> {
  const problems: Problem[] = []
  const check = async (label: string, send: () => Promise<APIResponse>) => {
    let response: APIResponse
    try {
      response = await send()
    } catch (error) {
      // The server closing the connection instead of answering counts as a failure too.
      problems.push({ request: `${label} (${String(error).split('\n')[0]})`, status: 0, location: null })
      return
    }
    const problem = problemWith(label, response, origin)
    if (problem) problems.push(problem)
    await response.dispose()
  }
  const options = { maxRedirects: 0, failOnStatusCode: false, timeout: 15_000 } as const
  const paths = pathsFor(pattern)
  const sanePath = paths[0]!
  // Single-fetch data requests (Remix asks for `<path>.data`) go through the same loaders and actions.
  const dataPath = sanePath === '/' ? '/_root.data' : `${sanePath}.data`

  for (const path of paths) await check(`GET ${path}`, () => request.get(path, options))
  for (const query of JUNK_QUERIES) {
    await check(`GET ${sanePath}${query}`, () => request.get(`${sanePath}${query}`, options))
    await check(`GET ${dataPath}${query}`, () => request.get(`${dataPath}${query}`, options))
  }
  for (const body of BODIES) {
    for (const path of [sanePath, `${sanePath}${JUNK_QUERIES[1]}`, dataPath, paths[1] ?? sanePath]) {
      await check(`POST ${path} (${body.name})`, () =>
        request.post(path, { ...options, headers: { Origin: origin, ...body.headers }, data: body.data }),
      )
    }
  }
  for (const headers of JUNK_HEADERS) {
    await check(`GET ${sanePath} with ${JSON.stringify(headers)}`, () => request.get(sanePath, { ...options, headers }))
    await check(`POST ${sanePath} with ${JSON.stringify(headers)}`, () =>
      request.post(sanePath, { ...options, headers: { Origin: origin, ...headers }, form: { intent: 'x' } }),
    )
  }
  for (const method of OTHER_METHODS) {
    await check(`${method} ${sanePath}`, () =>
      request.fetch(sanePath, { ...options, method, headers: { Origin: origin } }),
    )
  }
  return problems
}

const patterns = routePatterns()

test('the sweep finds the routes from the route files', () => {
  // A guard against the enumeration breaking silently (and sweeping nothing).
  const paths = patterns.map((p) => fillPattern(p, saneValues(p)))
  expect(paths.length).toBeGreaterThan(40)
  for (const known of ['/en/account/payments', '/en/login', '/language', '/webhooks/tbank', '/en/logout']) {
    expect(paths).toContain(known)
  }
})

for (const pattern of patterns) {
  test.describe(`${pattern.file}`, () => {
    // Each test sends a few hundred requests.
    test.describe.configure({ timeout: 120_000 })

    test('anonymous: malformed input never answers 5xx or redirects off the site', async ({ request, baseURL }) => {
      const problems = await sweep(request, originOf(baseURL), pattern)
      expect(problems, JSON.stringify(problems, null, 2)).toEqual([])
    })

    test('signed in: malformed input never answers 5xx or redirects off the site', async ({ request, baseURL }) => {
      const person = newPerson('en', 'sweep')
      await registerOverHttp(request, baseURL, person)
      await confirmEmailOverHttp(request, baseURL, person)
      await signInOverHttp(request, baseURL, person)
      const problems = await sweep(request, originOf(baseURL), pattern)
      expect(problems, JSON.stringify(problems, null, 2)).toEqual([])
    })
  })
}
