import type { ContentSource } from './source'
import {
  APPROVED_CONTENT_QUERY,
  CREDIT_PACKS_QUERY,
  HEALTH_QUERY,
  LEGAL_DOCUMENT_QUERY,
  LEGAL_DOCUMENT_VERSIONS_QUERY,
  SITE_SETTINGS_QUERY,
} from './queries'
import { validateCreditPacks, validateDocument, validateSiteSettings, validateSummaries } from './validate.server'

/** Runs one GROQ query with params and resolves to its raw JSON result. */
export type GroqRunner = (query: string, params: Record<string, unknown>) => Promise<unknown>

/**
 * A ContentSource over anything that can run GROQ. Both the Sanity and the
 * local source are this plus a runner, so the queries and the validation
 * cannot drift apart between them.
 */
export function createGroqContentSource(name: ContentSource['name'], run: GroqRunner): ContentSource {
  return {
    name,
    async listVersions(kind, locale) {
      return validateSummaries(await run(LEGAL_DOCUMENT_VERSIONS_QUERY, { kind, locale }))
    },
    async getDocument(kind, locale, version) {
      return validateDocument(await run(LEGAL_DOCUMENT_QUERY, { kind, locale, version }))
    },
    async getSiteSettings(locale) {
      return validateSiteSettings(await run(SITE_SETTINGS_QUERY, { locale }))
    },
    async creditPacks() {
      return validateCreditPacks(await run(CREDIT_PACKS_QUERY, {}))
    },
    async approvedContent(documentId) {
      const value = await run(APPROVED_CONTENT_QUERY, { id: documentId })
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : null
    },
    async checkHealth() {
      const count = await run(HEALTH_QUERY, {})
      if (typeof count !== 'number') throw new Error(`${name} content health query returned ${JSON.stringify(count)}`)
      if (count === 0) throw new Error(`${name} content dataset holds no legal documents`)
    },
  }
}
