// The start: settings, the Remix build, the HTTP edge (server/app.ts), and
// a graceful shutdown.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import express, { type RequestHandler } from 'express'
import { EnvError, getEnv } from '../app/platform/env.server'
import { guardBuild } from '../app/platform/unavailable.server'
import { logger } from '../app/platform/log.server'
import { createApp, listen } from './app'
import { createRemixHandler } from './remix-handler'

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

// Static files before the handler: Vite's dev server, or the built client.
const before: RequestHandler[] = []
if (viteDevServer) {
  before.push(viteDevServer.middlewares as unknown as RequestHandler)
} else {
  const assets = express.Router()
  assets.use('/assets', express.static('build/client/assets', { immutable: true, maxAge: '1y' }))
  before.push(assets)
  // Other public files (favicon) all have an extension; pages never do, so
  // page requests skip the file-system lookup.
  const publicFiles = express.static('build/client', { maxAge: '1h', index: false })
  before.push((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? publicFiles(req, res, next) : next()))
}

const initialBuild = await loadBuild()
const entry = initialBuild.entry.module as EntryModule
await entry.prepareServer?.()

const app = createApp({
  env,
  before,
  handler: createRemixHandler({
    build: viteDevServer ? loadBuild : initialBuild,
    mode: isProduction ? 'production' : 'development',
    publicUrl: env.PUBLIC_URL,
  }),
})

const server = listen(app, env.PORT, env.HOST, () => {
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
