import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { evaluate, parse } from 'groq-js'
import { logger } from '~/platform/log.server'
import { createGroqContentSource } from './groq-source.server'
import type { ContentFreshness, ContentSource } from './source'

export type DatasetDocument = { _id: string; _type?: string; [field: string]: unknown }

export interface LocalContentSource extends ContentSource {
  readonly name: 'local'
  /** Stops watching the dataset file. Queries keep answering from the last data read. */
  close(): void
  freshness(): ContentFreshness
}

export interface LocalContentSourceOptions {
  /**
   * Re-read the file when it changes on disk. true (default): file-system
   * events, falling back to polling; 'poll': stat polling only, for mounts
   * that deliver no events (some Docker and network file systems); false: never.
   */
  watch?: boolean | 'poll'
  /** Quiet period after the last change event before re-reading, so a file written in pieces is read once, whole. */
  debounceMs?: number
  /** Interval of stat polling (default 1000 ms). */
  pollIntervalMs?: number
  /** Called after a re-read that changed the data (not after the first read), e.g. to drop caches. */
  onChange?: () => void
}

/**
 * Published documents of a `sanity dataset export` NDJSON file. Drafts
 * (`drafts.…`) and release versions (`versions.…`) are dropped here, which is
 * what perspective 'published' does in Content Lake.
 */
export function parseDatasetNdjson(text: string, file: string): DatasetDocument[] {
  return parseDataset(text, file).documents
}

/**
 * Every document of the file, drafts and release versions included (perspective
 * 'raw'): what the draft preview reads (./preview.server.ts). Lines that are
 * not documents are skipped, as above.
 */
export function parseRawDatasetNdjson(text: string, file: string): DatasetDocument[] {
  return parseDataset(text, file, { keepUnpublished: true }).documents
}

/**
 * The published documents, and the numbers of the lines that are not a
 * document at all (not JSON, or JSON without an _id). `sanity dataset export`
 * never writes such a line: one means the file was cut short or garbled.
 */
function parseDataset(
  text: string,
  file: string,
  { keepUnpublished = false }: { keepUnpublished?: boolean } = {},
): { documents: DatasetDocument[]; malformedLines: number[] } {
  const documents: DatasetDocument[] = []
  const malformedLines: number[] = []
  const lines = text.split('\n')
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim()
    if (line === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      logger.warn(
        { file, line: index + 1, err: (error as Error).message },
        'malformed NDJSON line in content dataset skipped',
      )
      malformedLines.push(index + 1)
      continue
    }
    if (!isDatasetDocument(value)) {
      logger.warn({ file, line: index + 1 }, 'NDJSON line in content dataset is not a document with an _id; skipped')
      malformedLines.push(index + 1)
      continue
    }
    if (!keepUnpublished && (value._id.startsWith('drafts.') || value._id.startsWith('versions.'))) continue
    documents.push(value)
  }
  return { documents, malformedLines }
}

const isLegalDocument = (d: DatasetDocument) => d._type === 'legalDocument'

/** Why a re-read was refused (logged; /readyz only says 'stale'). */
type RefusalReason = 'unreadable' | 'empty' | 'malformed-lines' | 'no-legal-documents'

function isDatasetDocument(value: unknown): value is DatasetDocument {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { _id?: unknown })._id === 'string' &&
    (value as { _id: string })._id !== ''
  )
}

/**
 * The seed dataset queried with groq-js. The file is parsed once per change,
 * not per query. A re-read never replaces good data with damaged data: when
 * the file is missing, unreadable, empty, has a line that is not a document
 * (cut short or garbled) or no longer holds any legal document, the last
 * good data keeps being served, the refusal is logged as an error (`content.dataset.refused`)
 * and freshness() says 'stale' until a good file is read
 * (`content.dataset.restored`). The first read has nothing to keep: it serves
 * whatever documents parse.
 */
export function createLocalContentSource(
  datasetPath: string,
  options: LocalContentSourceOptions = {},
): LocalContentSource {
  const file = path.resolve(datasetPath)
  const debounceMs = options.debounceMs ?? 50
  let documents: DatasetDocument[] | null = null
  let lastHash: string | null = null
  let loading: Promise<void> | null = null
  let reloadRequested = false
  let debounceTimer: NodeJS.Timeout | null = null
  let stopWatching: (() => void) | null = null
  let closed = false
  /** Set while the newest file on disk was refused and the last good data is served instead. */
  let refused: RefusalReason | null = null

  async function readOnce(): Promise<void> {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      refuse('unreadable', { err: error instanceof Error ? error.message : String(error) })
      return
    }
    // An editor that truncates before writing leaves an empty file for a moment.
    if (text.trim() === '') {
      refuse('empty')
      return
    }
    const hash = createHash('sha256').update(text).digest('hex')
    if (hash === lastHash) {
      restored()
      return
    }
    const parsed = parseDataset(text, file)
    if (documents !== null) {
      if (parsed.malformedLines.length > 0) {
        refuse('malformed-lines', { lines: parsed.malformedLines.slice(0, 10), count: parsed.malformedLines.length })
        return
      }
      // Emptied of legal documents where the last good data had them.
      if (!parsed.documents.some(isLegalDocument) && documents.some(isLegalDocument)) {
        refuse('no-legal-documents', { documents: parsed.documents.length })
        return
      }
    } else if (parsed.malformedLines.length > 0) {
      logger.error(
        { event: 'content.dataset.damaged', file, lines: parsed.malformedLines.slice(0, 10) },
        'content dataset has lines that are not documents; serving the documents that parse',
      )
    }
    const isReload = documents !== null
    documents = parsed.documents
    lastHash = hash
    logger.info({ file, documents: documents.length }, isReload ? 'content dataset reloaded' : 'content dataset loaded')
    restored()
    if (isReload) options.onChange?.()
  }

  function refuse(reason: RefusalReason, details: Record<string, unknown> = {}) {
    if (!documents) {
      logger.error(
        { event: 'content.dataset.unreadable', file, reason, ...details },
        'content dataset could not be read',
      )
      return
    }
    refused = reason
    logger.error(
      { event: 'content.dataset.refused', file, reason, ...details },
      'content dataset refused (damaged or emptied); keeping the last good data',
    )
  }

  function restored() {
    if (!refused) return
    logger.info({ event: 'content.dataset.restored', file, was: refused }, 'content dataset is good again')
    refused = null
  }

  // One read at a time; a change noticed during a read triggers one more read after it.
  function load(): Promise<void> {
    if (loading) {
      reloadRequested = true
      return loading
    }
    loading = (async () => {
      try {
        do {
          reloadRequested = false
          await readOnce()
        } while (reloadRequested && !closed)
      } finally {
        loading = null
      }
    })()
    return loading
  }

  function scheduleReload() {
    if (closed) return
    if (debounceTimer) clearTimeout(debounceTimer)
    debounceTimer = setTimeout(() => {
      debounceTimer = null
      void load()
    }, debounceMs)
    debounceTimer.unref()
  }

  function watchByPolling() {
    // stat polling notices replacement (new inode) and deletion too.
    const listener = () => scheduleReload()
    fs.watchFile(file, { interval: options.pollIntervalMs ?? 1000, persistent: false }, listener)
    stopWatching = () => fs.unwatchFile(file, listener)
  }

  function watch() {
    // Watch the directory, not the file: editors that save by writing a
    // temporary file and renaming it over the original replace the inode, and
    // a watcher on the old inode would never fire again.
    const base = path.basename(file)
    try {
      const watcher = fs.watch(path.dirname(file), { persistent: false }, (_event, filename) => {
        if (filename === null || filename.toString() === base) scheduleReload()
      })
      watcher.on('error', (error) => {
        logger.warn({ file, err: error.message }, 'content dataset watcher failed; falling back to polling')
        watcher.close()
        if (!closed) watchByPolling()
      })
      stopWatching = () => watcher.close()
    } catch (error) {
      logger.warn(
        { file, err: (error as Error).message },
        'cannot watch the content dataset directory; polling instead',
      )
      watchByPolling()
    }
  }

  async function run(query: string, params: Record<string, unknown>): Promise<unknown> {
    // Until a first good read, every query tries again: the file may appear later.
    if (!documents) await (loading ?? load())
    const dataset = documents
    if (!dataset) throw new Error(`content dataset ${file} could not be read`)
    const tree = parse(query, { params })
    const value = await evaluate(tree, { dataset, params })
    return value.get()
  }

  const watchMode = options.watch ?? true
  if (watchMode === 'poll') watchByPolling()
  else if (watchMode) watch()
  void load()

  return {
    ...createGroqContentSource('local', run),
    name: 'local',
    freshness: () => (refused && documents ? 'stale' : 'ok'),
    close() {
      closed = true
      if (debounceTimer) clearTimeout(debounceTimer)
      stopWatching?.()
      stopWatching = null
    },
  }
}
