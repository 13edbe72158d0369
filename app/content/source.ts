import type { Locale } from '~/platform/i18n/locales'
import type { CreditPack } from '~/content/credit-pack'
import type { DocumentKind, LegalDocument, LegalDocumentSummary, SiteSettings } from './legal-document'

/**
 * Where content edited in Sanity comes from (legal documents, operator
 * details, credit packs): Sanity in production, the local NDJSON dataset
 * otherwise. Both run the same named GROQ queries (./queries.ts) and
 * validate results with zod (../types.ts, ~/payments/pack.ts); a document
 * that fails validation is logged and skipped.
 */
export interface ContentSource {
  readonly name: 'sanity' | 'local'
  /** Every published version of a kind in a locale, highest version first. */
  listVersions(kind: DocumentKind, locale: Locale): Promise<LegalDocumentSummary[]>
  /** One exact published version with its body, or null when there is none. */
  getDocument(kind: DocumentKind, locale: Locale, version: number): Promise<LegalDocument | null>
  /** Operator details resolved for a locale, or null when the document is missing or invalid. */
  getSiteSettings(locale: Locale): Promise<SiteSettings | null>
  /** Credit packs on sale, in pricing-page order; invalid packs are left out. */
  creditPacks(): Promise<CreditPack[]>
  /**
   * The raw fields of a published legal document that an approval covers
   * (queries.ts, APPROVED_CONTENT_QUERY), or null when it is not published.
   * Never cached: the publish webhook checks the approval against them.
   */
  approvedContent(documentId: string): Promise<Record<string, unknown> | null>
  /** Throws when the source cannot answer (used by /readyz). */
  checkHealth(): Promise<void>
  /**
   * 'stale' while the last good content is served because newer content was
   * refused as damaged (a truncated, garbled or emptied dataset); /readyz
   * reports it. Sources that never refuse content leave it out.
   */
  freshness?(): ContentFreshness
}

export type ContentFreshness = 'ok' | 'stale'

/** The source could not answer and there was no earlier answer to fall back on. */
export class ContentUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ContentUnavailableError'
  }
}
