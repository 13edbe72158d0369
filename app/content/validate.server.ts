import type { z } from 'zod'
import { logger } from '~/platform/log.server'
import { creditPackSchema, type CreditPack } from '~/content/credit-pack'
import {
  legalDocumentSchema,
  legalDocumentSummarySchema,
  siteSettingsSchema,
  type LegalDocument,
  type LegalDocumentSummary,
  type SiteSettings,
} from './legal-document'

// Query results are untrusted: the Studio schema and our zod schemas can drift,
// and editors can save things the Studio does not forbid. Anything that does
// not parse is logged for the legal team and left out, never served half-valid.

function idOf(raw: unknown): string | undefined {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string') return raw.id
  return undefined
}

function parseOrSkip<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  what: string,
  fallbackId?: string,
): z.output<S> | null {
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  logger.error(
    { documentId: idOf(raw) ?? fallbackId ?? null, issues: result.error.issues },
    `${what} failed validation and was skipped`,
  )
  return null
}

/** Summaries that parse; a result that is not a list means the query itself is wrong, so it throws. */
export function validateSummaries(raw: unknown): LegalDocumentSummary[] {
  if (!Array.isArray(raw)) throw new TypeError(`expected a list of legal document versions, got ${typeof raw}`)
  const summaries: LegalDocumentSummary[] = []
  for (const item of raw) {
    const summary = parseOrSkip(legalDocumentSummarySchema, item, 'legal document')
    if (summary) summaries.push(summary)
  }
  return summaries
}

/** The document, or null when there is none or it is invalid. */
export function validateDocument(raw: unknown): LegalDocument | null {
  if (raw === null || raw === undefined) return null
  return parseOrSkip(legalDocumentSchema, raw, 'legal document')
}

/** The resolved settings, or null when the document is missing or invalid. */
export function validateSiteSettings(raw: unknown): SiteSettings | null {
  if (raw === null || raw === undefined) return null
  return parseOrSkip(siteSettingsSchema, raw, 'site settings', 'siteSettings')
}

/** Packs that parse; a result that is not a list means the query itself is wrong, so it throws. */
export function validateCreditPacks(raw: unknown): CreditPack[] {
  if (!Array.isArray(raw)) throw new TypeError(`expected a list of credit packs, got ${typeof raw}`)
  const packs: CreditPack[] = []
  for (const item of raw) {
    const pack = parseOrSkip(creditPackSchema, item, 'credit pack')
    if (pack) packs.push(pack)
  }
  return packs
}
