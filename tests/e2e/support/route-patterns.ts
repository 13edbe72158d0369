import { readdirSync } from 'node:fs'
import path from 'node:path'

/**
 * The URL patterns of every route module under app/routes, worked out from
 * the file names by Remix's flat-route convention, so a route added later is
 * swept without anyone listing it:
 *  - `.` separates segments, `[.]` is a literal dot (`export[.]json`);
 *  - `$name` is a parameter, a lone `$` the splat;
 *  - `_index` and leading-underscore (pathless) segments add nothing;
 *  - a trailing `_` (`requests_`) only opts out of the parent layout.
 * Test files and dotfiles are skipped, as remix.config.js's ignoredRouteFiles does.
 */
export type RoutePattern = {
  file: string
  /** Segments: literals, `:name` for parameters, `*` for the splat. */
  segments: string[]
}

const ROUTES_DIR = path.resolve(process.cwd(), 'app/routes')

/** Splits a flat-route name at the dots that are not inside `[...]`. */
function splitName(name: string): string[] {
  const parts: string[] = []
  let current = ''
  let escaped = false
  for (const ch of name) {
    if (ch === '[') escaped = true
    else if (ch === ']') escaped = false
    else if (ch === '.' && !escaped) {
      parts.push(current)
      current = ''
      continue
    }
    current += ch
  }
  parts.push(current)
  return parts
}

export function patternOf(file: string): RoutePattern {
  const name = file.replace(/\.(tsx?|jsx?)$/, '')
  const segments: string[] = []
  for (const raw of splitName(name)) {
    if (raw === '_index' || raw.startsWith('_')) continue
    const part = raw.endsWith('_') ? raw.slice(0, -1) : raw
    // A whole segment of a literal mixed with parameters (`$id[.]csv`) keeps both.
    const literal = part.replace(/\[(.*?)\]/g, '$1')
    const param = /^\$([A-Za-z]\w*)(.*)$/.exec(literal)
    if (literal === '$') segments.push('*')
    else if (param) segments.push(`:${param[1]}${param[2]}`)
    else segments.push(literal)
  }
  return { file, segments }
}

export function routePatterns(dir = ROUTES_DIR): RoutePattern[] {
  return readdirSync(dir)
    .filter((f) => /\.(tsx?|jsx?)$/.test(f) && !/\.test\.(tsx?|jsx?)$/.test(f) && !f.startsWith('.'))
    .sort()
    .map((f) => patternOf(f))
}

/** The parameter names a pattern holds (`*` for the splat), including one glued to a literal (`:id.csv`). */
export function paramsOf(pattern: RoutePattern): string[] {
  return pattern.segments.flatMap((s) => (s === '*' ? ['*'] : s.startsWith(':') ? [s.slice(1).split('.')[0]!] : []))
}

/** A concrete path: each parameter replaced by `values[name]` (already URL-encoded as it should go on the wire). */
export function fillPattern(pattern: RoutePattern, values: Record<string, string>): string {
  return `/${pattern.segments
    .map((s) => {
      if (s === '*') return values['*'] ?? 'x'
      if (!s.startsWith(':')) return s
      const [name, ...rest] = s.slice(1).split('.')
      return [values[name!] ?? 'x', ...rest].join('.')
    })
    .join('/')}`
}
