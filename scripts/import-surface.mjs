#!/usr/bin/env node
// node scripts/import-surface.mjs: for each folder of app/ (routes, components
// and styles aside), how many of its files other folders import. A domain with
// a small public surface has few; the layout target (docs/architecture.md) is
// one, its index.server.ts.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
const root = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '.'
const appOnly = process.argv.includes('--app-only')
const files = []
const walk = (d) => {
  for (const n of readdirSync(d)) {
    const p = path.join(d, n)
    if (statSync(p).isDirectory()) {
      if (n !== 'node_modules') walk(p)
    } else if (/\.(ts|tsx)$/.test(n)) files.push(p)
  }
}
for (const d of ['app', 'server', 'scripts', 'tests', 'bench']) {
  if (existsSync(path.join(root, d))) walk(path.join(root, d))
}
const resolve = (from, spec) => {
  let base
  if (spec.startsWith('~/')) base = path.join(root, 'app', spec.slice(2))
  else if (spec.startsWith('.')) base = path.join(path.dirname(from), spec)
  else return null
  for (const ext of ['', '.ts', '.tsx', '/index.ts', '/index.tsx']) {
    const p = base + ext
    if (existsSync(p) && statSync(p).isFile()) return p
  }
  return null
}
const folderOf = (f) => {
  const rel = path.relative(path.join(root, 'app'), f)
  if (rel.startsWith('..')) return 'outside:' + path.relative(root, f).split(path.sep)[0]
  const parts = rel.split(path.sep)
  // Flows are grouped by what they combine; platform is a toolbox of separate helpers.
  if (parts.length > 2 && (parts[0] === 'flows' || parts[0] === 'platform')) return `${parts[0]}/${parts[1]}`
  return parts.length > 1 ? parts[0] : '(app root)'
}
const importedFromOutside = new Map()
for (const f of files) {
  if (/\.test\.tsx?$/.test(f) || f.includes(`${path.sep}tests${path.sep}`)) continue
  // --app-only: what app/, server/ and scripts/ import; test helpers and benchmarks may reach inside a part.
  const rel = path.relative(root, f)
  if (
    appOnly &&
    (rel.startsWith(`tests${path.sep}`) || rel.startsWith(`bench${path.sep}`) || rel.includes('__fixtures__'))
  )
    continue
  const src = readFileSync(f, 'utf8')
  for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const target = resolve(f, m[1] ?? m[2])
    if (!target) continue
    const tf = folderOf(target)
    if (tf.startsWith('outside') || tf === '(app root)' || tf === 'routes' || tf === 'components' || tf === 'styles')
      continue
    if (folderOf(f) !== tf) {
      if (!importedFromOutside.has(tf)) importedFromOutside.set(tf, new Set())
      importedFromOutside.get(tf).add(path.relative(root, target))
    }
  }
}
const total = new Map()
for (const f of files) {
  if (/\.test\.tsx?$/.test(f)) continue
  const tf = folderOf(f)
  total.set(tf, (total.get(tf) ?? 0) + 1)
}
let sum = 0
const verbose = process.argv.includes('--files')
for (const [folder, set] of [...importedFromOutside].sort()) {
  sum += set.size
  console.log(`${folder}: ${set.size} of ${total.get(folder)} files imported from outside`)
  if (verbose) for (const f of [...set].sort()) console.log(`  ${f}`)
}
console.log(`total: ${sum}`)
