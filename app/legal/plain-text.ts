import { createHash } from 'node:crypto'
import type { PortableBody, TableBlock, TextBlock } from '~/content'

// The plain text is what gets hashed into the archive, so any change to these
// rules changes the SHA-256 of every future snapshot (already archived rows
// keep their stored text and hash). Change them only on purpose.

const BULLET = '•'
const INDENT = '  '

/**
 * The text a reader sees, in reading order: title, then each block separated
 * by a blank line. List items sit on consecutive lines with their markers
 * ("•" or "1.", indented two spaces per nesting level); table rows follow the
 * caption, one row a line, cells separated by tabs. Link text stays, hrefs do
 * not. Spaces collapse the way HTML collapses them, line endings are "\n",
 * trailing whitespace is trimmed, and the text is in Unicode NFC.
 */
export function renderPlainText(doc: { title: string; body: PortableBody }): string {
  const paragraphs: string[] = [inlineText(doc.title)]
  const list = new ListNumbering()
  let listLines: string[] = []

  const flushList = () => {
    if (listLines.length > 0) paragraphs.push(listLines.join('\n'))
    listLines = []
    list.reset()
  }

  for (const block of doc.body) {
    if (block._type === 'block' && block.listItem) {
      listLines.push(list.item(block.listItem, block.level ?? 1, blockText(block)))
      continue
    }
    flushList()
    paragraphs.push(block._type === 'table' ? tableText(block) : blockText(block))
  }
  flushList()

  return paragraphs
    .filter((p) => p !== '')
    .join('\n\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** SHA-256 of the UTF-8 bytes of text, lowercase hex. Server-only (node:crypto). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/**
 * Numbers list items the way nested HTML lists show them: each level counts
 * on within one list, a deeper level restarts under each new parent, and a
 * change between bullet and number at the same level starts a new list.
 */
class ListNumbering {
  private levels: Array<{ kind: 'bullet' | 'number'; count: number } | undefined> = []

  reset() {
    this.levels = []
  }

  item(kind: 'bullet' | 'number', level: number, text: string): string {
    this.levels.length = Math.min(this.levels.length, level)
    const current = this.levels[level - 1]
    const count = current && current.kind === kind ? current.count + 1 : 1
    this.levels[level - 1] = { kind, count }

    const marker = kind === 'number' ? `${count}.` : BULLET
    const indent = INDENT.repeat(level - 1)
    // Soft line breaks inside an item continue under its text, past the marker.
    const continuation = indent + ' '.repeat(marker.length + 1)
    return `${indent}${marker} ${text.split('\n').join(`\n${continuation}`)}`
  }
}

function blockText(block: TextBlock): string {
  return inlineText(block.children.map((span) => span.text).join(''))
}

function tableText(table: TableBlock): string {
  const caption = table.caption ? inlineText(table.caption) : ''
  const rows = table.rows.map((row) => row.cells.map((cell) => singleLine(cell)).join('\t'))
  // A row with no text in any cell shows nothing; dropping it also keeps the
  // table one paragraph (no blank line inside it).
  return [caption, ...rows].filter((line) => line.trim() !== '').join('\n')
}

/** Span text as HTML shows it: "\n" is a line break, runs of spaces collapse, lines are trimmed. */
function inlineText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => collapseSpaces(line))
    .join('\n')
    .replace(/^\n+|\n+$/g, '')
}

function singleLine(text: string): string {
  return collapseSpaces(text.normalize('NFC').replace(/[\r\n]+/g, ' '))
}

// Only the whitespace HTML collapses: a no-break space (common in Russian
// typography) is visible spacing and stays as it is.
function collapseSpaces(text: string): string {
  return text.replace(/[ \t\f]+/g, ' ').trim()
}
