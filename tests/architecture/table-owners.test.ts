// Every table belongs to the part whose schema.ts declares it, and only that
// part reads or writes it. dependency-cruiser (npm run lint:borders) already
// refuses an import of another part's schema.ts; this test covers the two ways
// around that rule: a table named in raw SQL, and a table object handed out
// through a part's surface.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const appDir = join(root, 'app')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sourceFiles(path)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** The part a file of app/ belongs to: `identity`, `flows/account`, `platform/db`, `routes`… */
function partOf(file: string): string {
  const [first = '', second] = relative(appDir, file).split('/')
  if ((first === 'flows' || first === 'platform') && second && !/\.tsx?$/.test(second)) return `${first}/${second}`
  return /\.tsx?$/.test(first) ? '(root)' : first
}

/** Comments may name any table; code may not. Line comments only where they start a line or follow a space. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1')
}

interface Table {
  sqlName: string
  variable: string
  owner: string
}

const files = sourceFiles(appDir)
const schemaFiles = files.filter((file) => file.endsWith('/schema.ts'))

const tables: Table[] = schemaFiles.flatMap((file) => {
  const source = readFileSync(file, 'utf8')
  return [...source.matchAll(/export const (\w+) = pgTable\(\s*'([a-z0-9_]+)'/g)].map((match) => ({
    variable: match[1] ?? '',
    sqlName: match[2] ?? '',
    owner: partOf(file),
  }))
})

describe('every table has one owner', () => {
  it('finds the tables declared in the schema files', () => {
    // A sanity floor: the pattern above must keep matching how tables are declared.
    expect(tables.length).toBeGreaterThanOrEqual(20)
    expect(tables.map((table) => table.sqlName)).toEqual(expect.arrayContaining(['users', 'acceptances', 'guests']))
  })

  it('declares each table in exactly one schema file', () => {
    const names = tables.map((table) => table.sqlName)
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([])
  })

  it('names a table in raw SQL only inside the part that owns it', () => {
    const foreign: string[] = []
    for (const file of files) {
      if (file.endsWith('/schema.ts')) continue // a foreign key may name another part's table
      const part = partOf(file)
      const code = withoutComments(readFileSync(file, 'utf8'))
      // Only text inside string or template literals can reach the database as SQL.
      const literals = [...code.matchAll(/`(?:[^`\\]|\\.)*`|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g)].map((m) => m[0])
      for (const table of tables) {
        if (table.owner === part) continue
        const pattern = new RegExp(`\\b(?:from|join|into|update|table)\\s+"?${table.sqlName}"?\\b`, 'i')
        if (literals.some((literal) => pattern.test(literal))) {
          foreign.push(`${relative(root, file)} names ${table.sqlName} (owned by ${table.owner})`)
        }
      }
    }
    expect(foreign).toEqual([])
  })

  it('never hands a table object out through a surface', () => {
    const leaks: string[] = []
    for (const file of files.filter((f) => /\/index(\.server)?\.tsx?$/.test(f))) {
      const code = withoutComments(readFileSync(file, 'utf8'))
      for (const statement of code.matchAll(/export\s+(type\s+)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
        if (statement[1]) continue // types carry no rows
        const names = (statement[2] ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name && !name.startsWith('type '))
          .map((name) => name.split(/\s+as\s+/)[0] ?? name)
        for (const name of names) {
          if (tables.some((table) => table.variable === name)) leaks.push(`${relative(root, file)} exports ${name}`)
        }
      }
      if (/export\s+\*\s+from\s+'\.\/schema'/.test(code)) leaks.push(`${relative(root, file)} re-exports its schema`)
    }
    expect(leaks).toEqual([])
  })

  it('the checks above see a foreign table in raw SQL and ignore one in a comment', () => {
    const guests = tables.find((table) => table.sqlName === 'guests')
    expect(guests?.owner).toBe('identity')
    const code = withoutComments('// guests are counted elsewhere\nconst q = sql`select 1 from guests g`')
    expect(/\bfrom\s+"?guests"?\b/i.test(code)).toBe(true)
    expect(withoutComments('// select * from guests')).not.toMatch(/guests/)
    expect(withoutComments("const url = 'https://palitra.example/x'")).toContain('https://palitra.example/x')
  })
})
