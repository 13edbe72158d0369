import { isIP } from 'node:net'
import { and, asc, desc, eq, inArray, or, type SQL } from 'drizzle-orm'
import type { TFunction } from 'i18next'
import type { Database } from '~/platform/db/client.server'
import { acceptances, cookieConsents, type AcceptanceEvent, type AcceptanceRow, type AcceptanceState } from './schema'
import { guestIdsLinkedTo, lockGuestIfExists } from '~/identity/index.server'
import { archivedVersionsById } from '~/legal/index.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import type { RequestEvidence } from '~/load-context'
import type { DocumentKind } from '~/platform/document-kinds'
import { logger } from '~/platform/log.server'
import type { CurrentVersion } from './current-versions.server'

/**
 * The acceptance ledger: one append-only row per document version accepted
 * or withdrawn (DESIGN.md, "Acceptance evidence"). The database refuses
 * UPDATE, DELETE and TRUNCATE (migration 0003); this module only inserts and
 * reads.
 */

/** Who a row is about: an account, a guest, or an anonymous cookie-consent id. Exactly one. */
export type LedgerSubject = { userId: string } | { guestId: string } | { consentId: string }
/** A person the site can ask to accept documents. */
export type PersonSubject = { userId: string } | { guestId: string }

export type RecordAcceptancesInput = {
  subject: LedgerSubject
  event: AcceptanceEvent
  /** From currentVersionsForAcceptance, after compareShownVersions said the form showed them. */
  documents: readonly CurrentVersion[]
  /**
   * The checkbox or button text exactly as shown, per kind, taken from our own
   * strings on the server (never from the submitted form). Required for every document.
   */
  wordings: Partial<Record<DocumentKind, string>>
  ip: string | null
  userAgent: string | null
  /** What the acceptance covers, e.g. { type: 'account', id: userId } or { type: 'order', id: orderId }. */
  action: { type: string; id: string }
  state?: AcceptanceState
  /** Cookie consent category (preferences, analytics); null otherwise. */
  scope?: string | null
}

export type LedgerInputProblem = 'subject' | 'documents' | 'wording' | 'action' | 'state' | 'archive-mismatch'

/** The caller asked for a row that must not be written. A programming error, not bad user input. */
export class LedgerInputError extends Error {
  constructor(
    readonly problem: LedgerInputProblem,
    message: string,
  ) {
    super(`acceptance ledger: ${message}`)
    this.name = 'LedgerInputError'
  }
}

// A user agent is whatever the client sends; keep the evidence row bounded.
const MAX_USER_AGENT = 1024
const MAX_ACTION_FIELD = 200

/**
 * Appends one row per document in the caller's transaction, so the action
 * and its evidence commit or roll back together:
 *
 *   await db.transaction(async (tx) => {
 *     const user = await createUser(tx, …)
 *     await recordAcceptances(tx, { subject: { userId: user.id }, event: 'register', … })
 *   })
 *
 * Every document must be an archived version: its kind, locale, version and
 * hash are checked against the archive row before anything is written.
 */
export async function recordAcceptances(tx: Database, input: RecordAcceptancesInput): Promise<AcceptanceRow[]> {
  const subject = checkSubject(input.subject)
  const state = input.state ?? (input.event === 'withdrawal' ? 'withdrawn' : 'given')
  if (input.event === 'withdrawal' && state !== 'withdrawn') {
    throw new LedgerInputError('state', "a 'withdrawal' event records state 'withdrawn'")
  }
  const action = checkAction(input.action)
  const documents = input.documents
  if (documents.length === 0) throw new LedgerInputError('documents', 'no documents to record')
  const kinds = new Set(documents.map((d) => d.kind))
  if (kinds.size !== documents.length) throw new LedgerInputError('documents', 'a kind appears twice')
  for (const document of documents) {
    const wording = input.wordings[document.kind]
    if (typeof wording !== 'string' || wording.trim() === '') {
      throw new LedgerInputError('wording', `no wording for ${document.kind}`)
    }
  }
  await checkAgainstArchive(tx, documents)
  if ('guestId' in subject) await checkGuestExists(tx, subject.guestId)

  const ip = normalizeIp(input.ip)
  const userAgent = input.userAgent ? input.userAgent.slice(0, MAX_USER_AGENT) : null
  return tx
    .insert(acceptances)
    .values(
      documents.map((document) => ({
        userId: 'userId' in subject ? subject.userId : null,
        guestId: 'guestId' in subject ? subject.guestId : null,
        consentId: 'consentId' in subject ? subject.consentId : null,
        documentVersionId: document.documentVersionId,
        kind: document.kind,
        locale: document.locale,
        version: document.version,
        contentSha256: document.sha256,
        event: input.event,
        state,
        scope: input.scope ?? null,
        wording: input.wordings[document.kind]!,
        ip,
        userAgent,
        actionType: action.type,
        actionId: action.id,
      })),
    )
    .returning()
}

export type FormAcceptanceInput = {
  subject: LedgerSubject
  event: AcceptanceEvent
  /** The versions the form showed, as the check of the submitted form returned them. */
  documents: readonly CurrentVersion[]
  /** The page's language: each row keeps the checkbox label exactly as that page rendered it. */
  locale: Locale
  evidence: RequestEvidence
  action: { type: string; id: string }
}

/**
 * Records what a person accepted by ticking a form's boxes (registration,
 * guest start, checkout, asking again, first provider sign-in), in the
 * caller's transaction. The wording comes from our own strings, never from
 * the submitted form.
 */
export function recordFormAcceptance(tx: Database, input: FormAcceptanceInput): Promise<AcceptanceRow[]> {
  const t = getFixedT(input.locale, ['account'])
  return recordAcceptances(tx, {
    subject: input.subject,
    event: input.event,
    documents: input.documents,
    wordings: Object.fromEntries(input.documents.map((d) => [d.kind, checkboxWording(t, d)])),
    ip: input.evidence.ip,
    userAgent: input.evidence.userAgent,
    action: input.action,
  })
}

/** The checkbox label as the acceptance form renders it (components/acceptance-checkboxes.tsx). */
function checkboxWording(t: TFunction, doc: { kind: DocumentKind; title: string; version: number }): string {
  return t(`account:acceptance.${doc.kind}`, { title: doc.title, version: doc.version })
}

/** Records the withdrawal of each document given (a new 'withdrawn' row; nothing is changed). */
export function withdrawConsent(
  tx: Database,
  input: Omit<RecordAcceptancesInput, 'event' | 'state'>,
): Promise<AcceptanceRow[]> {
  return recordAcceptances(tx, { ...input, event: 'withdrawal', state: 'withdrawn' })
}

function checkSubject(subject: LedgerSubject): LedgerSubject {
  // TypeScript lets `{ userId, guestId }` through a union, so count at run time too.
  const given = (['userId', 'guestId', 'consentId'] as const).filter((key) => {
    const value = (subject as Record<string, unknown>)[key]
    return value !== undefined && value !== null
  })
  const key = given[0]
  const value = key ? (subject as Record<string, unknown>)[key] : undefined
  if (given.length !== 1 || typeof value !== 'string' || value === '') {
    throw new LedgerInputError('subject', 'exactly one of userId, guestId and consentId must be given')
  }
  if (key === 'userId') return { userId: value }
  if (key === 'guestId') return { guestId: value }
  return { consentId: value }
}

function checkAction(action: { type: string; id: string }) {
  const ok = (v: unknown) => typeof v === 'string' && v !== '' && v.length <= MAX_ACTION_FIELD
  if (!ok(action?.type) || !ok(action?.id)) throw new LedgerInputError('action', 'action type and id are required')
  return action
}

/**
 * The ledger keeps guest ids without a foreign key, so that a guest can be
 * deleted while the evidence stays (docs/decisions/012). A new row still
 * needs its guest to exist: the lock holds the row, as a foreign key would,
 * until this transaction ends, so the retention job cannot delete it meanwhile.
 */
async function checkGuestExists(tx: Database, guestId: string) {
  if (!(await lockGuestIfExists(tx, guestId))) throw new LedgerInputError('subject', `no guest ${guestId}`)
}

async function checkAgainstArchive(tx: Database, documents: readonly CurrentVersion[]) {
  const byId = await archivedVersionsById(
    tx,
    documents.map((d) => d.documentVersionId),
  )
  for (const d of documents) {
    const row = byId.get(d.documentVersionId)
    if (
      !row ||
      row.kind !== d.kind ||
      row.locale !== d.locale ||
      row.version !== d.version ||
      row.sha256 !== d.sha256
    ) {
      throw new LedgerInputError(
        'archive-mismatch',
        `${d.kind}/${d.locale} v${d.version} does not match archive row ${d.documentVersionId}`,
      )
    }
  }
}

function normalizeIp(ip: string | null): string | null {
  if (!ip) return null
  const trimmed = ip.trim()
  if (isIP(trimmed)) return trimmed
  // Better no IP than a wrong one in an evidence row.
  logger.warn({ event: 'ledger.ip.invalid' }, 'acceptance recorded without an IP: the given value is not an address')
  return null
}

// ---------------------------------------------------------------------------
// Reading

/** One ledger row as the account pages and data export show it. Dates are ISO 8601 UTC. */
export type AcceptanceRecord = {
  id: string
  /** The subject the row was recorded under: a user's history includes rows of guests linked to them. */
  recordedUnder: LedgerSubject
  kind: DocumentKind
  locale: Locale
  version: number
  documentVersionId: string
  title: string
  contentSha256: string
  event: AcceptanceEvent
  state: AcceptanceState
  scope: string | null
  wording: string
  recordedAt: string
  ip: string | null
  userAgent: string | null
  actionType: string
  actionId: string
}

/**
 * The rows recorded about a subject. For a user this includes rows recorded
 * under guests later linked to that user (the schema hands a guest's ledger
 * rows to the account it registered), and the cookie choices recorded under
 * anonymous consent ids linked to the user or to those guests. For a guest,
 * its own rows and those of consent ids linked to it.
 */
async function subjectCondition(db: Database, subject: LedgerSubject): Promise<SQL> {
  const checked = checkSubject(subject)
  if ('consentId' in checked) return eq(acceptances.consentId, checked.consentId)
  if ('guestId' in checked) {
    const guestConsents = db
      .select({ id: cookieConsents.id })
      .from(cookieConsents)
      .where(eq(cookieConsents.guestId, checked.guestId))
    return or(eq(acceptances.guestId, checked.guestId), inArray(acceptances.consentId, guestConsents))!
  }
  const linkedGuests = guestIdsLinkedTo(db, checked.userId)
  const linkedConsents = db
    .select({ id: cookieConsents.id })
    .from(cookieConsents)
    .where(or(eq(cookieConsents.userId, checked.userId), inArray(cookieConsents.guestId, linkedGuests)))
  return or(
    eq(acceptances.userId, checked.userId),
    inArray(acceptances.guestId, linkedGuests),
    inArray(acceptances.consentId, linkedConsents),
  )!
}

/**
 * Pairs each ledger row with its archived version, in the rows' order. Every
 * row names an archived version (a foreign key); one that did not would be
 * left out, as a join would leave it.
 */
function withVersion<Row extends { documentVersionId: string }, Version>(
  rows: readonly Row[],
  versions: ReadonlyMap<string, Version>,
): Array<{ row: Row; version: Version }> {
  return rows.flatMap((row) => {
    const version = versions.get(row.documentVersionId)
    return version === undefined ? [] : [{ row, version }]
  })
}

function recordedUnder(row: Pick<AcceptanceRow, 'userId' | 'guestId' | 'consentId'>): LedgerSubject {
  if (row.userId !== null) return { userId: row.userId }
  if (row.guestId !== null) return { guestId: row.guestId }
  return { consentId: row.consentId! }
}

/** Everything recorded about a subject, newest first. */
export async function acceptanceHistory(db: Database, subject: LedgerSubject): Promise<AcceptanceRecord[]> {
  const rows = await db
    .select()
    .from(acceptances)
    .where(await subjectCondition(db, subject))
    .orderBy(desc(acceptances.recordedAt), asc(acceptances.kind))
  const versions = await archivedVersionsById(
    db,
    rows.map((row) => row.documentVersionId),
  )
  return withVersion(rows, versions).map(({ row, version }) => ({
    id: row.id,
    recordedUnder: recordedUnder(row),
    kind: row.kind,
    locale: row.locale,
    version: row.version,
    documentVersionId: row.documentVersionId,
    title: version.title,
    contentSha256: row.contentSha256,
    event: row.event,
    state: row.state,
    scope: row.scope,
    wording: row.wording,
    recordedAt: row.recordedAt.toISOString(),
    ip: row.ip,
    userAgent: row.userAgent,
    actionType: row.actionType,
    actionId: row.actionId,
  }))
}

/** A version a subject has given and not withdrawn since. */
export type AcceptedVersion = {
  kind: DocumentKind
  locale: Locale
  version: number
  scope: string | null
  documentVersionId: string
  /** When the row giving this version was recorded (ISO 8601 UTC). */
  recordedAt: string
}

/**
 * Per kind, locale and scope, the highest version currently given. Russian
 * and English versions are numbered separately, so versions are only ever
 * compared within one locale. A withdrawal of a kind cancels every earlier
 * acceptance of that kind in every locale (of that scope only, when the
 * withdrawal names one); a row recorded at the same instant as the withdrawal
 * counts as earlier.
 */
export async function latestAcceptedVersions(db: Database, subject: LedgerSubject): Promise<AcceptedVersion[]> {
  const rows = await db
    .select({
      kind: acceptances.kind,
      locale: acceptances.locale,
      version: acceptances.version,
      scope: acceptances.scope,
      state: acceptances.state,
      documentVersionId: acceptances.documentVersionId,
      recordedAt: acceptances.recordedAt,
    })
    .from(acceptances)
    .where(await subjectCondition(db, subject))
    // 'given' sorts before 'withdrawn': at equal times the withdrawal is applied last.
    .orderBy(asc(acceptances.recordedAt), asc(acceptances.state))

  const given = new Map<string, AcceptedVersion>()
  for (const row of rows) {
    if (row.state === 'withdrawn') {
      for (const [key, entry] of given) {
        if (entry.kind === row.kind && (row.scope === null || entry.scope === row.scope)) given.delete(key)
      }
      continue
    }
    const key = `${row.kind}\u0000${row.locale}\u0000${row.scope ?? ''}`
    const held = given.get(key)
    if (!held || row.version >= held.version) {
      given.set(key, {
        kind: row.kind,
        locale: row.locale,
        version: row.version,
        scope: row.scope,
        documentVersionId: row.documentVersionId,
        recordedAt: row.recordedAt.toISOString(),
      })
    }
  }
  return [...given.values()].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.locale.localeCompare(b.locale) || a.version - b.version,
  )
}

/** One document version as a receipt of acceptance names it. */
export type AcceptedForAction = {
  kind: DocumentKind
  locale: Locale
  version: number
  title: string
  /** When that version took effect (ISO 8601 UTC), from the archive. */
  effectiveFrom: string
  contentSha256: string
  /** When the acceptance was recorded (ISO 8601 UTC). */
  recordedAt: string
}

/**
 * The versions given for one action (an account created, an order placed),
 * as the rows recorded at that moment say, with the archived title and
 * effective date of each: what a receipt of acceptance lists. Rows are
 * append-only, so this reads the same whenever it is asked.
 */
export async function acceptancesForAction(
  db: Database,
  input: { userId: string; event: AcceptanceEvent; action: { type: string; id: string } },
): Promise<AcceptedForAction[]> {
  const rows = await db
    .select({
      kind: acceptances.kind,
      locale: acceptances.locale,
      version: acceptances.version,
      contentSha256: acceptances.contentSha256,
      recordedAt: acceptances.recordedAt,
      documentVersionId: acceptances.documentVersionId,
    })
    .from(acceptances)
    .where(
      and(
        eq(acceptances.userId, input.userId),
        eq(acceptances.event, input.event),
        eq(acceptances.state, 'given'),
        eq(acceptances.actionType, input.action.type),
        eq(acceptances.actionId, input.action.id),
      ),
    )
    .orderBy(asc(acceptances.recordedAt), asc(acceptances.kind))
  const versions = await archivedVersionsById(
    db,
    rows.map((row) => row.documentVersionId),
  )
  return withVersion(rows, versions).map(({ row, version }) => ({
    kind: row.kind,
    locale: row.locale,
    version: row.version,
    title: version.title,
    effectiveFrom: version.effectiveFrom,
    contentSha256: row.contentSha256,
    recordedAt: row.recordedAt.toISOString(),
  }))
}
