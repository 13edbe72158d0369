import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const STUDIO_DIST = path.join(ROOT, 'cms/dist')

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
}

export interface StudioServer {
  origin: string
  close(): Promise<void>
}

/**
 * Serves the built Studio (`cms/dist`) the way Sanity's hosting does: files
 * as they are, and index.html for every other path, because the Studio routes
 * in the browser (/structure/…, /intent/edit/…).
 */
export async function serveStudio(dist = STUDIO_DIST): Promise<StudioServer> {
  const index = path.join(dist, 'index.html')
  if (!existsSync(index)) throw new Error(`${index} is missing: run npm run cms:build first`)
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://studio').pathname)
    const file = path.join(dist, path.normalize(pathname))
    const inside = file.startsWith(dist + path.sep)
    const found = inside && existsSync(file) && statSync(file).isFile() ? file : index
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(found)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    })
    createReadStream(found).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
