// Bundles the Express entry (server/index.ts) into build/server-entry.js.
// Packages stay external: they are loaded from node_modules at run time.
import { build } from 'esbuild'

await build({
  entryPoints: ['server/index.ts'],
  outfile: 'build/server-entry.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
})
console.log('built build/server-entry.js')
