/**
 * A person's data-subject requests as other parts of the site need them:
 * the data export of an account, and the guests that requests are about
 * (kept while a request is pending, unlinked when they are deleted).
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, ne, or } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { dataSubjectRequestEvents, dataSubjectRequests } from './schema'
import { guestIdsLinkedTo, normalizedEmailOf } from '~/identity/index.server'

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
  const email = await normalizedEmailOf(db, userId)
  const linkedGuests = guestIdsLinkedTo(db, userId)
  const own = [eq(dataSubjectRequests.userId, userId), inArray(dataSubjectRequests.guestId, linkedGuests)]
  if (email) {
    own.push(
      and(
        isNull(dataSubjectRequests.userId),
        ne(dataSubjectRequests.status, 'awaiting-confirmation'),
        eq(dataSubjectRequests.email, email),
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

/**
 * The guests a request is still being answered about (awaiting confirmation
 * or open). Their data is kept until the request is completed: a copy or an
 * answer must describe the data as it was asked about. An unconfirmed
 * request lets go of its guest once forgetUnconfirmedRequests has run, so
 * the wait is bounded, and so is this list.
 */
export async function guestsWithPendingRequests(db: Database): Promise<string[]> {
  const rows = await db
    .selectDistinct({ guestId: dataSubjectRequests.guestId })
    .from(dataSubjectRequests)
    .where(and(isNotNull(dataSubjectRequests.guestId), ne(dataSubjectRequests.status, 'completed')))
  return rows.flatMap((row) => (row.guestId ? [row.guestId] : []))
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
