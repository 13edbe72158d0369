import { getEnv, type Env } from '~/platform/env.server'
import { logger } from '~/platform/log.server'
import { createCachedContentSource, type CachedContentSource } from './cache.server'
import { createLocalContentSource, type LocalContentSourceOptions } from './local.server'
import { createSanityApiContentSource, createSanityContentSource } from './sanity.server'
import type { ContentSource } from './source'

export type { CachedContentSource } from './cache.server'
export { ContentUnavailableError, type ContentSource } from './source'

type ContentEnv = Pick<
  Env,
  | 'SANITY_PROJECT_ID'
  | 'SANITY_DATASET'
  | 'SANITY_API_VERSION'
  | 'SANITY_READ_TOKEN'
  | 'CONTENT_CACHE_TTL_SECONDS'
  | 'contentDatasetPath'
>

export interface ContentSourceOptions {
  /** Clock for the cache (tests). */
  now?: () => number
  /** Passed to the local source (tests turn the watcher off). */
  local?: LocalContentSourceOptions
}

/**
 * Sanity when SANITY_PROJECT_ID is set, otherwise the local NDJSON dataset;
 * either way behind the per-process cache.
 */
export function createContentSource(env: ContentEnv, options: ContentSourceOptions = {}): CachedContentSource {
  // Edits to the local file show at once instead of after the cache ttl (the
  // Sanity equivalent is the webhook calling invalidate()).
  const wrapper: { cached?: CachedContentSource } = {}
  const onChange = () => wrapper.cached?.invalidate()
  const source = env.SANITY_PROJECT_ID
    ? createSanityContentSource({
        projectId: env.SANITY_PROJECT_ID,
        dataset: env.SANITY_DATASET,
        apiVersion: env.SANITY_API_VERSION,
        token: env.SANITY_READ_TOKEN,
      })
    : createLocalContentSource(env.contentDatasetPath, { onChange, ...options.local })
  logger.info(
    source.name === 'sanity'
      ? { source: 'sanity', projectId: env.SANITY_PROJECT_ID, dataset: env.SANITY_DATASET }
      : { source: 'local', file: env.contentDatasetPath },
    'legal content source ready',
  )
  wrapper.cached = createCachedContentSource(source, { ttlSeconds: env.CONTENT_CACHE_TTL_SECONDS, now: options.now })
  return wrapper.cached
}

// On globalThis so that Vite dev reloads of this module reuse one source
// (one cache, one file watcher) instead of leaking a new one per edit.
const SOURCE_KEY = Symbol.for('palitra.contentSource')
const globalStore = globalThis as unknown as Record<symbol, CachedContentSource | undefined>

/** The content source of this process, created from the environment on first use. */
export function getContentSource(): CachedContentSource {
  return (globalStore[SOURCE_KEY] ??= createContentSource(getEnv()))
}

const DIRECT_KEY = Symbol.for('palitra.directContentSource')
const directStore = globalThis as unknown as Record<symbol, ContentSource | undefined>

/**
 * Published content past the CDN, for the publish webhook: with Sanity, its
 * API without the CDN and without this process's cache; with the local
 * dataset, the process's own source (the file is the only copy and is re-read
 * when it changes; the webhook drops the cache before it reads).
 */
export function getUncachedContentSource(): ContentSource {
  const env = getEnv()
  if (!env.SANITY_PROJECT_ID) return getContentSource()
  return (directStore[DIRECT_KEY] ??= createSanityApiContentSource({
    projectId: env.SANITY_PROJECT_ID,
    dataset: env.SANITY_DATASET,
    apiVersion: env.SANITY_API_VERSION,
  }))
}

/** Closes the process-wide source (shutdown, tests); the next getContentSource() creates a new one. */
export function closeContentSource(): void {
  globalStore[SOURCE_KEY]?.close()
  globalStore[SOURCE_KEY] = undefined
  directStore[DIRECT_KEY] = undefined
}

export { compareCreditPacks } from './credit-pack'
export type { CreditPack } from './credit-pack'

export { getPreviewAccess, previewAccessFor, PREVIEW_SECRETS_FILE, writeLocalPreviewSecret } from './preview.server'
export type { PreviewAccess } from './preview.server'
