import { and, asc, desc, eq, inArray, isNull, or } from 'drizzle-orm'
import { listSessions } from '~/identity/index.server'
import { acceptanceHistory, type LedgerSubject } from '~/acceptances/index.server'
import type { Database } from '~/platform/db/client.server'
import { balanceOf, creditHistory } from '~/credits/index.server'
import { acceptances as acceptanceRows, cookieConsents as cookieConsentRows } from '~/acceptances/schema'
import { generationImages, generationJobs } from '~/generation/schema'
import { guests, oauthAccounts, users } from '~/identity/schema'
import { orders } from '~/payments/schema'
import { listRefusalsForExport } from '~/generation/index.server'
import { logger } from '~/platform/log.server'
import { listNotificationsForExport } from '~/payments/index.server'
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
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
  if (!row) throw new AccountGoneError()
  const providers = await db
    .select()
    .from(oauthAccounts)
    .where(eq(oauthAccounts.userId, userId))
    .orderBy(asc(oauthAccounts.createdAt))
  return {
    userId: row.id,
    email: row.email,
    emailVerifiedAt: row.emailVerifiedAt?.toISOString() ?? null,
    displayName: row.displayName,
    locale: row.locale,
    createdAt: row.createdAt.toISOString(),
    // Whether one is set, never the hash: the hash is a secret of the service, not data about the person.
    hasPassword: row.passwordHash !== null,
    signInProviders: providers.map((p) => ({
      provider: p.provider,
      providerUserId: p.providerUserId,
      linkedAt: p.createdAt.toISOString(),
    })),
  }
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

const guestSessions = section('guestSessions', async ({ db, userId }) =>
  (await db.select().from(guests).where(eq(guests.linkedUserId, userId)).orderBy(asc(guests.createdAt))).map((g) => ({
    guestId: g.id,
    startedAt: g.createdAt.toISOString(),
    lastSeenAt: g.lastSeenAt.toISOString(),
    linkedAt: g.linkedAt?.toISOString() ?? null,
  })),
)

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
const generations = section('generations', async ({ db, userId }) => {
  const owner = `user:${userId}` as const
  const jobs = await db
    .select()
    .from(generationJobs)
    .where(eq(generationJobs.owner, owner))
    .orderBy(desc(generationJobs.createdAt))
  const images = jobs.length
    ? await db
        .select()
        .from(generationImages)
        .where(
          inArray(
            generationImages.jobId,
            jobs.map((j) => j.id),
          ),
        )
        .orderBy(asc(generationImages.index))
    : []
  return jobs.map((job) => ({
    id: job.id,
    prompt: job.prompt,
    style: job.style,
    aspectRatio: job.aspectRatio,
    imageCount: job.count,
    seed: job.seed,
    engine: job.engine,
    engineKind: job.engineKind,
    status: job.status,
    costCredits: job.cost,
    refundedCredits: job.refundedCredits,
    failureCode: job.failureCode,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    photoPath: job.sourceImageKey ? `/media/uploads/${job.id}` : null,
    images: images
      .filter((image) => image.jobId === job.id)
      .map((image) => ({
        index: image.index,
        path: `/media/generations/${job.id}/${image.index}`,
        mimeType: image.mimeType,
        width: image.width,
        height: image.height,
        bytes: image.bytes,
      })),
  }))
})

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
const payments = section('payments', async ({ db, userId }) => {
  const rows = await db.select().from(orders).where(eq(orders.userId, userId)).orderBy(desc(orders.createdAt))
  const notifications = await listNotificationsForExport(
    db,
    rows.map((o) => o.id),
  )
  return rows.map((o) => ({
    orderId: o.id,
    pack: o.packName,
    credits: o.credits,
    amountKopecks: o.amountKopecks,
    currency: 'RUB',
    status: o.status,
    provider: o.provider,
    paymentId: o.paymentId,
    receiptEmail: o.receiptEmail,
    refundedKopecks: o.refundedKopecks,
    refundedCredits: o.refundedCredits,
    createdAt: o.createdAt.toISOString(),
    paidAt: o.paidAt?.toISOString() ?? null,
    bankNotifications: notifications.filter((n) => n.orderId === o.id).map(({ orderId: _orderId, ...n }) => n),
  }))
})

// Data-subject requests the person sent, with their history.
const privacyRequests = section('privacyRequests', async ({ db, userId }) => listRequestsForExport(db, userId))

type CategoryChoice = { state: 'given' | 'withdrawn'; policyVersion: number; locale: string; decidedAt: string } | null

// The anonymous cookie-consent ids (the palitra_consent cookie) linked to the
// account or to its guest sessions, each with the choice it holds now: the
// latest ledger row per category. The rows themselves are in `acceptances`.
const cookieConsents = section('cookieConsents', async ({ db, userId }) => {
  const linkedGuests = db.select({ id: guests.id }).from(guests).where(eq(guests.linkedUserId, userId))
  const ids = await db
    .select()
    .from(cookieConsentRows)
    .where(or(eq(cookieConsentRows.userId, userId), inArray(cookieConsentRows.guestId, linkedGuests)))
    .orderBy(asc(cookieConsentRows.createdAt), asc(cookieConsentRows.id))
  const rows = ids.length
    ? await db
        .select({
          consentId: acceptanceRows.consentId,
          scope: acceptanceRows.scope,
          state: acceptanceRows.state,
          version: acceptanceRows.version,
          locale: acceptanceRows.locale,
          recordedAt: acceptanceRows.recordedAt,
        })
        .from(acceptanceRows)
        .where(
          inArray(
            acceptanceRows.consentId,
            ids.map((c) => c.id),
          ),
        )
        // Newest first; at the same instant a withdrawal counts as the later row.
        .orderBy(desc(acceptanceRows.recordedAt), desc(acceptanceRows.state))
    : []
  return ids.map((c) => {
    const latest = (scope: string): CategoryChoice => {
      const row = rows.find((r) => r.consentId === c.id && r.scope === scope)
      return row
        ? { state: row.state, policyVersion: row.version, locale: row.locale, decidedAt: row.recordedAt.toISOString() }
        : null
    }
    return {
      consentId: c.id,
      linkedTo: c.userId ? { type: 'account' as const, id: c.userId } : { type: 'guest' as const, id: c.guestId },
      firstChoiceAt: c.createdAt.toISOString(),
      lastChoiceAt: c.lastChoiceAt.toISOString(),
      currentChoice: { preferences: latest('preferences'), analytics: latest('analytics') },
    }
  })
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
