import type { Locale } from '~/platform/i18n/locales'
import { getChangesPage, getVersionList, type ChangesPage } from '~/legal/index.server'
import { legalT, parseVersionNumber, publicPageHeaders } from './page-data.server'
import type { DocumentKind } from '~/content'

/**
 * The page that compares two versions of a legal document
 * (/:lang/:kind/changes?from=&to=).
 */

/**
 * The two versions to compare, from the address or by default: `to` is the
 * version in force (or the newest), `from` the one before it. Null when the
 * address names no version, or `from` is not older than `to`.
 * `versions` are newest first and not empty.
 */
export function changesRange(
  versions: ReadonlyArray<{ version: number }>,
  inForce: number | null,
  rawFrom: string | null,
  rawTo: string | null,
): { from: number; to: number } | null {
  const to = rawTo === null ? (inForce ?? versions[0]!.version) : parseVersionNumber(rawTo)
  const from =
    rawFrom === null
      ? (versions.find((v) => to !== null && v.version < to)?.version ?? null)
      : parseVersionNumber(rawFrom)
  if (to === null || from === null || from >= to) return null
  return { from, to }
}

/** What the page shows of a comparison. */
function changesView(page: ChangesPage) {
  return {
    from: { version: page.from.version, effectiveFrom: page.from.effectiveFrom, sha256: page.from.sha256 },
    to: { version: page.to.version, effectiveFrom: page.to.effectiveFrom, sha256: page.to.sha256 },
    summaries: page.summaries,
    versions: page.versions.map((v) => v.version),
    paragraphs: page.paragraphs,
    wordsInserted: page.wordsInserted,
    wordsDeleted: page.wordsDeleted,
  }
}

/**
 * The comparison the address asks for (`rawFrom`, `rawTo`: the `from` and `to`
 * of its query) with the page's cache headers, or why there is none: 404 for a
 * document without versions or a version it does not have, 400 for a range
 * that is not one.
 */
export async function changesPage(
  request: Request,
  locale: Locale,
  kind: DocumentKind,
  rawFrom: string | null,
  rawTo: string | null,
) {
  const t = await legalT(locale)
  const { versions, inForce } = await getVersionList(kind, locale)
  if (versions.length === 0) return { ok: false as const, status: 404 as const, key: 'common:errors.notFoundText' }
  const range = changesRange(versions, inForce, rawFrom, rawTo)
  if (!range) return { ok: false as const, status: 400 as const, key: 'legal:changes.badRange' }
  const { from, to } = range
  const page = await getChangesPage(kind, locale, from, to)
  if (!page) return { ok: false as const, status: 404 as const, key: 'common:errors.unknownVersion' }
  const documentName = t(`common:documentKinds.${kind}`)
  const headers = await publicPageHeaders(
    request,
    'changes',
    locale,
    kind,
    page.from.sha256,
    page.to.sha256,
    JSON.stringify(page.summaries),
  )
  return {
    ok: true as const,
    headers,
    page: {
      locale,
      kind,
      documentName,
      title: `${t('changes.title', { document: documentName, from, to })} — ${t('common:siteName')}`,
      ...changesView(page),
    },
  }
}
