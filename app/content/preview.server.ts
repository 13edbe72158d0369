import { randomBytes, randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ClientPerspective } from '@sanity/client'
import { validatePreviewUrl, type SanityClientLike } from '@sanity/preview-url-secret'
import { evaluate, parse } from 'groq-js'
import { getEnv, type Env } from '~/platform/env.server'
import { logger } from '~/platform/log.server'
import { createGroqContentSource } from './groq-source.server'
import { parseRawDatasetNdjson, type DatasetDocument } from './local.server'
import { createPreviewSanityClient, createSanityPreviewSource } from './sanity.server'
import { ContentUnavailableError, type ContentSource } from './source'

/**
 * Draft preview: a version the legal team has not published yet, shown on the
 * site behind a secret address made by the Studio (`@sanity/preview-url-secret`).
 *
 * - With Sanity: secrets are checked with the token client (perspective
 *   'raw', no CDN), and drafts are read with the drafts perspective, also
 *   with the token and without the CDN. Without SANITY_READ_TOKEN preview is off.
 * - With the local dataset: the same `validatePreviewUrl` runs against the
 *   NDJSON file through a small client over groq-js, where `drafts.` documents
 *   play the drafts and `sanity.previewUrlSecret` documents the secrets. A
 *   developer without a Studio makes a secret with `npm run preview:link`,
 *   which writes it to PREVIEW_SECRETS_FILE under DATA_DIR; that file is read
 *   for secrets only, never for content.
 *
 * Nothing here is cached: every preview request reads the drafts as they are.
 */
export interface PreviewAccess {
  /** True when the address carries a `sanity-preview-secret` that is known and less than an hour old. */
  validate(url: string): Promise<boolean>
  /** Drafts overlaid on published content (perspective 'drafts'), validated like published content, uncached. */
  source: ContentSource
}

/** Where `npm run preview:link` keeps the secrets it makes, under DATA_DIR. */
export const PREVIEW_SECRETS_FILE = 'preview-secrets.ndjson'

const SECRET_TYPE = 'sanity.previewUrlSecret'

type LocalPerspective = Extract<ClientPerspective, 'raw' | 'drafts' | 'published'>

export interface LocalPreviewClientOptions {
  /** The content dataset (CONTENT_DATASET). */
  datasetPath: string
  /** Extra secret documents (DATA_DIR/preview-secrets.ndjson); missing is fine. */
  secretsPath?: string
  /** The clock GROQ's now() reads (tests). */
  now?: () => Date
  perspective?: LocalPerspective
}

/**
 * What a perspective sees of the raw documents, as Content Lake answers it:
 * 'raw' everything; 'published' no drafts or release versions; 'drafts' each
 * draft in place of its published document (under the published id, with the
 * draft's id in `_originalId`) and drafts of never-published documents too.
 */
export function documentsInPerspective(documents: DatasetDocument[], perspective: LocalPerspective) {
  if (perspective === 'raw') return documents
  const isPublished = (d: DatasetDocument) => !d._id.startsWith('drafts.') && !d._id.startsWith('versions.')
  const byId = new Map<string, DatasetDocument>()
  for (const document of documents) if (isPublished(document)) byId.set(document._id, document)
  if (perspective === 'drafts') {
    for (const document of documents) {
      if (!document._id.startsWith('drafts.')) continue
      const id = document._id.slice('drafts.'.length)
      byId.set(id, { ...document, _id: id, _originalId: document._id })
    }
  }
  return [...byId.values()]
}

async function readNdjson(file: string, required: boolean): Promise<DatasetDocument[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return parseRawDatasetNdjson(text, file)
}

function isParams(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * A stand-in for the Sanity client over the local dataset, with just what
 * `validatePreviewUrl` and the preview's queries use: `config().token` (the
 * library refuses a client without one; nothing checks it here),
 * `withConfig({ perspective })` and `fetch`. Both files are read on every
 * query, so a draft saved a moment ago shows at once.
 */
export class LocalPreviewClient implements SanityClientLike {
  constructor(private readonly options: LocalPreviewClientOptions) {}

  config() {
    return { token: 'local-dataset' }
  }

  withConfig(config: { perspective?: ClientPerspective }): LocalPreviewClient {
    const perspective = config.perspective ?? this.options.perspective
    if (perspective !== undefined && perspective !== 'raw' && perspective !== 'drafts' && perspective !== 'published') {
      throw new Error(`the local dataset has no perspective ${JSON.stringify(perspective)}`)
    }
    return new LocalPreviewClient({ ...this.options, perspective })
  }

  async fetch<R, Q = Record<string, unknown>>(query: string, rawParams?: Q): Promise<R> {
    const params = isParams(rawParams) ? rawParams : {}
    const perspective = this.options.perspective ?? 'raw'
    const content = await readNdjson(this.options.datasetPath, true)
    // Secrets from the side file, and nothing else from it.
    const secrets =
      perspective === 'raw' && this.options.secretsPath
        ? (await readNdjson(this.options.secretsPath, false)).filter((d) => d._type === SECRET_TYPE)
        : []
    const dataset = [...documentsInPerspective(content, perspective), ...secrets]
    const tree = parse(query, { params })
    const value = await evaluate(tree, { dataset, params, timestamp: this.options.now?.() ?? new Date() })
    return (await value.get()) as R
  }
}

/** Preview over the local dataset (see PreviewAccess). */
export function createLocalPreviewAccess(options: Omit<LocalPreviewClientOptions, 'perspective'>): PreviewAccess {
  const client = new LocalPreviewClient(options)
  const drafts = client.withConfig({ perspective: 'drafts' })
  return {
    validate: (url) => checkSecret(client, url),
    source: createGroqContentSource('local', (query, params) => drafts.fetch<unknown>(query, params)),
  }
}

async function checkSecret(client: SanityClientLike, url: string): Promise<boolean> {
  try {
    const result = await validatePreviewUrl(client, url)
    return result.isValid
  } catch (error) {
    // The address was fine; the place secrets live did not answer.
    throw new ContentUnavailableError(`preview secret could not be checked: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

type PreviewEnv = Pick<
  Env,
  'SANITY_PROJECT_ID' | 'SANITY_DATASET' | 'SANITY_API_VERSION' | 'SANITY_READ_TOKEN' | 'contentDatasetPath' | 'dataDir'
>

/**
 * The preview of this configuration, or null when it is off: a Sanity project
 * without SANITY_READ_TOKEN cannot see drafts nor check secrets.
 */
export function previewAccessFor(env: PreviewEnv, options: { now?: () => Date } = {}): PreviewAccess | null {
  if (env.SANITY_PROJECT_ID) {
    if (!env.SANITY_READ_TOKEN) return null
    const config = {
      projectId: env.SANITY_PROJECT_ID,
      dataset: env.SANITY_DATASET,
      apiVersion: env.SANITY_API_VERSION,
      token: env.SANITY_READ_TOKEN,
    }
    const client = createPreviewSanityClient(config)
    return { validate: (url) => checkSecret(client, url), source: createSanityPreviewSource(config) }
  }
  return createLocalPreviewAccess({
    datasetPath: env.contentDatasetPath,
    secretsPath: path.join(env.dataDir, PREVIEW_SECRETS_FILE),
    now: options.now,
  })
}

/** How long a secret lives: the same hour `validatePreviewUrl` allows. */
const SECRET_TTL_MS = 60 * 60 * 1000

/**
 * Writes a fresh preview secret to the side file (what `npm run preview:link`
 * does without a Studio), dropping the expired ones, and returns it. The
 * document has the shape `createPreviewSecret` gives it in Sanity.
 */
export async function writeLocalPreviewSecret(
  secretsPath: string,
  options: { now?: Date; source?: string } = {},
): Promise<{ secret: string; expiresAt: Date }> {
  const now = options.now ?? new Date()
  const kept = (await readNdjson(secretsPath, false)).filter(
    (d) =>
      d._type === SECRET_TYPE &&
      typeof d._updatedAt === 'string' &&
      now.getTime() - Date.parse(d._updatedAt) < SECRET_TTL_MS,
  )
  const secret = randomBytes(24).toString('base64url')
  kept.push({
    _id: `drafts.${randomUUID()}`,
    _type: SECRET_TYPE,
    _updatedAt: now.toISOString(),
    secret,
    source: options.source ?? 'npm run preview:link',
    studioUrl: null,
    userId: null,
  })
  await mkdir(path.dirname(secretsPath), { recursive: true })
  // Written aside and renamed, so a preview being checked never reads half a file.
  const temporary = `${secretsPath}.${process.pid}.tmp`
  await writeFile(temporary, kept.map((d) => JSON.stringify(d)).join('\n') + '\n', { mode: 0o600 })
  await rename(temporary, secretsPath)
  return { secret, expiresAt: new Date(now.getTime() + SECRET_TTL_MS) }
}

let warnedOff = false

/** The preview of this process's settings, or null when it is off (logged once). */
export function getPreviewAccess(): PreviewAccess | null {
  const access = previewAccessFor(getEnv())
  if (!access && !warnedOff) {
    warnedOff = true
    logger.warn({ event: 'content.preview.off' }, 'draft preview is off: SANITY_READ_TOKEN is not set')
  }
  return access
}
