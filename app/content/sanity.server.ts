import { createClient, type SanityClient } from '@sanity/client'
import { createGroqContentSource } from './groq-source.server'
import type { ContentSource } from './source'

export interface SanityContentConfig {
  projectId: string
  dataset: string
  /** Pinned dated API version ('2025-02-19' or 'v2025-02-19'): query semantics never change under us. */
  apiVersion: string
  /** Read token; used only by the draft-preview client. */
  token?: string
  /** Upper bound for one query, retries included (default 5000 ms), so a hung Sanity cannot hang a page. */
  timeoutMs?: number
  /** Retries of network errors and 429/502/503 within that bound (default 1). */
  maxRetries?: number
}

const DEFAULT_TIMEOUT_MS = 5000

function baseClientConfig(config: SanityContentConfig) {
  return {
    projectId: config.projectId,
    dataset: config.dataset,
    apiVersion: config.apiVersion.replace(/^v/, ''),
    timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: config.maxRetries ?? 1,
  }
}

/** The client the site reads with: published content only, from the API CDN, no token. */
export function createPublishedSanityClient(config: SanityContentConfig): SanityClient {
  return createClient({ ...baseClientConfig(config), useCdn: true, perspective: 'published' })
}

/**
 * A client that sees drafts, for the draft preview (./preview.server.ts): it
 * reads drafts and checks preview secrets. It needs the token and bypasses the
 * CDN (the CDN never serves drafts).
 */
export function createPreviewSanityClient(config: SanityContentConfig): SanityClient {
  if (!config.token) throw new Error('draft preview needs SANITY_READ_TOKEN')
  return createClient({ ...baseClientConfig(config), useCdn: false, perspective: 'drafts', token: config.token })
}

function sourceFor(client: SanityClient, timeoutMs: number): ContentSource {
  return createGroqContentSource('sanity', async (query, params) => {
    // The client's own timeout covers connect and socket idle per attempt;
    // this signal bounds the whole call, retries and slow trickling bodies included.
    const signal = AbortSignal.timeout(timeoutMs)
    try {
      return await client.fetch<unknown>(query, params, { signal })
    } catch (error) {
      if (signal.aborted) throw new Error(`Sanity query timed out after ${timeoutMs} ms`, { cause: error })
      throw error
    }
  })
}

/** Published legal content from Sanity (perspective 'published', API CDN). */
export function createSanityContentSource(config: SanityContentConfig): ContentSource {
  return sourceFor(createPublishedSanityClient(config), config.timeoutMs ?? DEFAULT_TIMEOUT_MS)
}

/**
 * Published content from the API itself, past the CDN: the CDN may answer
 * with the previous revision for a while after a publish, and the publish
 * webhook must archive the revision that was just published.
 */
export function createSanityApiContentSource(config: SanityContentConfig): ContentSource {
  const client = createClient({ ...baseClientConfig(config), useCdn: false, perspective: 'published' })
  return sourceFor(client, config.timeoutMs ?? DEFAULT_TIMEOUT_MS)
}

/** Drafts overlaid on published content, validated the same way; for preview only. */
export function createSanityPreviewSource(config: SanityContentConfig): ContentSource {
  return sourceFor(createPreviewSanityClient(config), config.timeoutMs ?? DEFAULT_TIMEOUT_MS)
}
