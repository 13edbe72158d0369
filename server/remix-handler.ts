/**
 * The Remix request handler for Express, as @remix-run/express builds it,
 * except for the URL: it is built on PUBLIC_URL (server/app.ts routerUrl), the
 * same parsing the edge's origin check used, so the path the check decided on
 * is the path the router matches, and request.url never names a host a client
 * or a proxy chose.
 */
import {
  createReadableStreamFromReadable,
  createRequestHandler as createRemixRequestHandler,
  writeReadableStreamToWritable,
  type AppLoadContext,
  type ServerBuild,
} from '@remix-run/node'
import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from 'express'
import { requestOrigin, routerUrl, type EdgeLocals } from './app'

function createRemixHeaders(requestHeaders: ExpressRequest['headers']): Headers {
  const headers = new Headers()
  for (const [key, values] of Object.entries(requestHeaders)) {
    if (!values) continue
    if (Array.isArray(values)) for (const value of values) headers.append(key, value)
    else headers.set(key, values)
  }
  return headers
}

async function sendRemixResponse(res: ExpressResponse, response: Response) {
  res.statusMessage = response.statusText
  res.status(response.status)
  for (const [key, value] of response.headers.entries()) res.append(key, value)
  if (/text\/event-stream/i.test(response.headers.get('Content-Type') ?? '')) res.flushHeaders()
  if (response.body) await writeReadableStreamToWritable(response.body, res)
  else res.end()
}

export type RemixHandlerOptions = {
  build: ServerBuild | (() => Promise<ServerBuild>)
  mode: string
  publicUrl: string | undefined
}

function fetchRequest(req: ExpressRequest, res: ExpressResponse, publicUrl: string | undefined): Request | null {
  const url = routerUrl(requestOrigin(req, publicUrl), req.originalUrl)
  if (!url) return null
  let controller: AbortController | null = new AbortController()
  const init: RequestInit & { duplex?: 'half' } = {
    method: req.method,
    headers: createRemixHeaders(req.headers),
    signal: controller.signal,
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = createReadableStreamFromReadable(req)
    init.duplex = 'half'
  }
  // Abort loaders and actions once the response can no longer be written (close without finish).
  res.on('finish', () => (controller = null))
  res.on('close', () => controller?.abort())
  return new Request(url.href, init)
}

export function createRemixHandler({ build, mode, publicUrl }: RemixHandlerOptions): RequestHandler {
  const handleRequest = createRemixRequestHandler(build, mode)
  return async (req, res, next) => {
    try {
      const request = fetchRequest(req, res, publicUrl)
      if (!request) {
        res.status(400).type('text/plain; charset=utf-8').send('Bad Request')
        return
      }
      const locals = res.locals as Partial<EdgeLocals>
      const context: AppLoadContext = {
        // The client's address as Express sees it (honouring TRUST_PROXY), for rate limits and acceptance evidence.
        clientIp: req.ip ?? null,
        cspNonce: locals.cspNonce,
        contentSecurityPolicy: locals.contentSecurityPolicy,
      }
      await sendRemixResponse(res, await handleRequest(request, context))
    } catch (error) {
      next(error)
    }
  }
}
