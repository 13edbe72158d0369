import { listGuestSessionsForExport, listSessions, profileForExport } from '~/identity/index.server'
import { acceptanceHistory, listCookieConsentsForExport, type LedgerSubject } from '~/acceptances/index.server'
import type { Database } from '~/platform/db/client.server'
import { balanceOf, creditHistory } from '~/credits/index.server'
import { listGenerationsForExport, listRefusalsForExport } from '~/generation/index.server'
import { logger } from '~/platform/log.server'
import { listOrdersForExport } from '~/payments/index.server'
import { listRequestsForExport } from '~/privacy-requests/index.server'

/**
 * The person's own data as one machine-readable JSON document (right to
 * portability; 152-FZ art. 14 access). Format described in
 * docs/data-export.md: bump EXPORT_FORMAT_VERSION when a field changes
 * meaning or disappears; adding a section or a field does not need a bump.
 */

export const EXPORT_FORMAT = 'palitra-personal-data-export'
export const EXPORT_FORMAT_VERSION = 1

/** The account was deleted between the page's check and the export. */
export class AccountGoneError extends Error {
  constructor() {
    super('data export: no live account')
    this.name = 'AccountGoneError'
  }
}

export type ExportContext = {
  /** A read-only snapshot: every section sees the same moment. */
  db: Database
  userId: string
  /** The session that asked, marked `current` in the sessions section. */
  currentSessionId: string | null
}

/** One top-level key of the export and how to fill it. */
export type ExportSection<K extends string, V> = { key: K; collect(context: ExportContext): Promise<V> }

function section<K extends string, V>(key: K, collect: (context: ExportContext) => Promise<V>): ExportSection<K, V> {
  return { key, collect }
}

const profile = section('profile', async ({ db, userId }) => {
  const found = await profileForExport(db, userId)
  if (!found) throw new AccountGoneError()
  return found
})

const sessions = section('sessions', async ({ db, userId, currentSessionId }) =>
  (await listSessions(db, userId, currentSessionId ?? undefined)).map((s) => ({
    startedAt: s.createdAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
    current: s.current,
  })),
)

const guestSessions = section('guestSessions', async ({ db, userId }) => listGuestSessionsForExport(db, userId))

function recordedUnder(subject: LedgerSubject) {
  if ('userId' in subject) return { type: 'account' as const, id: subject.userId }
  if ('guestId' in subject) return { type: 'guest' as const, id: subject.guestId }
  return { type: 'cookie-consent' as const, id: subject.consentId }
}

// The ledger already includes rows recorded under guests linked to the account
// and under the cookie-consent ids linked to either.
const acceptances = section('acceptances', async ({ db, userId }) =>
  (await acceptanceHistory(db, { userId })).map((r) => ({
    id: r.id,
    documentKind: r.kind,
    documentTitle: r.title,
    version: r.version,
    locale: r.locale,
    contentSha256: r.contentSha256,
    documentPath: `/${r.locale}/${r.kind}/v/${r.version}`,
    event: r.event,
    state: r.state,
    scope: r.scope,
    wording: r.wording,
    acceptedAt: r.recordedAt,
    ip: r.ip,
    userAgent: r.userAgent,
    action: { type: r.actionType, id: r.actionId },
    recordedUnder: recordedUnder(r.recordedUnder),
  })),
)

// Generations with their settings and links to the files; the links work for
// the signed-in owner only (the same check as on the site).
const generations = section('generations', async ({ db, userId }) => listGenerationsForExport(db, userId))

// Every credit movement of the account, including what came over from its guest sessions.
const credits = section('credits', async ({ db, userId }) => {
  const owner = `user:${userId}` as const
  return {
    balance: await balanceOf(db, owner),
    movements: (await creditHistory(db, owner)).map((m) => ({
      delta: m.delta,
      reason: m.reason,
      cause: { type: m.referenceType, id: m.referenceId },
      balanceAfter: m.balanceAfter,
      at: m.createdAt,
    })),
  }
})

// Prompts the moderation rules refused, while they are kept (90 days).
const refusedPrompts = section('refusedPrompts', async ({ db, userId }) => listRefusalsForExport(db, userId))

// Orders with what was bought, paid and refunded (receipt details included),
// and the bank's notifications about each as they are stored (no card details).
const payments = section('payments', async ({ db, userId }) => listOrdersForExport(db, userId))

// Data-subject requests the person sent, with their history.
const privacyRequests = section('privacyRequests', async ({ db, userId }) => listRequestsForExport(db, userId))

// The anonymous cookie-consent ids (the palitra_consent cookie) linked to the
// account or to its guest sessions, each with the choice it holds now: the
// latest ledger row per category. The rows themselves are in `acceptances`.
const cookieConsents = section('cookieConsents', async ({ db, userId }) => {
  const linkedGuests = await listGuestSessionsForExport(db, userId)
  return listCookieConsentsForExport(
    db,
    userId,
    linkedGuests.map((g) => g.guestId),
  )
})

/**
 * The sections of the export, in file order. Later issues add theirs here,
 * each a `section(key, collect)` reading through its own module, and
 * describe it in docs/data-export.md.
 */
export const EXPORT_SECTIONS = [
  profile,
  sessions,
  guestSessions,
  acceptances,
  cookieConsents,
  generations,
  refusedPrompts,
  credits,
  payments,
  privacyRequests,
] as const

/** The top-level sections of the file, in order: the export page describes exactly these (account-data `export.<key>`). */
export const EXPORT_SECTION_KEYS = EXPORT_SECTIONS.map((s) => s.key)

type Sections = typeof EXPORT_SECTIONS
export type PersonalDataExport = {
  format: typeof EXPORT_FORMAT
  formatVersion: typeof EXPORT_FORMAT_VERSION
  /** ISO 8601 UTC. */
  generatedAt: string
} & { [S in Sections[number] as S['key']]: Awaited<ReturnType<S['collect']>> }

/**
 * Collects every section in one read-only, repeatable-read transaction, so
 * a session starting or an acceptance recorded meanwhile cannot make the
 * sections disagree. Throws AccountGoneError for a deleted account.
 */
export async function buildPersonalDataExport(
  db: Database,
  input: { userId: string; currentSessionId?: string | null; now?: Date },
): Promise<PersonalDataExport> {
  const generatedAt = (input.now ?? new Date()).toISOString()
  const collected = await db.transaction(
    async (tx) => {
      const context: ExportContext = { db: tx, userId: input.userId, currentSessionId: input.currentSessionId ?? null }
      const entries: Array<[string, unknown]> = []
      // One connection per transaction: sections run one after another.
      for (const s of EXPORT_SECTIONS) entries.push([s.key, await s.collect(context)])
      return Object.fromEntries(entries)
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  )
  logger.info({ event: 'account.exported', userId: input.userId }, 'personal data exported')
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    generatedAt,
    ...collected,
  } as PersonalDataExport
}

/** `palitra-export-YYYY-MM-DD.json`, dated in UTC like every time in the file. */
export function exportFileName(generatedAt: string): string {
  return `palitra-export-${generatedAt.slice(0, 10)}.json`
}

/** The download: JSON the person can keep, never cached anywhere on the way. */
export function exportResponse(document: PersonalDataExport, extraHeaders?: HeadersInit): Response {
  const headers = new Headers(extraHeaders)
  headers.set('Content-Type', 'application/json; charset=utf-8')
  headers.set('Content-Disposition', `attachment; filename="${exportFileName(document.generatedAt)}"`)
  headers.set('Cache-Control', 'no-store')
  // Indented: people open this file in a text editor as often as in a program.
  return new Response(JSON.stringify(document, null, 2) + '\n', { status: 200, headers })
}
