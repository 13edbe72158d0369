#!/usr/bin/env node
// The command Playwright's webServer runs: the production build on
// --port with --dataset (an NDJSON content dataset) and a temporary DATA_DIR
// that is removed again when Playwright stops it with SIGTERM.
//   node tests/e2e/serve.mjs --port 4700 [--dataset tests/fixtures/e2e/dataset.ndjson]
//     [--data-dir DIR]        this DATA_DIR instead of a fresh temporary one (tests read stored mail there)
//     [--dataset-copy FILE]   serve a copy of --dataset made at FILE, which tests may edit
//     [--env NAME=VALUE]…     extra settings for the server (e.g. a sign-in provider switched on)
import { parseArgs } from 'node:util'
import { startProductionServer } from './support/production-server.mjs'

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    dataset: { type: 'string' },
    'data-dir': { type: 'string' },
    'dataset-copy': { type: 'string' },
    env: { type: 'string', multiple: true },
  },
})
const env = {}
for (const pair of values.env ?? []) {
  const eq = pair.indexOf('=')
  if (eq <= 0) {
    console.error(`--env takes NAME=VALUE, got ${JSON.stringify(pair)}`)
    process.exit(2)
  }
  env[pair.slice(0, eq)] = pair.slice(eq + 1)
}
const port = Number(values.port)
if (!Number.isInteger(port) || port <= 0) {
  console.error(
    'usage: node tests/e2e/serve.mjs --port N [--dataset file.ndjson] [--data-dir DIR] [--dataset-copy FILE] [--env NAME=VALUE]…',
  )
  process.exit(2)
}

const server = await startProductionServer({
  port,
  dataset: values.dataset,
  dataDir: values['data-dir'],
  datasetCopy: values['dataset-copy'],
  env,
})
console.log(
  `palitra e2e server ready at ${server.url} (dataset ${values.dataset ?? 'default seed'}` +
    `${values['dataset-copy'] ? `, served from the copy ${values['dataset-copy']}` : ''})`,
)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await server.stop()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
server.child.once('exit', (code) => {
  if (stopping) return
  console.error(`the Palitra server exited unexpectedly (${code})`)
  void server.stop().then(() => process.exit(1))
})
