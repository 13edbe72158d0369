// Bundles the Express entry (server/index.ts) into build/server-entry.js and
// the standalone generation worker (server/worker.ts) into
// build/worker-entry.js. Packages stay external: they are loaded from
// node_modules at run time; `~/` imports resolve through tsconfig paths.
import { build } from 'esbuild'

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
}

await build({ ...common, entryPoints: ['server/index.ts'], outfile: 'build/server-entry.js' })
await build({ ...common, entryPoints: ['server/worker.ts'], outfile: 'build/worker-entry.js' })
console.log('built build/server-entry.js and build/worker-entry.js')
