import { getArchivedVersion } from '~/legal/index.server'
import type { Database } from '~/platform/db/client.server'
import type { DocumentKind } from '~/platform/document-kinds'
import type { Locale } from '~/platform/i18n/locales'

/**
 * A document someone accepted, titled in the page's language: the same kind
 * and version from the archive in `locale`, so that an English page does not
 * quote the Russian title of what was accepted on the Russian site. The title
 * it was accepted under is kept when that version has no text in this language.
 */
export async function titleInLanguage(
  db: Database,
  doc: { kind: DocumentKind; version: number; locale: Locale; title: string },
  locale: Locale,
): Promise<string> {
  if (doc.locale === locale) return doc.title
  return (await getArchivedVersion(db, doc.kind, locale, doc.version))?.title ?? doc.title
}
