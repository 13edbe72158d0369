import { Transform } from 'node:stream'
import { createReadableStreamFromReadable, type EntryContext } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { detectLocale, i18next, requestInstance } from './i18n/i18next.server'
import { logger } from './log.server'
import { isNotModified } from './lib/http.server'
import { cacheablePageKey, PageCache } from './lib/page-cache.server'
import { RETRY_AFTER_SECONDS } from './lib/unavailable.server'

export { prepareServer, shutdownServer } from './startup.server'

const ABORT_DELAY = 5_000

// 32 MiB holds the eight policy pages in both languages many times over.
const pageCache = new PageCache(32 * 1024 * 1024)

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
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
    return new Response(bytes(cached), { status: responseStatusCode, headers: responseHeaders })
  }

  // A fresh i18next instance per request (a clone sharing the process-wide
  // resource store), in the request's language.
  const lng = await detectLocale(request)
  const instance = requestInstance(lng)
  // Make sure the namespaces the matched routes declare in handle.i18n exist.
  await instance.loadNamespaces(i18next.getRouteNamespaces(remixContext))

  // Pages that will be cached are rendered whole before they are sent.
  const waitForAll = Boolean(cacheKey) || isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <I18nextProvider i18n={instance}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </I18nextProvider>,
      {
        [waitForAll ? 'onAllReady' : 'onShellReady']() {
          shellRendered = true
          const body = withoutNulBytes()
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
          if (cacheKey) {
            const chunks: Buffer[] = []
            body.on('data', (chunk: Buffer) => chunks.push(chunk))
            body.on('error', reject)
            body.on('end', () => {
              const html = Buffer.concat(chunks)
              // A render that failed part-way (status changed by onError) is not kept.
              if (responseStatusCode === 200) pageCache.set(cacheKey, html)
              resolve(new Response(bytes(html), { headers: responseHeaders, status: responseStatusCode }))
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
