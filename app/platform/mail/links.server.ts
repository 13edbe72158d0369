/**
 * The site's address that links in mail are built on. A link in a letter
 * must name this site whatever the request that caused the letter said: the
 * Host header is the client's to choose, so in production it is never used
 * (otherwise anyone could have reset or confirmation links mailed that point
 * to a host of their own).
 */
import { getEnv, type Env } from '~/platform/env.server'

type LinkSettings = Pick<Env, 'PUBLIC_URL' | 'NODE_ENV' | 'PORT'>

/**
 * PUBLIC_URL, which production requires (the start fails without it). Only
 * outside production, without PUBLIC_URL, the origin the request came to (a
 * developer's machine, tests). Production without PUBLIC_URL is refused here
 * too rather than guessed from anything a client sent.
 */
export function mailLinkBase(request: Request | null, env: LinkSettings = getEnv()): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, '')
  if (env.NODE_ENV === 'production') {
    throw new Error('PUBLIC_URL is required in production: links in mail are built on it')
  }
  if (request) return new URL(request.url).origin
  return `http://localhost:${env.PORT}`
}

/** An absolute link on `base` to a path of this site ('/en/terms/v/3'). */
export function absoluteLink(base: string, pathAndQuery: string): string {
  return `${base.replace(/\/+$/, '')}${pathAndQuery.startsWith('/') ? '' : '/'}${pathAndQuery}`
}
