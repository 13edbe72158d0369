import { getDb } from '~/platform/db/client.server'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { getContentSource, ContentUnavailableError, type ContentSource } from '~/content/index.server'
import type { DocumentKind, LegalDocument } from '~/content'
import { getArchivedVersion, type ArchivedVersion } from './archive.server'
import {
  classifyVersions,
  comparePlainTexts,
  publishedVersions,
  type TextComparison,
  type VersionStatus,
} from './documents.server'
import { nextAnnouncedVersion, previousVersion } from './effective-version'
import { renderPlainText, sha256Hex } from './plain-text'
import { RegisterTableError, resolveRegisterTables } from './register-tables.server'
import type { Database } from '~/platform/db/client.server'

/**
 * A draft version as it will be served once published, with what the
 * published pages will say about it. Read-only: the draft is rendered in
 * memory (register tables filled in, text and hash computed as archiving
 * would), the version in force is read from the archive or, when the archive
 * does not hold it yet, rendered from the published content the same way.
 * Nothing is archived and nothing is written.
 */
/** An archived version's fields; `sha256` is the hash the archive will hold, if the register does not change first. */
export type PreviewDocument = Omit<ArchivedVersion, 'id' | 'sourceDocumentId' | 'firstSeenAt'>

export type PreviewPage = {
  draft: PreviewDocument
  /** 'future' when its date is still to come; 'in-force' when publishing it puts it in force at once. */
  status: VersionStatus
  /** The published version in force now, or null when none is. */
  inForce: { version: number; effectiveFrom: string; title: string } | null
  /** The published version just before the draft, or null. */
  previous: number | null
  /** True when, once published, the page of the version in force announces this version. */
  announced: boolean
  /** The word difference from the version in force; null when none is in force. */
  comparison: TextComparison | null
}

export type PreviewDeps = { db: Database; published: ContentSource; drafts: ContentSource }

function rendered(document: LegalDocument): PreviewDocument {
  const resolved = resolveRegisterTables(document)
  const plainText = renderPlainText(resolved)
  return {
    kind: resolved.kind,
    locale: resolved.locale,
    version: resolved.version,
    effectiveFrom: resolved.effectiveFrom,
    title: resolved.title,
    body: resolved.body,
    changeSummary: resolved.changeSummary,
    material: resolved.material,
    plainText,
    sha256: sha256Hex(plainText),
  }
}

/** The text of a published version: the archived one when archived, otherwise rendered from the source (not archived). */
async function publishedText(deps: PreviewDeps, kind: DocumentKind, locale: Locale, version: number) {
  const archived = await getArchivedVersion(deps.db, kind, locale, version)
  if (archived) return archived.plainText
  const document = await deps.published.getDocument(kind, locale, version)
  return document ? rendered(document).plainText : null
}

/**
 * The preview of draft `version`, or null when there is no such draft: the
 * number is already published (its own page shows it), the drafts do not
 * hold it, or its register tables name a service the register does not know.
 */
export async function getPreviewPage(
  kind: DocumentKind,
  locale: Locale,
  version: number,
  drafts: ContentSource,
  now = new Date(),
  deps?: Omit<PreviewDeps, 'drafts'>,
): Promise<PreviewPage | null> {
  const d: PreviewDeps = { ...(deps ?? { db: await getDb(), published: getContentSource() }), drafts }
  const published = await publishedVersions(kind, locale, { db: d.db, source: d.published })
  if (published.some((v) => v.version === version)) return null
  const source = await d.drafts.getDocument(kind, locale, version)
  if (!source) return null
  let draft: PreviewDocument
  try {
    draft = rendered(source)
  } catch (error) {
    if (!(error instanceof RegisterTableError)) throw error
    logger.warn(
      { event: 'legal.preview.register', kind, locale, version, err: error.message },
      'draft cannot be rendered',
    )
    return null
  }
  const { inForce } = classifyVersions(published, now)
  const inForceInfo = inForce === null ? null : published.find((v) => v.version === inForce)!
  const inForceText = inForce === null ? null : await publishedText(d, kind, locale, inForce)
  if (inForce !== null && inForceText === null) {
    throw new ContentUnavailableError(`the version in force of ${kind}/${locale} cannot be read for a preview`)
  }
  const withDraft = classifyVersions([...published, draft], now).versions
  const status = withDraft.find((v) => v.version === version)!.status
  return {
    draft,
    status,
    inForce: inForceInfo
      ? { version: inForceInfo.version, effectiveFrom: inForceInfo.effectiveFrom, title: inForceInfo.title }
      : null,
    previous: previousVersion(published, version)?.version ?? null,
    announced: nextAnnouncedVersion(withDraft, now)?.version === version,
    comparison: inForceText === null ? null : comparePlainTexts(inForceText, draft.plainText),
  }
}
