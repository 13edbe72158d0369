/**
 * The route pattern of a page, as page-view statistics keep it: the path with
 * every value the router captured replaced by its parameter name, so
 * `/en/generations/5d1c…` becomes `/:lang/generations/:id` and
 * `/ru/privacy/v/2` becomes `/:lang/:kind/v/:version`. The query string is
 * never part of it. Shared by the server (document requests) and the browser
 * (navigations after the first page), so it holds no server-only code.
 */
export function routePattern(pathname: string, params: Readonly<Record<string, string | undefined>>): string {
  const segments = pathname.split('/').filter((s) => s !== '')
  const splat = params['*']
  const named = Object.entries(params).filter(
    (entry): entry is [string, string] => entry[0] !== '*' && typeof entry[1] === 'string' && entry[1] !== '',
  )
  const used = new Set<string>()
  const out: string[] = []
  for (let i = 0; i < segments.length; i++) {
    const segment = decodeSegment(segments[i]!)
    if (splat !== undefined && splat !== '' && segments.slice(i).map(decodeSegment).join('/') === splat) {
      out.push('*')
      break
    }
    const param = named.find(([name, value]) => !used.has(name) && value === segment)
    if (param) {
      used.add(param[0])
      out.push(`:${param[0]}`)
    } else {
      out.push(segment)
    }
  }
  return `/${out.join('/')}`
}

const PATTERN_SEGMENT = /^(?::[A-Za-z][A-Za-z0-9]{0,30}|\*|[a-z0-9][a-z0-9.-]{0,40})$/

/**
 * True for something shaped like a pattern of our pages: starting with the
 * language parameter, then literal lower-case words, parameter names or a
 * splat. What a browser sends is checked against this before it is stored.
 */
export function isRoutePattern(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 200) return false
  const segments = value.split('/')
  if (segments[0] !== '' || segments[1] !== ':lang') return false
  return segments.slice(2).every((s) => PATTERN_SEGMENT.test(s))
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
