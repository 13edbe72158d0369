#!/usr/bin/env node
// node scripts/architecture-graph.mjs: the dependencies between the parts of
// app/ (domains and flow groups; routes and components, which sit on top
// of them all, are left out), read from the real import graph by dependency-cruiser, as a Mermaid
// diagram for docs/architecture.md. Edges into platform are left out: every
// part uses it. A schema naming another part's table in a foreign key is not
// drawn either; the border check allows it.
import { execFileSync } from 'node:child_process'

const json = execFileSync('npx', ['depcruise', 'app', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
})
const { modules } = JSON.parse(json)
const partOf = (file) => {
  const p = file.split('/')
  if (p[0] !== 'app' || p.length < 3) return null
  if (p[1] === 'flows') return `flows/${p[2]}`
  return p[1] === 'styles' ? null : p[1]
}
const edges = new Set()
for (const m of modules) {
  const from = partOf(m.source)
  if (!from || from === 'routes' || from === 'components') continue
  for (const d of m.dependencies) {
    const to = partOf(d.resolved)
    if (!to || to === from || to === 'platform') continue
    if (m.source.endsWith('/schema.ts') && d.resolved.endsWith('/schema.ts')) continue
    edges.add(`${from} --> ${to}`)
  }
}
const id = (part) => part.replace(/[/-]/g, '_')
console.log('```mermaid')
console.log('graph TD')
for (const e of [...edges].sort()) {
  const [a, b] = e.split(' --> ')
  console.log(`  ${id(a)}[${a}] --> ${id(b)}[${b}]`)
}
console.log('```')
