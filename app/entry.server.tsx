import { randomBytes } from 'node:crypto'
import { Transform } from 'node:stream'
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { detectLocale, i18next, requestInstance } from '~/platform/i18n/i18next.server'
import { logger } from '~/platform/log.server'
import { isNotModified } from '~/platform/http.server'
import { cacheablePageKey, PageCache, withNonce } from '~/platform/page-cache.server'
import { RETRY_AFTER_SECONDS } from '~/platform/unavailable.server'
import { NonceContext } from '~/platform/security/nonce'
import { isRenderablePath } from '~/platform/security/request-path'
import { framedByStudio, studioOrigin } from '~/platform/security/studio'
import { getEnv } from '~/platform/env.server'

export { prepareServer, shutdownServer } from './startup.server'

const ABORT_DELAY = 5_000

// 32 MiB holds the eight policy pages in both languages many times over.
const pageCache = new PageCache(32 * 1024 * 1024)

// Cached pages are rendered with this stand-in for the nonce, and every
// response that serves them gets its own nonce written in its place (same
// length: both are 16 random bytes in base64), so no two responses share one.
const NONCE_STAND_IN = randomBytes(16).toString('base64')

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext = {},
) {
  // A path whose segments decode to control characters or backslashes cannot be rendered (see request-path.ts).
  if (!isRenderablePath(new URL(request.url).pathname)) return await notRenderable(request)
  const nonce = loadContext.cspNonce
  // Only pages get the policy; a 304 must not carry it (the browser would
  // pair a new nonce with the body it kept, whose scripts carry the old one).
  const studio = framedByStudioRoute(remixContext) ? studioOrigin(getEnv().SANITY_STUDIO_URL) : null
  const policy = studio ? framedByStudio(loadContext.contentSecurityPolicy, studio) : loadContext.contentSecurityPolicy
  const withPolicy = () => {
    if (policy) responseHeaders.set('Content-Security-Policy', policy)
  }
  // A 503 page (a database or the documents unavailable: ./lib/unavailable.server) says when to come back.
  if (responseStatusCode === 503 && !responseHeaders.has('Retry-After')) {
    responseHeaders.set('Retry-After', String(RETRY_AFTER_SECONDS))
    responseHeaders.set('Cache-Control', 'no-store')
  }
  // Routes with content-hash ETags (policy pages) answer 304 without rendering.
  if (responseStatusCode === 200 && isNotModified(request, responseHeaders)) {
    return new Response(null, { status: 304, headers: responseHeaders })
  }
  const cacheKey = cacheablePageKey(request, responseStatusCode, responseHeaders)
  const cached = cacheKey ? pageCache.get(cacheKey) : undefined
  if (cached) {
    responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
    withPolicy()
    return new Response(bytes(withNonce(cached, nonce, NONCE_STAND_IN)), {
      status: responseStatusCode,
      headers: responseHeaders,
    })
  }

  // A fresh i18next instance per request (a clone sharing the process-wide
  // resource store), in the request's language.
  const lng = await detectLocale(request)
  const instance = requestInstance(lng)
  // Make sure the namespaces the matched routes declare in handle.i18n exist.
  await instance.loadNamespaces(i18next.getRouteNamespaces(remixContext))

  // Pages that will be cached are rendered whole before they are sent.
  const waitForAll = Boolean(cacheKey) || isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode
  const renderNonce = cacheKey ? NONCE_STAND_IN : nonce
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={renderNonce}>
        <I18nextProvider i18n={instance}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={renderNonce} />
        </I18nextProvider>
      </NonceContext.Provider>,
      {
        // React's own inline scripts (streamed Suspense boundaries) carry it too.
        nonce: renderNonce,
        [waitForAll ? 'onAllReady' : 'onShellReady']() {
          shellRendered = true
          const body = withoutNulBytes()
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
          withPolicy()
          if (cacheKey) {
            const chunks: Buffer[] = []
            body.on('data', (chunk: Buffer) => chunks.push(chunk))
            body.on('error', reject)
            body.on('end', () => {
              const html = Buffer.concat(chunks)
              // A render that failed part-way (status changed by onError) is not kept.
              if (responseStatusCode === 200) pageCache.set(cacheKey, html)
              resolve(
                new Response(bytes(withNonce(html, nonce, NONCE_STAND_IN)), {
                  headers: responseHeaders,
                  status: responseStatusCode,
                }),
              )
            })
            pipe(body)
            return
          }
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          )
          pipe(body)
        },
        onShellError(error: unknown) {
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          if (shellRendered) logger.error({ err: error }, 'render error')
        },
      },
    )
    setTimeout(abort, ABORT_DELAY)
  })
}

/** A route that declares `handle.framedByStudio` (the draft preview) may be shown in a frame by the Studio. */
function framedByStudioRoute(context: EntryContext): boolean {
  return context.staticHandlerContext.matches.some((match) => {
    const handle: unknown = context.routeModules[match.route.id]?.handle
    return typeof handle === 'object' && handle !== null && 'framedByStudio' in handle && handle.framedByStudio === true
  })
}

/** A view of a Buffer as a fetch body, without copying it. */
function bytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.length)
}

/**
 * React 18.3's streaming renderer can emit stray NUL bytes when a multi-byte
 * (Cyrillic) character straddles its internal buffer boundary (fixed in React
 * 19). HTML never contains a legitimate NUL, so they are dropped on the way out.
 */
function withoutNulBytes() {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      let nul = chunk.indexOf(0)
      if (nul === -1) return callback(null, chunk)
      const parts: Buffer[] = []
      let start = 0
      while (nul !== -1) {
        if (nul > start) parts.push(chunk.subarray(start, nul))
        start = nul + 1
        nul = chunk.indexOf(0, start)
      }
      parts.push(chunk.subarray(start))
      callback(null, Buffer.concat(parts))
    },
  })
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return
  logger.error({ err: error, url: request.url }, 'unhandled error in a loader, action or render')
}

/** The plain, localized 404 for a path that cannot be rendered as a page. */
async function notRenderable(request: Request): Promise<Response> {
  const t = requestInstance(await detectLocale(request)).getFixedT(null, 'common')
  return new Response(`${t('errors.notFoundTitle')}\n\n${t('errors.notFoundText')}\n`, {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}
