/**
 * Whether the router's view of a request path can be rendered as a page.
 *
 * The router decodes each path segment, and rendering builds every link of
 * the matched routes with `new URL(path, base)`. A segment that decodes to
 * tab, CR, LF or a backslash (`/%09`, `/%5C`, `/%0d/`) turns `/…` into
 * `//…` for the URL parser: the render throws and the answer was a 500. No
 * page of this site has a control character or a backslash in its path, so
 * such a request is simply not found.
 */

// C0 and C1 control characters and the backslash.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\\]/

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    // The router keeps a segment that does not decode as it is.
    return segment
  }
}

export function isRenderablePath(pathname: string): boolean {
  const decoded = pathname
    .split('/')
    .map((segment) => decodeSegment(segment))
    .join('/')
  if (FORBIDDEN.test(decoded)) return false
  try {
    return new URL(decoded, 'http://localhost').origin === 'http://localhost'
  } catch {
    return false
  }
}
