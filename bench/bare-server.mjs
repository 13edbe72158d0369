// The baseline for bench/policy-page.mjs: a bare node:http server that
// answers every request with the bytes and headers Palitra sent for the page
// (and a 304 when If-None-Match names its ETag, as Palitra does). It runs in
// its own process so that it does not share an event loop with autocannon.
//   node bench/bare-server.mjs <response.json> <body.bin>
// Prints "listening <port>" once it accepts connections.
import { readFileSync } from 'node:fs'
import http from 'node:http'

const [responseFile, bodyFile] = process.argv.slice(2)
if (!responseFile || !bodyFile) {
  console.error('usage: node bench/bare-server.mjs <response.json> <body.bin>')
  process.exit(2)
}
/** @type {{ ok: Record<string, string>, notModified: Record<string, string> }} */
const recorded = JSON.parse(readFileSync(responseFile, 'utf8'))
const body = readFileSync(bodyFile)
const etag = recorded.ok['etag']
// Palitra streams the page (chunked); the whole body is known here, so it gets a length.
const fullHeaders = { ...recorded.ok, 'content-length': String(body.length) }
const notModifiedHeaders = recorded.notModified

const server = http.createServer((request, response) => {
  if (etag && request.headers['if-none-match'] === etag) {
    response.writeHead(304, notModifiedHeaders)
    response.end()
    return
  }
  response.writeHead(200, fullHeaders)
  response.end(body)
})
// Same keep-alive timeout as an Express app on Node 20.
server.keepAliveTimeout = 5_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`)
})
const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
