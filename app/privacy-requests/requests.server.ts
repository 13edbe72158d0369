/**
 * Data-subject requests (access, correction, deletion, portability,
 * objection, withdrawal of consent) and their legal deadlines.
 *
 * A signed-in person with an e-mail address on the account is identified by
 * the session: the request is received at once. Anyone else gives an address
 * and confirms it through a single-use link; the request is received when
 * they do. The deadline runs from receipt (working-days.ts). Every status
 * change is one transaction with its row in the append-only event log; mails
 * go out after the commit, and a mail that fails is logged and recorded as an
 * event without undoing the change.
 */
import { createHash, randomBytes } from 'node:crypto'
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm'
import type { Database } from '~/db/client.server'
import {
  dataSubjectRequestEvents,
  dataSubjectRequests,
  guests,
  users,
  type DataSubjectRequestRow,
  type RequestKind,
  type RequestOutcome,
  type RequestRegime,
  type RequestStatus,
} from '~/db/schema'
import type { Locale } from '~/i18n/locales'
import { logger } from '~/log.server'
import { retentionCutoff, retentionDays } from '~/register'
import { sendMail, type MailMessage } from '~/mail/mailer.server'
import { deadlineRule, extendableKinds } from './deadlines'
import { requestMail, type RequestMailKind } from './mail.server'
import {
  daysBetween,
  extendedDueOn,
  loadWorkingCalendar,
  moscowDay,
  replyDueOn,
  yearsWithoutEntries,
  type WorkingCalendar,
} from './working-days'

export const CONFIRM_TOKEN_TTL_HOURS = 24
/** Unconfirmed requests keep their contact details this long after the link expired, then lose them. */
export const UNCONFIRMED_KEEP_DAYS = retentionDays('unconfirmedRequests')
export const DETAILS_MAX_LENGTH = 4000
export const NOTE_MAX_LENGTH = 2000

// 32 random bytes in base64url.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

type Send = (message: MailMessage) => Promise<unknown>

export type ActionOptions = {
  now?: Date
  /** Defaults to sendMail; tests pass a failing one. */
  send?: Send
}

function tokenHash(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

function logStatus(
  row: DataSubjectRequestRow,
  action: string,
  from: RequestStatus | null,
  actorUserId?: string | null,
) {
  logger.info(
    {
      event: `privacy-request.${action}`,
      number: row.number,
      kind: row.kind,
      regime: row.regime,
      fromStatus: from,
      toStatus: row.status,
      dueOn: row.dueOn,
      actorUserId: actorUserId ?? null,
    },
    `data-subject request ${action}`,
  )
}

async function recordEvent(
  db: Database,
  row: Pick<DataSubjectRequestRow, 'id' | 'status'>,
  action: string,
  {
    from = row.status,
    actorUserId = null,
    note = null,
  }: { from?: RequestStatus | null; actorUserId?: string | null; note?: string | null } = {},
) {
  await db.insert(dataSubjectRequestEvents).values({
    requestId: row.id,
    action,
    fromStatus: from,
    toStatus: row.status,
    actorUserId,
    note,
  })
}

/**
 * Sends one of the request's mails after its transaction committed. Success
 * and failure are both recorded as events (the extension notice in
 * particular must be provably sent); neither ever throws.
 */
async function deliver(
  db: Database,
  row: DataSubjectRequestRow,
  kind: RequestMailKind,
  send: Send,
  extra?: Parameters<typeof requestMail>[2],
): Promise<boolean> {
  let sent = false
  let failure: string | null = null
  try {
    await send(requestMail(kind, row, extra))
    sent = true
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
    logger.error(
      { err: error, event: 'privacy-request.mail-failed', number: row.number, mail: kind },
      'data-subject request mail failed',
    )
  }
  try {
    await recordEvent(db, row, sent ? 'mailed' : 'mail-failed', {
      note: sent ? kind : `${kind}: ${failure}`.slice(0, NOTE_MAX_LENGTH),
    })
  } catch (error) {
    logger.error({ err: error, event: 'privacy-request.event-failed', number: row.number }, 'mail event not recorded')
  }
  return sent
}

/** The due date of a request of this law and kind received at `now` (periods: deadlines.ts). */
async function dueOnReceipt(db: Database, regime: RequestRegime, kind: RequestKind, now: Date): Promise<string> {
  const calendar = await loadWorkingCalendar(db)
  const receivedOn = moscowDay(now)
  const dueOn = replyDueOn(regime, kind, receivedOn, calendar)
  warnAboutGaps(calendar, receivedOn, dueOn)
  return dueOn
}

function warnAboutGaps(calendar: WorkingCalendar, from: string, to: string) {
  const missing = yearsWithoutEntries(calendar, from, to)
  if (missing.length > 0) {
    logger.warn(
      { event: 'privacy-request.calendar-missing', years: missing },
      'the working-day calendar lists no holidays for a year a deadline falls in: add them in the legal view',
    )
  }
}

// ---------------------------------------------------------------------------
// Filing and confirming

export type NewRequest = {
  kind: RequestKind
  regime: RequestRegime
  details: string
  locale: Locale
  /** The signed-in account, if any. */
  userId: string | null
  /**
   * The reply address. `confirmed` when it is the signed-in account's own
   * address (the session identifies the person); otherwise it must be
   * confirmed through the mailed link first.
   */
  email: { address: string; confirmed: boolean }
  /** The guest id of the browser's guest cookie, if it carries one. */
  guestId: string | null
  ip: string | null
  userAgent: string | null
}

export type CreatedRequest = {
  number: number
  status: RequestStatus
  dueOn: string | null
  /** Whether the receipt or confirmation mail went out. */
  mailed: boolean
}

/**
 * Files a request. Input is expected to be validated already (submit.server.ts);
 * the table's constraints refuse anything else. `baseUrl` is the site's
 * origin for the confirmation link.
 */
export async function createRequest(
  db: Database,
  input: NewRequest,
  { now = new Date(), send = sendMail, baseUrl }: ActionOptions & { baseUrl: string },
): Promise<CreatedRequest> {
  const received = input.email.confirmed
  const dueOn = received ? await dueOnReceipt(db, input.regime, input.kind, now) : null
  const token = received ? null : randomBytes(32).toString('base64url')

  const row = await db.transaction(async (tx) => {
    // Only a guest that exists (a cookie can outlive its guest row).
    const [guest] = input.guestId
      ? await tx.select({ id: guests.id }).from(guests).where(eq(guests.id, input.guestId))
      : []
    const [inserted] = await tx
      .insert(dataSubjectRequests)
      .values({
        kind: input.kind,
        regime: input.regime,
        status: received ? 'open' : 'awaiting-confirmation',
        locale: input.locale,
        email: input.email.address,
        userId: input.userId,
        guestId: guest?.id ?? null,
        details: input.details,
        confirmTokenHash: token ? tokenHash(token) : null,
        confirmExpiresAt: token ? new Date(now.getTime() + CONFIRM_TOKEN_TTL_HOURS * 3_600_000) : null,
        createdAt: now,
        receivedAt: received ? now : null,
        originalDueOn: dueOn,
        dueOn,
        ip: input.ip?.slice(0, 64) ?? null,
        userAgent: input.userAgent?.slice(0, 512) ?? null,
      })
      .returning()
    await recordEvent(tx, inserted!, 'created', { from: null })
    return inserted!
  })
  logStatus(row, 'created', null)

  const mailed = token
    ? await deliver(db, row, 'confirmation', send, {
        link: `${baseUrl.replace(/\/+$/, '')}/${row.locale}/privacy/request/confirm?${new URLSearchParams({ token })}`,
        hours: CONFIRM_TOKEN_TTL_HOURS,
      })
    : await deliver(db, row, 'receipt', send)
  return { number: row.number, status: row.status, dueOn: row.dueOn, mailed }
}

export type ConfirmationProblem = 'invalid' | 'expired'

export type ConfirmationState =
  | { state: 'pending'; number: number; kind: RequestKind; regime: RequestRegime; locale: Locale }
  | { state: 'confirmed'; number: number; kind: RequestKind; regime: RequestRegime; locale: Locale; dueOn: string }
  | { state: ConfirmationProblem }

/**
 * What a confirmation link stands for, without using it. A link already used
 * keeps showing its request's number and due date (people click twice).
 */
export async function inspectConfirmation(
  db: Database,
  token: string,
  now: Date = new Date(),
): Promise<ConfirmationState> {
  if (!TOKEN_PATTERN.test(token)) return { state: 'invalid' }
  const [row] = await db
    .select()
    .from(dataSubjectRequests)
    .where(eq(dataSubjectRequests.confirmTokenHash, tokenHash(token)))
  if (!row) return { state: 'invalid' }
  const about = { number: row.number, kind: row.kind, regime: row.regime, locale: row.locale }
  if (row.status !== 'awaiting-confirmation') return { state: 'confirmed', ...about, dueOn: row.dueOn! }
  if (!row.confirmExpiresAt || row.confirmExpiresAt <= now) return { state: 'expired' }
  return { state: 'pending', ...about }
}

export type ConfirmResult =
  | { ok: true; number: number; dueOn: string; regime: RequestRegime; alreadyConfirmed: boolean }
  | { ok: false; reason: ConfirmationProblem }

/**
 * Confirms the address of a request with its link: the request is received
 * now and its deadline starts. The link is spent by one conditional UPDATE,
 * so of two clicks at once exactly one confirms; the other (and any later
 * one) finds it confirmed and changes nothing.
 */
export async function confirmRequest(
  db: Database,
  token: string,
  { now = new Date(), send = sendMail }: ActionOptions = {},
): Promise<ConfirmResult> {
  const before = await inspectConfirmation(db, token, now)
  if (before.state === 'confirmed') {
    return { ok: true, number: before.number, dueOn: before.dueOn, regime: before.regime, alreadyConfirmed: true }
  }
  if (before.state !== 'pending') return { ok: false, reason: before.state }
  const dueOn = await dueOnReceipt(db, before.regime, before.kind, now)
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(dataSubjectRequests)
      .set({ status: 'open', receivedAt: now, originalDueOn: dueOn, dueOn })
      .where(
        and(
          eq(dataSubjectRequests.confirmTokenHash, tokenHash(token)),
          eq(dataSubjectRequests.status, 'awaiting-confirmation'),
          gt(dataSubjectRequests.confirmExpiresAt, now),
        ),
      )
      .returning()
    if (updated) await recordEvent(tx, updated, 'confirmed', { from: 'awaiting-confirmation' })
    return updated
  })
  if (!row) {
    // Confirmed by a click a moment earlier, or expired in between.
    const after = await inspectConfirmation(db, token, now)
    if (after.state === 'confirmed') {
      return { ok: true, number: after.number, dueOn: after.dueOn, regime: after.regime, alreadyConfirmed: true }
    }
    return { ok: false, reason: after.state === 'expired' ? 'expired' : 'invalid' }
  }
  logStatus(row, 'confirmed', 'awaiting-confirmation')
  await deliver(db, row, 'receipt', send)
  return { ok: true, number: row.number, dueOn: row.dueOn!, regime: row.regime, alreadyConfirmed: false }
}

/** A signed-in person's own request (for the page shown after filing), or null. */
export async function findOwnRequest(db: Database, userId: string, number: number) {
  if (!Number.isSafeInteger(number) || number < 1) return null
  const [row] = await db
    .select({
      number: dataSubjectRequests.number,
      kind: dataSubjectRequests.kind,
      regime: dataSubjectRequests.regime,
      status: dataSubjectRequests.status,
      email: dataSubjectRequests.email,
      dueOn: dataSubjectRequests.dueOn,
    })
    .from(dataSubjectRequests)
    .where(and(eq(dataSubjectRequests.number, number), eq(dataSubjectRequests.userId, userId)))
  return row ?? null
}

/**
 * The person's own requests with their history, for the data export, newest
 * first: those sent while signed in to the account, those from its guest
 * sessions, and those confirmed at the account's e-mail address (the privacy
 * policy treats these as the account's, 10.1). A request never confirmed is
 * left out unless it came from the account: anyone can type an address. The
 * legal team member who acted is not named (that is data about them), only
 * that the team acted; the confirmation token's hash is a secret.
 */
export async function listRequestsForExport(db: Database, userId: string) {
  const [account] = await db.select({ email: users.emailNormalized }).from(users).where(eq(users.id, userId))
  const linkedGuests = db.select({ id: guests.id }).from(guests).where(eq(guests.linkedUserId, userId))
  const own = [eq(dataSubjectRequests.userId, userId), inArray(dataSubjectRequests.guestId, linkedGuests)]
  if (account?.email) {
    own.push(
      and(
        isNull(dataSubjectRequests.userId),
        ne(dataSubjectRequests.status, 'awaiting-confirmation'),
        eq(dataSubjectRequests.email, account.email),
      )!,
    )
  }
  const rows = await db
    .select()
    .from(dataSubjectRequests)
    .where(or(...own))
    .orderBy(desc(dataSubjectRequests.createdAt), desc(dataSubjectRequests.number))
  const events = rows.length
    ? await db
        .select()
        .from(dataSubjectRequestEvents)
        .where(
          inArray(
            dataSubjectRequestEvents.requestId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(dataSubjectRequestEvents.at), asc(dataSubjectRequestEvents.id))
    : []
  const iso = (d: Date | null) => d?.toISOString() ?? null
  return rows.map((r) => ({
    number: r.number,
    kind: r.kind,
    law: r.regime,
    status: r.status,
    outcome: r.outcome,
    locale: r.locale,
    replyEmail: r.email,
    details: r.details,
    sentFrom: r.userId ? ('account' as const) : r.guestId ? ('guest' as const) : ('email' as const),
    guestId: r.guestId,
    ip: r.ip,
    userAgent: r.userAgent,
    createdAt: r.createdAt.toISOString(),
    receivedAt: iso(r.receivedAt),
    originalDueOn: r.originalDueOn,
    dueOn: r.dueOn,
    extendedAt: iso(r.extendedAt),
    extensionReason: r.extensionReason,
    completedAt: iso(r.completedAt),
    answer: r.completionNote,
    events: events
      .filter((e) => e.requestId === r.id)
      .map((e) => ({
        action: e.action,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        byLegalTeam: e.actorUserId !== null,
        note: e.note,
        at: e.at.toISOString(),
      })),
  }))
}

// ---------------------------------------------------------------------------
// The legal team's actions

export type ExtendProblem =
  'not-found' | 'not-open' | 'not-ru' | 'kind-not-extendable' | 'already-extended' | 'too-late' | 'reason-required'

export type ActionResult<Problem> =
  { ok: true; row: DataSubjectRequestRow; mailed: boolean } | { ok: false; reason: Problem }

function extendProblem(row: DataSubjectRequestRow | undefined, today: string): ExtendProblem | null {
  if (!row) return 'not-found'
  if (row.status !== 'open') return 'not-open'
  if (row.regime !== 'ru') return 'not-ru'
  if (!deadlineRule(row.regime, row.kind).extension) return 'kind-not-extendable'
  if (row.extendedAt) return 'already-extended'
  if (row.originalDueOn! < today) return 'too-late'
  return null
}

async function findByNumber(db: Database, number: number) {
  if (!Number.isSafeInteger(number) || number < 1) return undefined
  const [row] = await db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.number, number))
  return row
}

/**
 * Extends a 152-FZ request of a kind the law lets us extend (deadlines.ts:
 * access, a copy, objection) once, by 5 working days after its original due
 * date, with the reason the notice to the requester gives. Only while the
 * original period runs: the law wants the notice before it expires.
 */
export async function extendRequest(
  db: Database,
  number: number,
  { reason, actorUserId, now = new Date(), send = sendMail }: ActionOptions & { reason: string; actorUserId: string },
): Promise<ActionResult<ExtendProblem>> {
  const trimmed = reason.trim()
  if (!trimmed) return { ok: false, reason: 'reason-required' }
  const today = moscowDay(now)
  const before = await findByNumber(db, number)
  const problem = extendProblem(before, today)
  if (problem) return { ok: false, reason: problem }

  const calendar = await loadWorkingCalendar(db)
  const newDue = extendedDueOn(before!.regime, before!.kind, before!.originalDueOn!, calendar)!
  warnAboutGaps(calendar, before!.originalDueOn!, newDue)
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(dataSubjectRequests)
      .set({ dueOn: newDue, extendedAt: now, extensionReason: trimmed.slice(0, NOTE_MAX_LENGTH) })
      .where(
        and(
          eq(dataSubjectRequests.id, before!.id),
          eq(dataSubjectRequests.status, 'open'),
          eq(dataSubjectRequests.regime, 'ru'),
          inArray(dataSubjectRequests.kind, extendableKinds('ru')),
          isNull(dataSubjectRequests.extendedAt),
          gte(dataSubjectRequests.originalDueOn, today),
        ),
      )
      .returning()
    if (updated) await recordEvent(tx, updated, 'extended', { actorUserId, note: updated.extensionReason })
    return updated
  })
  if (!row) {
    // Someone else extended or completed it in the meantime.
    return { ok: false, reason: extendProblem(await findByNumber(db, number), today) ?? 'already-extended' }
  }
  logStatus(row, 'extended', 'open', actorUserId)
  return { ok: true, row, mailed: await deliver(db, row, 'extension', send) }
}

export type CompleteProblem = 'not-found' | 'not-open' | 'already-completed' | 'note-required'

/**
 * Completes a request: fulfilled, or refused with the reasons in the note
 * (a refusal must be reasoned). Of two completions at once exactly one wins.
 */
export async function completeRequest(
  db: Database,
  number: number,
  {
    outcome,
    note,
    actorUserId,
    now = new Date(),
    send = sendMail,
  }: ActionOptions & { outcome: RequestOutcome; note: string; actorUserId: string },
): Promise<ActionResult<CompleteProblem>> {
  const trimmed = note.trim().slice(0, NOTE_MAX_LENGTH)
  if (outcome === 'refused' && !trimmed) return { ok: false, reason: 'note-required' }
  const before = await findByNumber(db, number)
  if (!before) return { ok: false, reason: 'not-found' }
  if (before.status === 'completed') return { ok: false, reason: 'already-completed' }
  if (before.status !== 'open') return { ok: false, reason: 'not-open' }

  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(dataSubjectRequests)
      .set({ status: 'completed', outcome, completedAt: now, completionNote: trimmed || null })
      .where(and(eq(dataSubjectRequests.id, before.id), eq(dataSubjectRequests.status, 'open')))
      .returning()
    if (updated) {
      await recordEvent(tx, updated, 'completed', {
        from: 'open',
        actorUserId,
        note: trimmed ? `${outcome}: ${trimmed}` : outcome,
      })
    }
    return updated
  })
  if (!row) return { ok: false, reason: 'already-completed' }
  logStatus(row, 'completed', 'open', actorUserId)
  return { ok: true, row, mailed: await deliver(db, row, 'completion', send) }
}

// ---------------------------------------------------------------------------
// The queue and one request

export type QueueEntry = {
  number: number
  kind: RequestKind
  regime: RequestRegime
  status: RequestStatus
  outcome: RequestOutcome | null
  receivedAt: Date | null
  dueOn: string | null
  extended: boolean
  completedAt: Date | null
  /** Calendar days from today to the due date; negative when overdue. Null once completed. */
  daysLeft: number | null
  overdue: boolean
}

function queueEntry(row: DataSubjectRequestRow, today: string): QueueEntry {
  const running = row.status === 'open' && row.dueOn !== null
  const daysLeft = running ? daysBetween(today, row.dueOn!) : null
  return {
    number: row.number,
    kind: row.kind,
    regime: row.regime,
    status: row.status,
    outcome: row.outcome,
    receivedAt: row.receivedAt,
    dueOn: row.dueOn,
    extended: row.extendedAt !== null,
    completedAt: row.completedAt,
    daysLeft,
    overdue: daysLeft !== null && daysLeft < 0,
  }
}

export const COMPLETED_IN_QUEUE = 50

/**
 * The legal team's queue: open requests by due date (the most urgent first,
 * overdue ones flagged against today's Moscow date), then the most recently
 * completed ones, and how many still wait for their address to be confirmed.
 */
export async function listQueue(db: Database, { now = new Date() }: { now?: Date } = {}) {
  const today = moscowDay(now)
  const open = await db
    .select()
    .from(dataSubjectRequests)
    .where(eq(dataSubjectRequests.status, 'open'))
    .orderBy(asc(dataSubjectRequests.dueOn), asc(dataSubjectRequests.number))
  const completed = await db
    .select()
    .from(dataSubjectRequests)
    .where(eq(dataSubjectRequests.status, 'completed'))
    .orderBy(desc(dataSubjectRequests.completedAt), desc(dataSubjectRequests.number))
    .limit(COMPLETED_IN_QUEUE)
  const [waiting] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(dataSubjectRequests)
    .where(and(eq(dataSubjectRequests.status, 'awaiting-confirmation'), gt(dataSubjectRequests.confirmExpiresAt, now)))
  return {
    today,
    open: open.map((row) => queueEntry(row, today)),
    completed: completed.map((row) => queueEntry(row, today)),
    awaitingConfirmation: Number(waiting?.count ?? 0),
  }
}

export type RequestEvent = {
  action: string
  fromStatus: string | null
  toStatus: string
  actorUserId: string | null
  actorEmail: string | null
  note: string | null
  at: Date
}

/** One request with its event log, for the legal team; null when there is no such number. */
export async function getRequest(db: Database, number: number, { now = new Date() }: { now?: Date } = {}) {
  const row = await findByNumber(db, number)
  if (!row) return null
  const today = moscowDay(now)
  const events: RequestEvent[] = await db
    .select({
      action: dataSubjectRequestEvents.action,
      fromStatus: dataSubjectRequestEvents.fromStatus,
      toStatus: dataSubjectRequestEvents.toStatus,
      actorUserId: dataSubjectRequestEvents.actorUserId,
      actorEmail: users.email,
      note: dataSubjectRequestEvents.note,
      at: dataSubjectRequestEvents.at,
    })
    .from(dataSubjectRequestEvents)
    .leftJoin(users, eq(users.id, dataSubjectRequestEvents.actorUserId))
    .where(eq(dataSubjectRequestEvents.requestId, row.id))
    .orderBy(asc(dataSubjectRequestEvents.at), asc(dataSubjectRequestEvents.id))
  // A request from the e-mail address of an account needs no further proof (privacy policy, 10.1).
  const [account] = row.userId
    ? []
    : await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.emailNormalized, row.email), isNull(users.deletedAt)))
  const extendBlocked = extendProblem(row, today)
  const calendar = extendBlocked ? null : await loadWorkingCalendar(db)
  return {
    ...queueEntry(row, today),
    today,
    email: row.email,
    locale: row.locale,
    details: row.details,
    userId: row.userId,
    guestId: row.guestId,
    accountWithEmail: account?.id ?? null,
    createdAt: row.createdAt,
    originalDueOn: row.originalDueOn,
    extendedAt: row.extendedAt,
    extensionReason: row.extensionReason,
    completionNote: row.completionNote,
    /** Why it cannot be extended now, or null when it can (and to when). */
    extendBlocked,
    extensionWouldEndOn: calendar ? extendedDueOn(row.regime, row.kind, row.originalDueOn!, calendar) : null,
    events,
  }
}

export type RequestDetails = NonNullable<Awaited<ReturnType<typeof getRequest>>>

/**
 * Erases the contact details of requests whose address was never confirmed,
 * UNCONFIRMED_KEEP_DAYS after their link expired (a periodic job): they were
 * never received, and the address may not even belong to whoever typed it.
 * The rows and their "created" events stay, as the log is append-only.
 */
export async function forgetUnconfirmedRequests(db: Database, now: Date = new Date()): Promise<number> {
  const cutoff = retentionCutoff('unconfirmedRequests', now)
  const forgotten = await db
    .update(dataSubjectRequests)
    .set({ email: '', details: '', guestId: null, ip: null, userAgent: null, confirmTokenHash: null })
    .where(
      and(
        eq(dataSubjectRequests.status, 'awaiting-confirmation'),
        lt(dataSubjectRequests.confirmExpiresAt, cutoff),
        sql`${dataSubjectRequests.email} <> ''`,
      ),
    )
    .returning({ number: dataSubjectRequests.number })
  return forgotten.length
}

/**
 * The guests a request is still being answered about (awaiting confirmation
 * or open), as a subquery. Their data is kept until the request is completed:
 * a copy or an answer must describe the data as it was asked about. An
 * unconfirmed request lets go of its guest once forgetUnconfirmedRequests
 * has run, so the wait is bounded.
 */
export function guestsWithPendingRequests(db: Database) {
  return db
    .select({ guestId: dataSubjectRequests.guestId })
    .from(dataSubjectRequests)
    .where(and(isNotNull(dataSubjectRequests.guestId), ne(dataSubjectRequests.status, 'completed')))
}

/**
 * Unlinks completed requests from guests being deleted, in the caller's
 * transaction. The request, its reply address and its event log stay (the
 * team's record of how it was handled); the guest's id goes with the guest.
 */
export async function unlinkGuestRequests(tx: Database, guestIds: readonly string[]): Promise<number> {
  if (guestIds.length === 0) return 0
  const unlinked = await tx
    .update(dataSubjectRequests)
    .set({ guestId: null })
    .where(inArray(dataSubjectRequests.guestId, [...guestIds]))
    .returning({ number: dataSubjectRequests.number })
  return unlinked.length
}
