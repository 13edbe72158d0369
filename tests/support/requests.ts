// Requests for the route tests, which call loaders and actions directly: the
// origin, the cookie, the user agent and the form body are built here once.

export const TEST_ORIGIN = 'http://localhost'

export type RequestOptions = {
  /** Another origin than TEST_ORIGIN (a test of the Origin or Host checks). */
  origin?: string
  userAgent?: string
  /** Sent as they are, after (and so over) the ones built from the options. */
  headers?: Record<string, string>
}

export type FormOptions = RequestOptions & {
  /** Sent as multipart/form-data, as a form with a file input is; url-encoded otherwise. */
  multipart?: boolean
}

/** A GET of `path` on the test origin, with the cookie header when there is one. */
export function get(path: string, cookie?: string, options: RequestOptions = {}): Request {
  return new Request(`${options.origin ?? TEST_ORIGIN}${path}`, { headers: headersFor(cookie, options) })
}

/** A form POST of `fields` to `path`, as a browser sends it. */
export function post(
  path: string,
  fields: Record<string, string>,
  cookie?: string,
  options: FormOptions = {},
): Request {
  const url = `${options.origin ?? TEST_ORIGIN}${path}`
  if (options.multipart) {
    const body = new FormData()
    for (const [name, value] of Object.entries(fields)) body.set(name, value)
    return new Request(url, { method: 'POST', body, headers: headersFor(cookie, options) })
  }
  return new Request(url, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headersFor(cookie, options) },
  })
}

function headersFor(cookie: string | undefined, options: RequestOptions): Record<string, string> {
  return {
    ...(options.userAgent ? { 'User-Agent': options.userAgent } : {}),
    ...(cookie ? { Cookie: cookie } : {}),
    ...options.headers,
  }
}

/** The `name=value` part of each cookie a response sets, ready for a Cookie header. */
export function cookiesFrom(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(';')[0]!)
}

/** The `name=value` of the cookie `name` a response sets; fails the test when it sets none. */
export function cookieNamed(response: Response, name: string): string {
  const cookie = cookiesFrom(response).find((c) => c.startsWith(`${name}=`))
  if (!cookie) throw new Error(`no ${name} cookie`)
  return cookie
}
