/**
 * The site's address that links in mail are built on. A link in a letter
 * must name this site whatever the request that caused the letter said: the
 * Host header is the client's to choose, so in production it is never used
 * (otherwise anyone could have reset or confirmation links mailed that point
 * to a host of their own).
 */
import { getEnv, type Env } from '~/env.server'

type LinkSettings = Pick<Env, 'PUBLIC_URL' | 'NODE_ENV' | 'PORT'>

/**
 * PUBLIC_URL when it is set. Without it: outside production, the origin the
 * request came to (a developer's machine, tests); in production, the address
 * `npm start` serves on this machine (http://localhost:PORT), which is right
 * for someone trying the site on their own computer and harmless anywhere
 * else; a public site must set PUBLIC_URL (the server warns at start).
 */
export function mailLinkBase(request: Request | null, env: LinkSettings = getEnv()): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, '')
  if (env.NODE_ENV !== 'production' && request) return new URL(request.url).origin
  return `http://localhost:${env.PORT}`
}

/** An absolute link on `base` to a path of this site ('/en/terms/v/3'). */
export function absoluteLink(base: string, pathAndQuery: string): string {
  return `${base.replace(/\/+$/, '')}${pathAndQuery.startsWith('/') ? '' : '/'}${pathAndQuery}`
}
