import { LRUCache } from 'lru-cache'
import { logger } from '~/platform/log.server'
import { ContentUnavailableError, type ContentFreshness, type ContentSource } from './source'

export interface CachedContentSource extends ContentSource {
  /** 'stale' while an emptied answer was refused (here) or damaged content was refused (by the source). */
  freshness(): ContentFreshness
  /**
   * Content changed upstream (webhook): every entry must be fetched again
   * before it is served, but stays as the fallback if that fetch fails.
   */
  invalidate(): void
  /** Releases the wrapped source (file watcher of the local source). */
  close(): void
}

export interface ContentCacheOptions {
  /** How long an answer is served without asking the source again. */
  ttlSeconds: number
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number
  /** Bound on cached answers; arbitrary version numbers in URLs must not grow memory without limit. */
  maxEntries?: number
}

type Entry = {
  value: unknown
  fetchedAt: number
  /** After this the entry is stale: served, but refreshed in the background. */
  staleAt: number
  /** Set by invalidate(): the next read waits for the source instead of serving this. */
  invalidated: boolean
}

/**
 * Per-process cache in front of a ContentSource.
 *
 * - fresh (younger than ttl): served from memory;
 * - stale: served at once, refreshed in the background, one refresh per key;
 * - source fails and an earlier answer exists: the earlier answer keeps being
 *   served, however old, with a warning (Sanity down must not take the legal
 *   pages down);
 * - source fails and nothing was cached: ContentUnavailableError;
 * - source answers with nothing where the last good answer had something (no
 *   versions of a kind, no operator details: an emptied dataset, or every
 *   document failing validation): the answer is refused, logged as an error
 *   (`content.answer.refused`), the last good answer keeps being served and
 *   freshness() says 'stale' until a later answer has content again. Credit
 *   packs are exempt: taking every pack off sale is a real edit.
 *
 * `null` answers (no such version, no settings) are cached like any other.
 * Health checks are never cached: /readyz must see the source as it is now.
 */
export function createCachedContentSource(source: ContentSource, options: ContentCacheOptions): CachedContentSource {
  const ttlMs = options.ttlSeconds * 1000
  const now = options.now ?? Date.now
  const maxEntries = options.maxEntries ?? 1000
  // Least recently used answers go first once the bound is reached.
  const entries = new LRUCache<string, Entry>({ max: maxEntries })
  const inFlight = new Map<string, Promise<unknown>>()
  // Bumped by invalidate(): a fetch that started before it may carry
  // pre-change content and must not make an entry look fresh again.
  let generation = 0
  // Keys whose newest answer was refused as emptied (see above).
  const refused = new Set<string>()

  function store(key: string, value: unknown, startedIn: number) {
    const fetchedAt = now()
    entries.set(key, { value, fetchedAt, staleAt: fetchedAt + ttlMs, invalidated: startedIn !== generation })
  }

  // One fetch per key at a time; concurrent readers share it.
  function fetchOnce(
    key: string,
    load: () => Promise<unknown>,
    emptied?: (value: unknown) => boolean,
  ): Promise<unknown> {
    const running = inFlight.get(key)
    if (running) return running
    const startedIn = generation
    const promise = load()
      .then((value) => {
        const previous = entries.get(key)
        if (previous && emptied?.(value) && !emptied(previous.value)) {
          if (!refused.has(key)) {
            logger.error(
              { event: 'content.answer.refused', key, source: source.name },
              'content source answered with nothing where it had content; keeping the last good answer',
            )
          }
          refused.add(key)
          // Served as it is; asked again after another ttl, not on every read.
          previous.invalidated = false
          previous.staleAt = now() + ttlMs
          return previous.value
        }
        if (refused.delete(key)) {
          logger.info(
            { event: 'content.answer.restored', key, source: source.name },
            'content source has content again',
          )
        }
        store(key, value, startedIn)
        return value
      })
      .finally(() => {
        if (inFlight.get(key) === promise) inFlight.delete(key)
      })
    inFlight.set(key, promise)
    return promise
  }

  function servingStale(key: string, entry: Entry, error: unknown) {
    logger.warn(
      { key, ageSeconds: Math.round((now() - entry.fetchedAt) / 1000), err: errorMessage(error) },
      'content source failed; serving the last good answer',
    )
  }

  async function read<T>(key: string, load: () => Promise<T>, emptied?: (value: unknown) => boolean): Promise<T> {
    const entry = entries.get(key)
    if (!entry) {
      try {
        return (await fetchOnce(key, load, emptied)) as T
      } catch (error) {
        // A concurrent fetch may have stored something meanwhile (e.g. after invalidate()).
        const fallback = entries.get(key)
        if (fallback) {
          servingStale(key, fallback, error)
          return fallback.value as T
        }
        throw new ContentUnavailableError(`content unavailable (${key}): ${errorMessage(error)}`, {
          cause: error,
        })
      }
    }
    if (entry.invalidated) {
      try {
        return (await fetchOnce(key, load, emptied)) as T
      } catch (error) {
        servingStale(key, entry, error)
        // Waited once and the source is failing: from now on serve the old
        // answer at once and retry in the background, or every page would
        // wait for the timeout.
        entry.invalidated = false
        entry.staleAt = 0
        return entry.value as T
      }
    }
    if (now() >= entry.staleAt && !inFlight.has(key)) {
      fetchOnce(key, load, emptied).catch((error: unknown) => servingStale(key, entry, error))
    }
    return entry.value as T
  }

  return {
    name: source.name,
    listVersions: (kind, locale) =>
      read(`versions:${kind}:${locale}`, () => source.listVersions(kind, locale), isEmptyList),
    getDocument: (kind, locale, version) =>
      read(`document:${kind}:${locale}:${version}`, () => source.getDocument(kind, locale, version)),
    getSiteSettings: (locale) => read(`settings:${locale}`, () => source.getSiteSettings(locale), isNothing),
    creditPacks: () => read('creditPacks', () => source.creditPacks()),
    approvedContent: (documentId) => source.approvedContent(documentId),
    checkHealth: () => source.checkHealth(),
    freshness: () => (refused.size > 0 || source.freshness?.() === 'stale' ? 'stale' : 'ok'),
    invalidate() {
      generation += 1
      for (const entry of entries.values()) entry.invalidated = true
      // Readers after this point must not join a fetch that began before it.
      inFlight.clear()
    },
    close() {
      const closable = source as Partial<Pick<CachedContentSource, 'close'>>
      closable.close?.()
    },
  }
}

const isEmptyList = (value: unknown) => Array.isArray(value) && value.length === 0
const isNothing = (value: unknown) => value === null || value === undefined

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
