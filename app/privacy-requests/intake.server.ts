/**
 * Filing a data-subject request (access, correction, deletion, portability,
 * objection, withdrawal of consent) and confirming its address.
 *
 * A signed-in person with an e-mail address on the account is identified by
 * the session: the request is received at once. Anyone else gives an address
 * and confirms it through a single-use link; the request is received when
 * they do. The deadline runs from receipt (working-days.ts). Every status
 * change is one transaction with its row in the append-only event log, and
 * mails go out after the commit (records.server.ts).
 */
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { dataSubjectRequests, type RequestKind, type RequestRegime, type RequestStatus } from './schema'
import { guestExists } from '~/identity/index.server'
import type { Locale } from '~/platform/i18n/locales'
import { retentionCutoff, retentionDays } from '~/platform/processing-register'
import { sendMail } from '~/platform/mail/mailer.server'
import { deliver, logStatus, recordEvent, warnAboutGaps, type ActionOptions } from './records.server'
import { loadWorkingCalendar, moscowDay, replyDueOn } from './working-days'

export const CONFIRM_TOKEN_TTL_HOURS = 24
/** Unconfirmed requests keep their contact details this long after the link expired, then lose them. */
export const UNCONFIRMED_KEEP_DAYS = retentionDays('unconfirmedRequests')
export const DETAILS_MAX_LENGTH = 4000

// 32 random bytes in base64url.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

function tokenHash(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

/** The due date of a request of this law and kind received at `now` (periods: deadlines.ts). */
async function dueOnReceipt(db: Database, regime: RequestRegime, kind: RequestKind, now: Date): Promise<string> {
  const calendar = await loadWorkingCalendar(db)
  const receivedOn = moscowDay(now)
  const dueOn = replyDueOn(regime, kind, receivedOn, calendar)
  warnAboutGaps(calendar, receivedOn, dueOn)
  return dueOn
}

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
    const guestId = input.guestId && (await guestExists(tx, input.guestId)) ? input.guestId : null
    const [inserted] = await tx
      .insert(dataSubjectRequests)
      .values({
        kind: input.kind,
        regime: input.regime,
        status: received ? 'open' : 'awaiting-confirmation',
        locale: input.locale,
        email: input.email.address,
        userId: input.userId,
        guestId,
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
