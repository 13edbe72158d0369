import { and, asc, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import type { DocumentKind } from '~/platform/document-kinds'
import type { Locale } from '~/platform/i18n/locales'
import { legalNotices, type LegalNoticeRow, type NoticeMailStatus } from './schema'

/**
 * The record of advance notices of material versions: one row per account
 * and version, written when the notice is issued, updated with the fate of
 * its e-mail and when the person dismisses it. Who is told, and when, is
 * decided by the flow that issues them (app/flows/legal-notices).
 */

export type NoticeToIssue = {
  userId: string
  documentVersionId: string
  kind: DocumentKind
  locale: Locale
  version: number
  acceptedVersion: number
  noticeLocale: Locale
}

/**
 * Records notices, in the caller's transaction; returns the ones written now.
 * An account already told of the version is skipped (the unique key), so
 * instances issuing at the same moment tell each person once.
 */
export async function insertNotices(
  tx: Database,
  notices: readonly NoticeToIssue[],
): Promise<Array<{ id: string; userId: string; noticeLocale: Locale }>> {
  if (notices.length === 0) return []
  return tx
    .insert(legalNotices)
    .values([...notices])
    .onConflictDoNothing({ target: [legalNotices.userId, legalNotices.documentVersionId] })
    .returning({ id: legalNotices.id, userId: legalNotices.userId, noticeLocale: legalNotices.noticeLocale })
}

/** `(user_id)` of the accounts already told of a version, for the query that finds whom to tell. */
export function toldAccountsRelation(documentVersionId: string): SQL {
  return sql`select ${legalNotices.userId} from ${legalNotices} where ${legalNotices.documentVersionId} = ${documentVersionId}`
}

/** One notice by id (the mail renderer), or null when it is gone (the account was deleted). */
export async function findNotice(db: Database, id: string): Promise<LegalNoticeRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null
  const [row] = await db.select().from(legalNotices).where(eq(legalNotices.id, id))
  return row ?? null
}

/** Records what became of a notice's e-mail; a later outcome replaces an earlier one ('pending' never returns). */
export async function recordNoticeMail(
  db: Database,
  id: string,
  status: Exclude<NoticeMailStatus, 'pending'>,
  at: Date = new Date(),
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return
  await db.update(legalNotices).set({ mailStatus: status, mailFinishedAt: at }).where(eq(legalNotices.id, id))
}

/** A notice as the account page shows it. */
export type AccountNotice = Pick<
  LegalNoticeRow,
  'id' | 'kind' | 'locale' | 'version' | 'acceptedVersion' | 'documentVersionId'
> & { issuedAt: string }

/**
 * The notices an account has not dismissed, oldest first. Whether their
 * versions are still to come is the caller's to judge (the archive holds the
 * dates); for almost every account this is one indexed read that finds none.
 */
export async function openNoticesFor(db: Database, userId: string): Promise<AccountNotice[]> {
  const rows = await db
    .select({
      id: legalNotices.id,
      kind: legalNotices.kind,
      locale: legalNotices.locale,
      version: legalNotices.version,
      acceptedVersion: legalNotices.acceptedVersion,
      documentVersionId: legalNotices.documentVersionId,
      issuedAt: legalNotices.issuedAt,
    })
    .from(legalNotices)
    .where(and(eq(legalNotices.userId, userId), isNull(legalNotices.dismissedAt)))
    .orderBy(asc(legalNotices.issuedAt))
  return rows.map((row) => ({ ...row, issuedAt: row.issuedAt.toISOString() }))
}

/** The person dismissed a notice of theirs; false when it is not theirs or was dismissed before. */
export async function dismissNotice(db: Database, userId: string, id: string, at: Date = new Date()): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false
  const updated = await db
    .update(legalNotices)
    .set({ dismissedAt: at })
    .where(and(eq(legalNotices.id, id), eq(legalNotices.userId, userId), isNull(legalNotices.dismissedAt)))
    .returning({ id: legalNotices.id })
  return updated.length > 0
}

/** Every notice of an account, for its data export. */
export async function noticesForExport(db: Database, userId: string) {
  const rows = await db
    .select()
    .from(legalNotices)
    .where(eq(legalNotices.userId, userId))
    .orderBy(asc(legalNotices.issuedAt))
  return rows.map((row) => ({
    document: row.kind,
    language: row.locale,
    version: row.version,
    acceptedVersion: row.acceptedVersion,
    issuedAt: row.issuedAt.toISOString(),
    email: row.mailStatus,
    emailFinishedAt: row.mailFinishedAt?.toISOString() ?? null,
    dismissedAt: row.dismissedAt?.toISOString() ?? null,
  }))
}

/** Deletes an account's notices (closing the account). */
export async function eraseNoticesFor(tx: Database, userId: string): Promise<void> {
  await tx.delete(legalNotices).where(eq(legalNotices.userId, userId))
}

/** How the notices of one version went, for the legal view. */
export type NoticeProgress = {
  documentVersionId: string
  issued: number
  mail: Record<NoticeMailStatus, number>
  dismissed: number
  /** ISO 8601 UTC of the first and last notice issued. */
  firstIssuedAt: string | null
  lastIssuedAt: string | null
}

/** Progress of the notices of each given version (versions without notices are absent). */
export async function noticeProgress(db: Database, documentVersionIds: readonly string[]): Promise<NoticeProgress[]> {
  if (documentVersionIds.length === 0) return []
  const rows = await db
    .select({
      documentVersionId: legalNotices.documentVersionId,
      mailStatus: legalNotices.mailStatus,
      notices: count(),
      dismissed: sql<number>`count(${legalNotices.dismissedAt})::int`,
      firstIssuedAt: sql<Date>`min(${legalNotices.issuedAt})`,
      lastIssuedAt: sql<Date>`max(${legalNotices.issuedAt})`,
    })
    .from(legalNotices)
    .where(inArray(legalNotices.documentVersionId, [...documentVersionIds]))
    .groupBy(legalNotices.documentVersionId, legalNotices.mailStatus)
  const byVersion = new Map<string, NoticeProgress>()
  for (const row of rows) {
    const entry = byVersion.get(row.documentVersionId) ?? {
      documentVersionId: row.documentVersionId,
      issued: 0,
      mail: { pending: 0, sent: 0, failed: 0, 'not-sent': 0 },
      dismissed: 0,
      firstIssuedAt: null,
      lastIssuedAt: null,
    }
    const first = new Date(row.firstIssuedAt).toISOString()
    const last = new Date(row.lastIssuedAt).toISOString()
    entry.issued += Number(row.notices)
    entry.mail[row.mailStatus] += Number(row.notices)
    entry.dismissed += Number(row.dismissed)
    entry.firstIssuedAt = entry.firstIssuedAt && entry.firstIssuedAt < first ? entry.firstIssuedAt : first
    entry.lastIssuedAt = entry.lastIssuedAt && entry.lastIssuedAt > last ? entry.lastIssuedAt : last
    byVersion.set(row.documentVersionId, entry)
  }
  return [...byVersion.values()]
}
