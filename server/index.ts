import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import { EnvError, getEnv } from '../app/env.server'
import { guardBuild } from '../app/lib/unavailable.server'
import { logger, withRequestContext } from '../app/log.server'
import { isSameOriginRequest } from '../app/security/csrf'

type EntryModule = {
  prepareServer?: () => Promise<void>
  shutdownServer?: () => Promise<void>
}

function loadSettings() {
  // A .env file in the working directory fills in settings not already in the environment.
  if (existsSync('.env')) process.loadEnvFile('.env')
  try {
    return getEnv()
  } catch (error) {
    if (error instanceof EnvError) {
      // Plain stderr as well as the JSON log: this is read by a person starting the server.
      console.error(error.message)
      logger.fatal({ problems: error.problems }, 'invalid environment')
      process.exit(1)
    }
    throw error
  }
}

const env = loadSettings()
const isProduction = env.NODE_ENV === 'production'

const viteDevServer = isProduction
  ? undefined
  : await import('vite').then((vite) => vite.createServer({ server: { middlewareMode: true } }))

// Every loader and action guarded: a database that does not answer gives 503 + Retry-After, never 500.
async function loadBuild(): Promise<ServerBuild> {
  if (viteDevServer) return guardBuild((await viteDevServer.ssrLoadModule('virtual:remix/server-build')) as ServerBuild)
  return guardBuild((await import(pathToFileURL(path.resolve('build/server/index.js')).href)) as ServerBuild)
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/

const app = express()
app.disable('x-powered-by')
app.set('trust proxy', process.env.TRUST_PROXY === 'true' ? true : 'loopback')

// Every log line written while handling a request carries its id; the id is
// returned to the client so a person can quote it to support.
app.use((req, res, next) => {
  const incoming = req.get('x-request-id')
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID()
  res.setHeader('X-Request-Id', requestId)
  const started = process.hrtime.bigint()
  withRequestContext(requestId, () => {
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const level = res.statusCode >= 500 ? 'error' : 'info'
      logger[level](
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      )
    })
    next()
  })
})

app.use((_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
  next()
})

// Cross-site request forgery: a state-changing request must come from a page
// of this site (Origin, or Referer when Origin is absent). SameSite=Lax
// cookies are the second layer. Webhooks are signed instead and exempt.
const CSRF_REFUSAL = Object.fromEntries(
  (['ru', 'en'] as const).map((locale) => {
    const strings = JSON.parse(readFileSync(path.resolve('locales', locale, 'common.json'), 'utf8')) as {
      errors: { crossSite: string }
    }
    return [locale, strings.errors.crossSite]
  }),
) as Record<'ru' | 'en', string>
app.use((req, res, next) => {
  if (req.path.startsWith('/webhooks/')) return next()
  const sameOrigin = isSameOriginRequest({
    method: req.method,
    origin: req.get('origin'),
    referer: req.get('referer'),
    host: req.get('host'),
    publicUrl: env.PUBLIC_URL,
  })
  if (sameOrigin) return next()
  logger.warn(
    { event: 'csrf.refused', method: req.method, path: req.path, origin: req.get('origin') },
    'cross-site request refused',
  )
  const locale = req.path.startsWith('/en') ? 'en' : 'ru'
  res.status(403).type('text/plain; charset=utf-8').send(CSRF_REFUSAL[locale])
})

app.use(compression())

if (viteDevServer) {
  app.use(viteDevServer.middlewares)
} else {
  app.use('/assets', express.static('build/client/assets', { immutable: true, maxAge: '1y' }))
  // Other public files (favicon) all have an extension; pages never do, so
  // page requests skip the file-system lookup.
  const publicFiles = express.static('build/client', { maxAge: '1h', index: false })
  app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? publicFiles(req, res, next) : next()))
}

const initialBuild = await loadBuild()
const entry = initialBuild.entry.module as EntryModule
await entry.prepareServer?.()

app.all(
  '*',
  createRequestHandler({
    build: viteDevServer ? loadBuild : initialBuild,
    mode: isProduction ? 'production' : 'development',
    // The client's address as Express sees it (honouring TRUST_PROXY), for
    // rate limits and acceptance evidence.
    getLoadContext: (req) => ({ clientIp: req.ip ?? null }),
  }),
)

const server = app.listen(env.PORT, env.HOST, () => {
  logger.info({ port: env.PORT, mode: env.NODE_ENV }, `Palitra is listening on http://localhost:${env.PORT}`)
})

let closing = false
async function shutdown(signal: string) {
  if (closing) return
  closing = true
  logger.info({ signal }, 'shutting down')
  server.close()
  await viteDevServer?.close()
  await entry.shutdownServer?.().catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'))
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
