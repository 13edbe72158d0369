import { PassThrough } from 'node:stream'
import { createReadableStreamFromReadable, type EntryContext } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { createInstance } from 'i18next'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import Backend from 'i18next-fs-backend'
import path from 'node:path'
import { i18nConfig } from './i18n/config'
import { detectLocale, i18next } from './i18n/i18next.server'
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

  // A fresh i18next instance per request, loaded with the namespaces the
  // matched routes declare in handle.i18n.
  const instance = createInstance()
  const lng = await detectLocale(request)
  const ns = i18next.getRouteNamespaces(remixContext)
  await instance
    .use(initReactI18next)
    .use(Backend)
    .init({
      ...i18nConfig,
      lng,
      ns: ns.length ? ns : ['common'],
      backend: { loadPath: path.resolve('locales/{{lng}}/{{ns}}.json') },
    })

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
          const body = new PassThrough()
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

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return
  logger.error({ err: error, url: request.url }, 'unhandled error in a loader, action or render')
}
