import { AsyncLocalStorage } from 'node:async_hooks'
import pino from 'pino'

type RequestContext = { requestId: string }

// The Express entry and the Remix server bundle are separate module graphs; the
// request context lives on globalThis so both see the same store.
const STORE_KEY = Symbol.for('palitra.requestContext')
const globalStore = globalThis as unknown as Record<symbol, AsyncLocalStorage<RequestContext> | undefined>
const requestContext: AsyncLocalStorage<RequestContext> =
  globalStore[STORE_KEY] ?? (globalStore[STORE_KEY] = new AsyncLocalStorage<RequestContext>())

/** Runs fn with a request id attached to every log line written inside it. */
export function withRequestContext<T>(requestId: string, fn: () => T): T {
  return requestContext.run({ requestId }, fn)
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId
}

function defaultLevel() {
  if (process.env.LOG_LEVEL) return process.env.LOG_LEVEL
  return process.env.NODE_ENV === 'test' || process.env.VITEST ? 'silent' : 'info'
}

const LOGGER_KEY = Symbol.for('palitra.logger')
const globalLogger = globalThis as unknown as Record<symbol, pino.Logger | undefined>

export const logger: pino.Logger =
  globalLogger[LOGGER_KEY] ??
  (globalLogger[LOGGER_KEY] = pino({
    level: defaultLevel(),
    base: { service: 'palitra' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const requestId = currentRequestId()
      return requestId ? { requestId } : {}
    },
  }))
