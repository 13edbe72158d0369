#!/usr/bin/env node
// Builds cms/seed/production.ndjson (the format `sanity dataset export` writes)
// from the Markdown sources in cms/seed/src, site-settings.json and
// credit-packs.json.
// `node cms/seed/build.mjs --check` fails when the committed NDJSON is stale.
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const SOURCE_DIR = path.join(here, 'src')
const OUTPUT = path.join(here, 'production.ndjson')
const FILE_NAME = /^(privacy|terms|cookies|consent)\.(ru|en)\.v(\d+)\.md$/

function shortHash(...parts) {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12)
}

/** Reads the small YAML subset the sources use: `key: value` and folded `key: >` blocks. */
export function parseFrontMatter(text) {
  const lines = text.split('\n')
  const data = {}
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!line.trim() || line.trim().startsWith('#')) continue
    const match = /^([A-Za-z][\w]*):\s*(.*)$/.exec(line)
    if (!match) throw new Error(`front matter: cannot read line "${line}"`)
    const [, key, rawValue] = match
    let value = rawValue.replace(/\s+#.*$/, '').trim()
    if (value === '>' || value === '|' || value === '>-' || value === '|-') {
      const block = []
      while (i + 1 < lines.length && (/^\s+\S/.test(lines[i + 1]) || lines[i + 1].trim() === '')) {
        block.push(lines[++i].trim())
      }
      value = value.startsWith('>') ? block.filter(Boolean).join(' ') : block.join('\n').trim()
      data[key] = value
      continue
    }
    if (/^".*"$/.test(value) || /^'.*'$/.test(value)) value = value.slice(1, -1)
    if (value === 'true') data[key] = true
    else if (value === 'false') data[key] = false
    else if (/^\d+$/.test(value)) data[key] = Number(value)
    else data[key] = value
  }
  return data
}

/** Splits inline Markdown (links, **strong**, *em*) into Portable Text spans and link definitions. */
export function parseInline(text, keyPrefix) {
  const children = []
  const markDefs = []
  let spanIndex = 0
  const pushSpan = (spanText, marks) => {
    if (!spanText) return
    const last = children[children.length - 1]
    if (last && last.marks.join() === marks.join()) {
      last.text += spanText
      return
    }
    children.push({ _type: 'span', _key: `${keyPrefix}s${spanIndex++}`, text: spanText, marks })
  }
  const emphasis = (segment, baseMarks) => {
    const pattern = /\*\*(.+?)\*\*|\*(.+?)\*/g
    let last = 0
    for (const m of segment.matchAll(pattern)) {
      pushSpan(segment.slice(last, m.index), baseMarks)
      if (m[1] !== undefined) pushSpan(m[1], [...baseMarks, 'strong'])
      else pushSpan(m[2], [...baseMarks, 'em'])
      last = m.index + m[0].length
    }
    pushSpan(segment.slice(last), baseMarks)
  }
  const linkPattern = /\[([^\]]+)\]\(([^)\s]+)\)/g
  let last = 0
  for (const m of text.matchAll(linkPattern)) {
    emphasis(text.slice(last, m.index), [])
    const key = `${keyPrefix}l${markDefs.length}`
    markDefs.push({ _type: 'link', _key: key, href: m[2] })
    emphasis(m[1], [key])
    last = m.index + m[0].length
  }
  emphasis(text.slice(last), [])
  if (children.length === 0) children.push({ _type: 'span', _key: `${keyPrefix}s0`, text: '', marks: [] })
  return { children, markDefs }
}

/** Converts the Markdown subset described in src/README.md into Portable Text blocks. */
export function markdownToPortableText(markdown, keySeed) {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const blocks = []
  let paragraph = []
  let pendingCaption
  const nextKey = () => shortHash(keySeed, String(blocks.length))
  const textBlock = (text, extra) => {
    const key = nextKey()
    const { children, markDefs } = parseInline(text, `${key.slice(0, 6)}`)
    blocks.push({ _type: 'block', _key: key, style: 'normal', ...extra, markDefs, children })
  }
  const flushParagraph = () => {
    if (paragraph.length) textBlock(paragraph.join(' '), {})
    paragraph = []
  }
  const cellsOf = (row) =>
    row
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((cell) => cell.trim())

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const trimmed = line.trim()
    if (!trimmed) {
      flushParagraph()
      continue
    }
    const heading = /^(#{2,4})\s+(.*)$/.exec(trimmed)
    if (heading) {
      flushParagraph()
      textBlock(heading[2], { style: `h${heading[1].length}` })
      continue
    }
    // `{{register cookies}}`, `{{register retention}}`, `{{register requests}}`, `{{register notices}}`,
    // `{{register processors smtp tbank}}`:
    // a placeholder the site fills from the register of processing when it archives the version.
    const register = /^\{\{register (cookies|retention|processors|requests|notices)((?: [a-z0-9-]+)*)\}\}$/.exec(trimmed)
    if (register) {
      flushParagraph()
      const include = register[2].trim() ? register[2].trim().split(' ') : undefined
      blocks.push({ _type: 'registerTable', _key: nextKey(), table: register[1], ...(include ? { include } : {}) })
      continue
    }
    const caption = /^Table:\s*(.*)$/.exec(trimmed)
    if (caption && lines[i + 1]?.trim().startsWith('|')) {
      flushParagraph()
      pendingCaption = caption[1]
      continue
    }
    if (trimmed.startsWith('|')) {
      flushParagraph()
      const rows = []
      while (i < lines.length && lines[i].trim().startsWith('|')) {
        const row = lines[i].trim()
        if (!/^\|?\s*:?-{3,}/.test(row)) rows.push(cellsOf(row))
        i++
      }
      i--
      const key = nextKey()
      blocks.push({
        _type: 'table',
        _key: key,
        ...(pendingCaption ? { caption: pendingCaption } : {}),
        rows: rows.map((cells, r) => ({ _type: 'tableRow', _key: `${key.slice(0, 6)}r${r}`, cells })),
      })
      pendingCaption = undefined
      continue
    }
    const listItem = /^(\s*)(-|\d+\.)\s+(.*)$/.exec(line)
    if (listItem) {
      flushParagraph()
      const level = Math.floor(listItem[1].length / 2) + 1
      textBlock(listItem[3], { listItem: listItem[2] === '-' ? 'bullet' : 'number', level })
      continue
    }
    if (trimmed.startsWith('>')) {
      flushParagraph()
      textBlock(trimmed.replace(/^>\s?/, ''), { style: 'blockquote' })
      continue
    }
    // A continuation line of a list item joins that item.
    const previous = blocks[blocks.length - 1]
    if (!paragraph.length && previous?.listItem && /^\s+/.test(line)) {
      const span = previous.children[previous.children.length - 1]
      const extra = parseInline(trimmed, `${previous._key.slice(0, 6)}c${i}`)
      span.text += ' '
      previous.children.push(...extra.children)
      previous.markDefs.push(...extra.markDefs)
      continue
    }
    paragraph.push(trimmed)
  }
  flushParagraph()
  return blocks
}

export function buildLegalDocument(fileName, text) {
  const name = FILE_NAME.exec(fileName)
  if (!name) throw new Error(`${fileName}: expected <kind>.<locale>.v<version>.md`)
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replace(/\r\n?/g, '\n'))
  if (!match) throw new Error(`${fileName}: missing front matter`)
  const meta = parseFrontMatter(match[1])
  const [, kind, locale, version] = name
  if (meta.kind !== kind || meta.locale !== locale || meta.version !== Number(version)) {
    throw new Error(`${fileName}: front matter kind/locale/version do not match the file name`)
  }
  for (const field of ['effectiveFrom', 'title']) {
    if (!meta[field]) throw new Error(`${fileName}: ${field} is required`)
  }
  const effectiveFrom = new Date(meta.effectiveFrom)
  if (Number.isNaN(effectiveFrom.getTime())) throw new Error(`${fileName}: effectiveFrom is not a date`)
  const id = `legal.${kind}.${locale}.v${version}`
  // Published a week before it takes effect, as the legal team would.
  const publishedAt = new Date(effectiveFrom.getTime() - 7 * 24 * 3600 * 1000).toISOString()
  const body = markdownToPortableText(match[2], id)
  const doc = {
    _id: id,
    _type: 'legalDocument',
    _createdAt: publishedAt,
    _updatedAt: publishedAt,
    kind,
    locale,
    version: Number(version),
    effectiveFrom: effectiveFrom.toISOString(),
    title: meta.title,
    material: meta.material === true,
    changeSummary: meta.changeSummary ?? '',
    body,
  }
  return { ...doc, _rev: shortHash(JSON.stringify(doc)) }
}

/** When the site settings and the credit packs were "published" in the seed. */
const SEED_STAMP = '2026-02-20T09:00:00.000Z'

const PACK_ID = /^creditPack\.[a-z0-9-]+$/

function isIntegerIn(value, min, max) {
  return Number.isInteger(value) && value >= min && value <= max
}

/**
 * creditPack documents from credit-packs.json, checked against the limits the
 * Studio enforces (cms/schemaTypes/creditPackRules.ts), so the seed never
 * carries a pack the site would skip.
 */
export function buildCreditPacks(packs) {
  if (!Array.isArray(packs)) throw new Error('credit-packs.json: expected a list of packs')
  const seen = new Set()
  return packs.map((pack) => {
    const id = pack?._id
    const where = `credit-packs.json: ${typeof id === 'string' ? id : JSON.stringify(id)}`
    if (typeof id !== 'string' || !PACK_ID.test(id)) throw new Error(`${where}: _id must look like creditPack.<name>`)
    if (seen.has(id)) throw new Error(`${where}: duplicate _id`)
    seen.add(id)
    if (pack._type !== 'creditPack') throw new Error(`${where}: _type must be creditPack`)
    if (!isIntegerIn(pack.credits, 1, 100_000)) throw new Error(`${where}: credits must be an integer 1..100000`)
    if (!isIntegerIn(pack.priceKopecks, 100, 10_000_000)) {
      throw new Error(`${where}: priceKopecks must be an integer 100..10000000`)
    }
    if (!isIntegerIn(pack.order, 0, 9999)) throw new Error(`${where}: order must be an integer 0..9999`)
    if (typeof pack.active !== 'boolean') throw new Error(`${where}: active must be true or false`)
    for (const field of ['name', 'description']) {
      if (!pack[field]?.ru?.trim() || !pack[field]?.en?.trim()) throw new Error(`${where}: ${field} needs ru and en`)
    }
    if (pack.badge !== undefined && (!pack.badge?.ru?.trim() || !pack.badge?.en?.trim())) {
      throw new Error(`${where}: badge needs ru and en, or leave it out`)
    }
    const doc = { ...pack, _createdAt: SEED_STAMP, _updatedAt: SEED_STAMP }
    return { ...doc, _rev: shortHash(JSON.stringify(doc)) }
  })
}

export function buildDataset(sourceDir = SOURCE_DIR) {
  const files = readdirSync(sourceDir)
    .filter((f) => FILE_NAME.test(f))
    .sort()
  const documents = files.map((f) => buildLegalDocument(f, readFileSync(path.join(sourceDir, f), 'utf8')))
  const settingsPath = path.join(sourceDir, '..', 'site-settings.json')
  if (existsSync(settingsPath)) {
    const settings = JSON.parse(readFileSync(settingsPath, 'utf8'))
    const doc = { ...settings, _createdAt: SEED_STAMP, _updatedAt: SEED_STAMP }
    documents.unshift({ ...doc, _rev: shortHash(JSON.stringify(doc)) })
  }
  const packsPath = path.join(sourceDir, '..', 'credit-packs.json')
  if (existsSync(packsPath)) documents.push(...buildCreditPacks(JSON.parse(readFileSync(packsPath, 'utf8'))))
  return documents.map((d) => JSON.stringify(d)).join('\n') + '\n'
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const output = buildDataset()
  if (process.argv.includes('--check')) {
    const current = existsSync(OUTPUT) ? readFileSync(OUTPUT, 'utf8') : ''
    if (current !== output) {
      console.error('cms/seed/production.ndjson is out of date: run `node cms/seed/build.mjs`')
      process.exit(1)
    }
    console.log('cms/seed/production.ndjson is up to date')
  } else {
    writeFileSync(OUTPUT, output)
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT)} (${output.split('\n').length - 1} documents)`)
  }
}
