import type { Database } from '~/platform/db/client.server'
import type { Locale } from '~/platform/i18n/locales'
import { getPolicyPage } from '~/legal/index.server'
import { ContentUnavailableError, type ContentSource } from '~/content/index.server'
import type { DocumentKind } from '~/platform/document-kinds'

/**
 * One archived version in force, as a form shows it and the ledger records
 * it. `documentVersionId` is the archive row; `effectiveFrom` is ISO 8601 UTC.
 */
export type CurrentVersion = {
  kind: DocumentKind
  locale: Locale
  version: number
  documentVersionId: string
  sha256: string
  title: string
  material: boolean
  changeSummary: string | null
  effectiveFrom: string
}

export type VersionLookupOptions = {
  now?: Date
  /** Defaults to the process-wide database and content source (tests inject their own). */
  deps?: { db: Database; source: ContentSource }
}

export type NoVersionInForceReason = 'missing' | 'not-in-force' | 'unavailable'

/**
 * A kind has no archived version in force in this locale, so nothing can be
 * accepted for it: the action must refuse rather than record a row against a
 * version the archive does not hold.
 */
export class NoVersionInForceError extends Error {
  constructor(
    readonly kind: DocumentKind,
    readonly locale: Locale,
    readonly reason: NoVersionInForceReason,
    options?: { cause?: unknown },
  ) {
    super(`no servable version of ${kind}/${locale} is in force (${reason})`, options)
    this.name = 'NoVersionInForceError'
  }
}

/**
 * The archived version in force for each kind, in the order asked. Call it
 * before opening the action's transaction: serving a version for the first
 * time archives it (getPolicyPage), and on PGlite a query outside an open
 * transaction waits for that transaction to end.
 */
export async function currentVersionsForAcceptance(
  kinds: readonly DocumentKind[],
  locale: Locale,
  opts: VersionLookupOptions = {},
): Promise<CurrentVersion[]> {
  const resolved = await Promise.all(kinds.map((kind) => resolveVersionInForce(kind, locale, opts)))
  return resolved.map((r) => r.current)
}

export type VersionInForce = {
  current: CurrentVersion
  /** The highest material version at or below the one in force, or null when none is material. */
  lastMaterialVersion: number | null
}

/**
 * The version in force with what the asking-again rule needs to know about
 * the versions before it (see status.server.ts). Throws NoVersionInForceError.
 */
export async function resolveVersionInForce(
  kind: DocumentKind,
  locale: Locale,
  opts: VersionLookupOptions = {},
): Promise<VersionInForce> {
  let page: Awaited<ReturnType<typeof getPolicyPage>>
  try {
    page = await getPolicyPage(kind, locale, opts.now ?? new Date(), opts.deps)
  } catch (error) {
    // getPolicyPage throws this when the source is down and the archive holds nothing servable.
    if (error instanceof ContentUnavailableError) {
      throw new NoVersionInForceError(kind, locale, 'unavailable', { cause: error })
    }
    throw error
  }
  if (page.state !== 'ok') throw new NoVersionInForceError(kind, locale, page.state)

  const document = page.document
  let lastMaterialVersion: number | null = null
  for (const v of page.versions) {
    if (v.material && v.version <= document.version && (lastMaterialVersion ?? 0) < v.version) {
      lastMaterialVersion = v.version
    }
  }
  return {
    current: {
      kind: document.kind,
      locale: document.locale,
      version: document.version,
      documentVersionId: document.id,
      sha256: document.sha256,
      title: document.title,
      material: document.material,
      changeSummary: document.changeSummary,
      effectiveFrom: document.effectiveFrom,
    },
    lastMaterialVersion,
  }
}
