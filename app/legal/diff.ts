import { diffArrays } from 'diff'

// Runs on the server and in the browser: no node imports here.

export type DiffSegmentType = 'equal' | 'insert' | 'delete'
export type DiffSegment = { type: DiffSegmentType; text: string }

export type TextDiff = {
  /** Old text = equal + delete segments in order; new text = equal + insert segments. */
  segments: DiffSegment[]
  wordsInserted: number
  wordsDeleted: number
  /** True when the word diff took too long and whole paragraphs were compared instead. */
  coarse: boolean
}

export type DiffParagraph = {
  /** 'changed' when the paragraph mixes kept text with insertions or deletions. */
  status: 'equal' | 'insert' | 'delete' | 'changed'
  /** Segments of this paragraph; their text may hold single "\n" line breaks (list items, table rows). */
  segments: DiffSegment[]
  /** The same difference row by row and cell by cell, when the paragraph is a table (tableOfParagraph). */
  table?: DiffTable
}

// jsdiff's own word tokenizers only know Latin letters: Cyrillic words fall
// apart into single letters. This tokenizer is Unicode-aware and keeps
// whitespace and newlines as tokens so both texts can be rebuilt exactly.
// A run of 2+ newlines is one token: it is a paragraph break and must never be
// split between segments, so paragraphs can be regrouped afterwards.
const TOKEN = /\n{2,}|\n|[^\S\n]+|[\p{L}\p{M}\p{N}_\u00AD]+(?:['’\u2010-][\p{L}\p{M}\p{N}_\u00AD]+)*|[^\s]/gu
const WORD = /[\p{L}\p{N}]/u
const PARAGRAPH_BREAK = /\n{2,}/
const HORIZONTAL_SPACE_ONLY = /^[^\S\n]+$/

const DEFAULT_TIMEOUT_MS = 500

export function tokenize(text: string): string[] {
  return normaliseNewlines(text).match(TOKEN) ?? []
}

/** Word-level diff of two plain texts, with the number of words inserted and deleted. */
export function diffPlainText(oldText: string, newText: string, options: { timeoutMs?: number } = {}): TextDiff {
  const oldTokens = tokenize(oldText)
  const newTokens = tokenize(newText)
  let coarse = false
  let changes = diffArrays(oldTokens, newTokens, { timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS })
  if (!changes) {
    // Very different long texts: compare whole paragraphs, which is cheap.
    coarse = true
    changes = diffArrays(paragraphTokens(oldText), paragraphTokens(newText))
  }

  const raw: DiffSegment[] = changes.map((change) => ({
    type: change.added ? 'insert' : change.removed ? 'delete' : 'equal',
    text: change.value.join(''),
  }))
  const segments = tidy(raw)
  return {
    segments,
    wordsInserted: countWords(segments, 'insert'),
    wordsDeleted: countWords(segments, 'delete'),
    coarse,
  }
}

/**
 * Splits diff segments into paragraphs (at blank lines) so a page can render
 * the diff paragraph by paragraph; line breaks inside a paragraph are kept.
 */
export function groupByParagraph(segments: DiffSegment[]): DiffParagraph[] {
  const paragraphs: DiffParagraph[] = []
  let current: DiffSegment[] = []
  const close = () => {
    if (current.length > 0) paragraphs.push({ status: paragraphStatus(current), segments: current })
    current = []
  }
  for (const segment of segments) {
    segment.text.split(PARAGRAPH_BREAK).forEach((part, index) => {
      if (index > 0) close()
      if (part === '') return
      const last = current.at(-1)
      if (last && last.type === segment.type) last.text += part
      else current.push({ type: segment.type, text: part })
    })
  }
  close()
  return paragraphs
}

function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

function paragraphTokens(text: string): string[] {
  return normaliseNewlines(text)
    .split(/(\n{2,})/)
    .filter((part) => part !== '')
}

function countWords(segments: DiffSegment[], type: DiffSegmentType): number {
  let count = 0
  for (const segment of segments) {
    if (segment.type !== type) continue
    for (const token of tokenize(segment.text)) if (WORD.test(token)) count++
  }
  return count
}

/**
 * Makes the diff readable: a lone space kept between two replaced words
 * would show as "~~a~~ b ~~c~~ d"; folding it into the change gives
 * "~~a c~~ b d". Each run of changes then becomes one deletion followed by
 * one insertion. Line and paragraph breaks are never folded, so changes stay
 * within their lines.
 */
function tidy(segments: DiffSegment[]): DiffSegment[] {
  type Run = { deleted: string; inserted: string }
  type Piece = { equal: string } | Run
  const pieces: Piece[] = []

  for (const segment of segments) {
    if (segment.text === '') continue
    const last = pieces.at(-1)
    if (segment.type === 'equal') {
      if (last && 'equal' in last) last.equal += segment.text
      else pieces.push({ equal: segment.text })
      continue
    }
    const run: Run = last && !('equal' in last) ? last : { deleted: '', inserted: '' }
    if (run !== last) pieces.push(run)
    if (segment.type === 'delete') run.deleted += segment.text
    else run.inserted += segment.text
  }

  // Fold whitespace-only equal pieces that sit between two runs of changes,
  // when the merged run replaces something (deletes and inserts).
  const merged: Piece[] = []
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!
    const prev = merged.at(-1)
    const next = pieces[i + 1]
    if (
      'equal' in piece &&
      HORIZONTAL_SPACE_ONLY.test(piece.equal) &&
      prev &&
      !('equal' in prev) &&
      next &&
      !('equal' in next) &&
      (prev.deleted || next.deleted) &&
      (prev.inserted || next.inserted)
    ) {
      prev.deleted += piece.equal + next.deleted
      prev.inserted += piece.equal + next.inserted
      i++
      continue
    }
    merged.push(piece)
  }

  const result: DiffSegment[] = []
  for (const piece of merged) {
    if ('equal' in piece) {
      result.push({ type: 'equal', text: piece.equal })
      continue
    }
    if (piece.deleted) result.push({ type: 'delete', text: piece.deleted })
    if (piece.inserted) result.push({ type: 'insert', text: piece.inserted })
  }
  return result
}

function paragraphStatus(segments: DiffSegment[]): DiffParagraph['status'] {
  const types = new Set(segments.map((s) => s.type))
  if (types.size === 1) {
    const [only] = types
    return only ?? 'equal'
  }
  return 'changed'
}

// ---------------------------------------------------------------------------
// Tables in a diff

/** One row of a changed table: its cells' word-level differences. */
export type DiffRow = {
  /** 'insert' or 'delete' for a whole row added or removed; 'changed' when some cell changed. */
  status: DiffParagraph['status']
  cells: DiffSegment[][]
}

export type DiffTable = {
  /** The caption's difference, or null when neither version has one. */
  caption: DiffSegment[] | null
  /** The rows of both versions aligned; the first is the header row, as on the document page. */
  rows: DiffRow[]
}

// The plain text of a table (plain-text.ts) is one paragraph: an optional
// caption line, then one line per row with its cells separated by tabs. Tabs
// appear nowhere else, since running text has its spaces collapsed.
const CELL = '\t'

function sideText(segments: DiffSegment[], side: 'old' | 'new'): string {
  const own: DiffSegmentType = side === 'old' ? 'delete' : 'insert'
  return segments
    .filter((s) => s.type === 'equal' || s.type === own)
    .map((s) => s.text)
    .join('')
}

type TableLines = { caption: string | null; rows: string[] }

/** A side's table: null when the text is not a table; empty when the side has no text (a table added or removed whole). */
function tableLines(text: string): TableLines | null {
  if (text.trim() === '') return { caption: null, rows: [] }
  const lines = text.split('\n')
  const rows = lines[0]!.includes(CELL) ? lines : lines.slice(1)
  if (rows.length === 0 || !rows.every((line) => line.includes(CELL))) return null
  return { caption: rows === lines ? null : lines[0]!, rows }
}

function wholeCells(line: string, type: 'insert' | 'delete'): DiffSegment[][] {
  return line.split(CELL).map((cell) => (cell === '' ? [] : [{ type, text: cell }]))
}

function changedRow(oldLine: string, newLine: string): DiffRow {
  const oldCells = oldLine.split(CELL)
  const newCells = newLine.split(CELL)
  const cells: DiffSegment[][] = []
  for (let i = 0; i < Math.max(oldCells.length, newCells.length); i++) {
    cells.push(diffPlainText(oldCells[i] ?? '', newCells[i] ?? '').segments)
  }
  return { status: 'changed', cells }
}

/**
 * The difference of a paragraph that is a table in either version, row by
 * row and cell by cell, so the changes page can show it as a table; null for
 * any other paragraph. Rows are aligned by their whole text: a row that
 * changed pairs with the row that replaced it, and its cells are compared
 * word by word; rows only in one version are whole insertions or deletions.
 */
export function tableOfParagraph(paragraph: DiffParagraph): DiffTable | null {
  const before = tableLines(sideText(paragraph.segments, 'old'))
  const after = tableLines(sideText(paragraph.segments, 'new'))
  if (!before || !after || (before.rows.length === 0 && after.rows.length === 0)) return null

  const caption =
    before.caption === null && after.caption === null
      ? null
      : diffPlainText(before.caption ?? '', after.caption ?? '').segments

  const rows: DiffRow[] = []
  let removed: string[] = []
  let added: string[] = []
  const flush = () => {
    const paired = Math.min(removed.length, added.length)
    for (let i = 0; i < paired; i++) rows.push(changedRow(removed[i]!, added[i]!))
    for (const line of removed.slice(paired)) rows.push({ status: 'delete', cells: wholeCells(line, 'delete') })
    for (const line of added.slice(paired)) rows.push({ status: 'insert', cells: wholeCells(line, 'insert') })
    removed = []
    added = []
  }
  for (const change of diffArrays(before.rows, after.rows)) {
    if (change.removed) removed.push(...change.value)
    else if (change.added) added.push(...change.value)
    else {
      flush()
      for (const line of change.value) {
        rows.push({
          status: 'equal',
          cells: line.split(CELL).map((cell) => (cell === '' ? [] : [{ type: 'equal', text: cell }])),
        })
      }
    }
  }
  flush()
  return { caption, rows }
}
