import { countAccountsHoldingEarlierVersion } from '~/acceptances/index.server'
import { ContentUnavailableError, getContentSource, getUncachedContentSource } from '~/content/index.server'
import type { ContentSource } from '~/content/index.server'
import { guestLinksRelation, liveAccountsRelation } from '~/identity/index.server'
import {
  allArchivedVersions,
  archivePublishedVersion,
  firstPublications,
  noticesDisclosed,
  recentDeliveries,
  type PublicationRecord,
} from '~/legal/index.server'
import { noticeProgress, type NoticeProgress } from '~/notices/index.server'
import { noticeDays, noticeDueAt } from '~/flows/legal-notices/index.server'
import type { Database } from '~/platform/db/client.server'
import { DOCUMENT_KINDS, type DocumentKind } from '~/platform/document-kinds'
import { getEnv } from '~/platform/env.server'
import { LOCALES, type Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { recentRefusedWebhooks } from '~/platform/security/refused-webhooks.server'

/**
 * The legal team's view of publishing (/:lang/legal-admin/publishing):
 * versions published but not in force yet, with who published and approved
 * them and how their advance notices are going; versions the content source
 * publishes that the archive does not hold; and the last deliveries of the
 * Sanity webhook, genuine and refused.
 */

export type Publisher = {
  publisherId: string | null
  revision: string | null
  /** ISO 8601 UTC: when the webhook told us. */
  receivedAt: string
  approver: string | null
  /** ISO 8601 UTC, from the approval recorded on the document. */
  approvedAt: string | null
  /** The approval names the same Sanity user as the publisher (the Studio refuses that; the API does not). */
  selfApproved: boolean
  /** False when the approval's hash is not the published text's (approved something else); null: nothing to compare. */
  approvalMatches: boolean | null
}

export type NoticePlan = {
  days: number
  /** ISO 8601 UTC: when notices go out. */
  dueAt: string
  /** Accounts that accepted an earlier version in this language: the people to tell. */
  accountsToTell: number
  /** False while the privacy policy in force in this language does not disclose notices. */
  disclosed: boolean
  /** Published (archived) after the notices were due: people get less notice than the period promises. */
  late: boolean
  progress: NoticeProgress | null
}

export type UpcomingVersion = {
  kind: DocumentKind
  locale: Locale
  version: number
  title: string
  effectiveFrom: string
  material: boolean
  /** ISO 8601 UTC when archived, null when the archive does not hold it yet. */
  archivedAt: string | null
  publisher: Publisher | null
  /** For a material version; null otherwise. */
  notices: NoticePlan | null
}

export type UnarchivedVersion = {
  kind: DocumentKind
  locale: Locale
  version: number
  title: string
  effectiveFrom: string
}

const key = (kind: string, locale: string, version: number) => `${kind}/${locale}/${version}`

function publisherOf(record: PublicationRecord | undefined): Publisher | null {
  if (!record) return null
  const approval = record.approval ?? {}
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)
  const name = text(approval.name)
  const email = text(approval.email)
  const approverId = text(approval.userId)
  return {
    publisherId: record.publisherId,
    revision: record.revision,
    receivedAt: record.receivedAt,
    approver: name && email ? `${name} (${email})` : (name ?? email ?? approverId),
    approvedAt: text(approval.approvedAt),
    selfApproved: approverId !== null && approverId === record.publisherId,
    approvalMatches: record.approvalMatches,
  }
}

/** What the content source publishes, per kind and language; null when it cannot be asked. */
async function publishedVersions(source: ContentSource) {
  const listed: Array<UnarchivedVersion & { material: boolean }> = []
  try {
    for (const kind of DOCUMENT_KINDS) {
      for (const locale of LOCALES) {
        for (const v of await source.listVersions(kind, locale)) {
          listed.push({
            kind,
            locale,
            version: v.version,
            title: v.title,
            effectiveFrom: v.effectiveFrom,
            material: v.material,
          })
        }
      }
    }
    return listed
  } catch (error) {
    if (!(error instanceof ContentUnavailableError)) throw error
    logger.warn({ err: error, event: 'legal_admin.publishing.source_unavailable' }, 'content source unavailable')
    return null
  }
}

export async function publishingPage(db: Database, now: Date = new Date(), source: ContentSource = getContentSource()) {
  const env = getEnv()
  const [archived, listed, publications, deliveries, refused] = await Promise.all([
    allArchivedVersions(db),
    publishedVersions(source),
    firstPublications(db),
    recentDeliveries(db, 20),
    recentRefusedWebhooks(db, 'sanity', 10),
  ])
  const archivedByKey = new Map(archived.map((v) => [key(v.kind, v.locale, v.version), v]))
  const publicationByKey = new Map(publications.map((p) => [key(p.kind, p.locale, p.version), p]))

  // Upcoming: the archive's future versions, and the source's that the archive lacks.
  const future = new Map<string, Omit<UpcomingVersion, 'notices' | 'publisher' | 'archivedAt'>>()
  for (const v of [...(listed ?? []), ...archived]) {
    if (Date.parse(v.effectiveFrom) <= now.getTime()) continue
    future.set(key(v.kind, v.locale, v.version), {
      kind: v.kind,
      locale: v.locale,
      version: v.version,
      title: v.title,
      effectiveFrom: v.effectiveFrom,
      material: v.material,
    })
  }
  const materialArchivedIds = [...future.keys()].flatMap((k) => {
    const row = archivedByKey.get(k)
    return row?.material ? [row.id] : []
  })
  const progress = new Map((await noticeProgress(db, materialArchivedIds)).map((p) => [p.documentVersionId, p]))
  const disclosure = new Map<Locale, boolean>()
  const relations = { accounts: liveAccountsRelation(), guestLinks: guestLinksRelation() }

  const upcoming: UpcomingVersion[] = []
  for (const [k, v] of future) {
    const row = archivedByKey.get(k)
    let notices: NoticePlan | null = null
    if (v.material) {
      if (!disclosure.has(v.locale)) disclosure.set(v.locale, await noticesDisclosed(v.locale, now))
      const dueAt = noticeDueAt(v.effectiveFrom, v.kind, env)
      notices = {
        days: noticeDays(v.kind, env),
        dueAt: dueAt.toISOString(),
        late: Date.parse(row?.firstSeenAt ?? now.toISOString()) > dueAt.getTime(),
        accountsToTell: await countAccountsHoldingEarlierVersion(db, v, relations),
        disclosed: disclosure.get(v.locale) ?? false,
        progress: row ? (progress.get(row.id) ?? null) : null,
      }
    }
    upcoming.push({
      ...v,
      archivedAt: row?.firstSeenAt ?? null,
      publisher: publisherOf(publicationByKey.get(k)),
      notices,
    })
  }
  upcoming.sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom) || a.kind.localeCompare(b.kind))

  const unarchived = notArchived(listed ?? [], archivedByKey)

  return {
    sourceReachable: listed !== null,
    upcoming,
    unarchived,
    deliveries: deliveries.map((d) => ({
      id: d.id,
      receivedAt: d.receivedAt.toISOString(),
      documentId: d.documentId,
      documentType: d.documentType,
      kind: d.kind,
      locale: d.locale,
      version: d.version,
      revision: d.revision,
      operation: d.operation,
      publisherId: d.publisherId,
      outcome: d.outcome,
      detail: d.detail,
    })),
    refused: refused.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })),
  }
}

/** The published versions the archive does not hold. */
function notArchived(listed: Array<UnarchivedVersion & { material: boolean }>, archived: ReadonlyMap<string, unknown>) {
  return listed.filter((v) => !archived.has(key(v.kind, v.locale, v.version))).map(({ material: _material, ...v }) => v)
}

/** Archives every version the source publishes that the archive lacks (the page's button); returns how many. */
export async function archiveUnarchived(db: Database, source: ContentSource = getContentSource()): Promise<number> {
  const [archived, listed] = await Promise.all([allArchivedVersions(db), publishedVersions(source)])
  const archivedByKey = new Map(archived.map((v) => [key(v.kind, v.locale, v.version), v]))
  const fetchFrom = getUncachedContentSource()
  let count = 0
  for (const v of notArchived(listed ?? [], archivedByKey)) {
    if (await archivePublishedVersion(db, fetchFrom, v.kind, v.locale, v.version)) count += 1
  }
  return count
}
