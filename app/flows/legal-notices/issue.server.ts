import { accountsHoldingEarlierVersion } from '~/acceptances/index.server'
import { guestLinksRelation, liveAccountsRelation } from '~/identity/index.server'
import { allArchivedVersions, archivedVersionsById, noticesDisclosed } from '~/legal/index.server'
import { insertNotices, openNoticesFor, toldAccountsRelation } from '~/notices/index.server'
import { enqueueMail } from '~/outbox/index.server'
import type { Database } from '~/platform/db/client.server'
import type { DocumentKind } from '~/platform/document-kinds'
import type { Env } from '~/platform/env.server'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'

/**
 * Advance notice of material changes (issue: "notice to people"). A material
 * version published with a future effective date is announced, a set number
 * of days before that date, to every account whose acceptance in force of
 * that document in that language is of an earlier version: a notice on the
 * account page and an e-mail (sent only to a confirmed address; see the
 * mail renderer). A version published later than that is announced at the
 * next run. Notices start in a language only once the privacy policy in
 * force there says that we send them (its `notices` register table).
 *
 * Runs hourly on every instance: the unique key of legal_notices makes each
 * account hear of each version once, and each notice owes one mail.
 */

export type NoticeSettings = Pick<Env, 'LEGAL_NOTICE_DAYS_TERMS' | 'LEGAL_NOTICE_DAYS_OTHER'>

const DAY_MS = 24 * 60 * 60 * 1000

/** Days before the effective date that a material version of `kind` is announced. */
export function noticeDays(kind: DocumentKind, settings: NoticeSettings): number {
  return kind === 'terms' ? settings.LEGAL_NOTICE_DAYS_TERMS : settings.LEGAL_NOTICE_DAYS_OTHER
}

/** The moment notices of a version are due. */
export function noticeDueAt(effectiveFrom: string | Date, kind: DocumentKind, settings: NoticeSettings): Date {
  return new Date(new Date(effectiveFrom).getTime() - noticeDays(kind, settings) * DAY_MS)
}

export type NoticeRun = {
  /** Material versions still to come whose notices are due. */
  due: number
  /** Of those, versions in a language whose privacy policy in force does not disclose notices yet. */
  waitingForDisclosure: number
  /** Notices written by this run. */
  issued: number
}

export type IssueOptions = {
  now?: Date
  settings: NoticeSettings
  /** The site's address the mail links are built on (mailLinkBase). */
  baseUrl: string
  /** Accounts told per transaction. */
  batchSize?: number
  /** Whether notices may go out in a language (tests replace the privacy-policy check). */
  disclosed?: (locale: Locale, now: Date) => Promise<boolean>
}

export async function issueDueNotices(db: Database, options: IssueOptions): Promise<NoticeRun> {
  const now = options.now ?? new Date()
  const batchSize = options.batchSize ?? 500
  const disclosed = options.disclosed ?? noticesDisclosed
  const run: NoticeRun = { due: 0, waitingForDisclosure: 0, issued: 0 }
  const disclosure = new Map<Locale, boolean>()

  const versions = (await allArchivedVersions(db)).filter(
    (v) =>
      v.material &&
      v.version > 1 &&
      Date.parse(v.effectiveFrom) > now.getTime() &&
      noticeDueAt(v.effectiveFrom, v.kind, options.settings).getTime() <= now.getTime(),
  )
  for (const version of versions) {
    run.due += 1
    if (!disclosure.has(version.locale)) disclosure.set(version.locale, await disclosed(version.locale, now))
    if (!disclosure.get(version.locale)) {
      run.waitingForDisclosure += 1
      continue
    }
    const relations = {
      accounts: liveAccountsRelation(),
      guestLinks: guestLinksRelation(),
      exclude: toldAccountsRelation(version.id),
    }
    // Each batch leaves the accounts it told out of the next query; a batch
    // that tells nobody new (another instance got there first) ends the loop.
    for (;;) {
      const holders = await accountsHoldingEarlierVersion(db, version, relations, { limit: batchSize })
      if (holders.length === 0) break
      const written = await db.transaction(async (tx) => {
        const notices = await insertNotices(
          tx,
          holders.map((holder) => ({
            userId: holder.userId,
            documentVersionId: version.id,
            kind: version.kind,
            locale: version.locale,
            version: version.version,
            acceptedVersion: holder.acceptedVersion,
            noticeLocale: holder.accountLocale,
          })),
        )
        for (const notice of notices) {
          await enqueueMail(tx, {
            kind: 'legal-notice',
            dedupeKey: `legal-notice:${notice.id}`,
            userId: notice.userId,
            referenceId: notice.id,
            locale: notice.noticeLocale,
            baseUrl: options.baseUrl,
          })
        }
        return notices.length
      })
      run.issued += written
      if (written === 0) break
    }
    logger.info(
      { event: 'notices.version', kind: version.kind, locale: version.locale, version: version.version },
      'advance notices of a material version are out',
    )
  }
  return run
}

/** A notice on the account page: the version announced and where to compare it. */
export type AccountNoticeView = {
  id: string
  kind: DocumentKind
  locale: Locale
  version: number
  acceptedVersion: number
  title: string
  /** ISO 8601 UTC. */
  effectiveFrom: string
  changeSummary: string | null
}

/** The notices an account has not dismissed, of versions still to come. */
export async function accountNotices(
  db: Database,
  userId: string,
  now: Date = new Date(),
): Promise<AccountNoticeView[]> {
  // The account's own notices first: the archive is read only for the versions they name.
  const open = await openNoticesFor(db, userId)
  if (open.length === 0) return []
  const versions = await archivedVersionsById(
    db,
    open.map((notice) => notice.documentVersionId),
  )
  return open.flatMap((notice) => {
    const version = versions.get(notice.documentVersionId)
    if (!version || Date.parse(version.effectiveFrom) <= now.getTime()) return []
    return [
      {
        id: notice.id,
        kind: notice.kind,
        locale: notice.locale,
        version: notice.version,
        acceptedVersion: notice.acceptedVersion,
        title: version.title,
        effectiveFrom: version.effectiveFrom,
        changeSummary: version.changeSummary,
      },
    ]
  })
}
