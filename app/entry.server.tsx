import { Transform } from 'node:stream'
import { createReadableStreamFromReadable, type EntryContext } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { detectLocale, i18next, requestInstance } from './i18n/i18next.server'
import { logger } from './log.server'
import { isNotModified } from './lib/http.server'

export { prepareServer, shutdownServer } from './startup.server'

const ABORT_DELAY = 5_000

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // Routes with content-hash ETags (policy pages) answer 304 without rendering.
  if (responseStatusCode === 200 && isNotModified(request, responseHeaders)) {
    return new Response(null, { status: 304, headers: responseHeaders })
  }

  // A fresh i18next instance per request (a clone sharing the process-wide
  // resource store), in the request's language.
  const lng = await detectLocale(request)
  const instance = requestInstance(lng)
  // Make sure the namespaces the matched routes declare in handle.i18n exist.
  await instance.loadNamespaces(i18next.getRouteNamespaces(remixContext))

  const waitForAll = isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode
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

/**
 * React 18.3's streaming renderer can emit stray NUL bytes when a multi-byte
 * (Cyrillic) character straddles its internal buffer boundary (fixed in React
 * 19). HTML never contains a legitimate NUL, so they are dropped on the way out.
 */
function withoutNulBytes() {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk.includes(0) ? chunk.filter((byte) => byte !== 0) : chunk)
    },
  })
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return
  logger.error({ err: error, url: request.url }, 'unhandled error in a loader, action or render')
}
