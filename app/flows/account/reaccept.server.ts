import { randomUUID } from 'node:crypto'
import { redirect } from '@remix-run/node'
import { getSessionUser, type SessionContext, getGuest, readGuestId } from '~/identity/index.server'
import {
  type CurrentVersion,
  latestAcceptedVersions,
  recordFormAcceptance,
  type PersonSubject,
  encodeShownVersions,
  parseShownVersions,
  type ShownVersion,
  ASKED_KINDS,
  acceptanceStatus,
  type AcceptanceStatus,
  checkSubmittedAcceptance,
} from '~/acceptances/index.server'
import { getDb, type Database } from '~/platform/db/client.server'
import { isLocale, LOCALES, type Locale } from '~/platform/i18n/locales'
import { getVersionList } from '~/legal/index.server'
import type { DocumentKind } from '~/platform/document-kinds'
import { plainCookieHeader, readCookie } from '~/platform/cookies.server'
import { type FormFailure } from '~/platform/form'
import { safeRedirect } from '~/platform/security/safe-redirect'
import { logger } from '~/platform/log.server'
import { GUEST_KINDS } from './guest-start.server'

/**
 * Asking again (status.server.ts has the rules). A signed-in person or a
 * guest with a material version pending is sent to the interstitial
 * (/:lang/account/accept) before any protected action; accepting records
 * `reaccept` rows, declining records nothing. Newer non-material versions
 * only earn a dismissible notice in the site layout.
 */

/** Who is asked: an account, or a guest (asked again for what a guest accepts when starting: GUEST_KINDS). */
type Person = { viewer: 'user' | 'guest'; subject: PersonSubject; kinds: readonly DocumentKind[] }

function userPerson(userId: string): Person {
  return { viewer: 'user', subject: { userId }, kinds: ASKED_KINDS }
}

function guestPerson(guestId: string): Person {
  // Guests give the consent when they start, so a material new consent
  // version is asked for again like one of the terms. A guest that started
  // before guests were asked for the consent has none in the ledger: it is
  // pending, and the interstitial asks for it before the next generation.
  return { viewer: 'guest', subject: { guestId }, kinds: GUEST_KINDS }
}

/** The person a request speaks for; a signed-in account wins over a guest cookie on the same browser. */
async function personOf(request: Request, db: Database): Promise<Person | null> {
  const session = await getSessionUser(request, db)
  if (session) return userPerson(session.user.id)
  // A row, not just a valid signature: acceptances are recorded against it.
  const guest = await getGuest(db, request)
  return guest ? guestPerson(guest.id) : null
}

type PersonStatus = AcceptanceStatus & {
  /** The highest version of a kind they have given (and not withdrawn) in this locale. */
  acceptedHere(kind: DocumentKind): number | null
}

async function statusOf(db: Database, person: Person, locale: Locale): Promise<PersonStatus> {
  const [status, accepted] = await Promise.all([
    acceptanceStatus(db, person.subject, locale, { kinds: person.kinds }),
    latestAcceptedVersions(db, person.subject),
  ])
  return {
    ...status,
    acceptedHere(kind) {
      let highest: number | null = null
      for (const a of accepted) {
        if (a.kind === kind && a.locale === locale && a.scope === null && (highest === null || a.version > highest)) {
          highest = a.version
        }
      }
      return highest
    },
  }
}

/** The version they accepted, when it is older than the one in force: where a comparison starts. */
function earlierAccepted(status: PersonStatus, current: CurrentVersion): number | null {
  const accepted = status.acceptedHere(current.kind)
  return accepted !== null && accepted < current.version ? accepted : null
}

// ---------------------------------------------------------------------------
// Where to go

/** The interstitial, coming back to `redirectTo` afterwards. */
export function acceptPagePath(locale: Locale, redirectTo: string): string {
  return `/${locale}/account/accept?${new URLSearchParams({ redirectTo })}`
}

/**
 * A same-site path under this language to continue to, or the home page.
 * Never the interstitial itself: with nothing left to accept it would
 * redirect to itself for ever.
 */
export function continuePath(target: string | null | undefined, locale: Locale): string {
  const home = `/${locale}`
  const safe = safeRedirect(target, home, { under: home })
  const path = safe.split(/[?#]/, 1)[0]!
  const accept = `${home}/account/accept`
  if (path === accept || path.startsWith(`${accept}/`)) return home
  return safe
}

// Remix's own parameters: `index` picks an index route's action, `_routes` and `_data` are data requests.
const INTERNAL_PARAMS = ['index', '_routes', '_data']

function pathOf(url: URL, locale: Locale): string {
  const search = new URLSearchParams(url.search)
  for (const name of INTERNAL_PARAMS) search.delete(name)
  const query = search.toString()
  return continuePath(`${url.pathname}${query ? `?${query}` : ''}`, locale)
}

/**
 * Where a person held up by the guard should end up once they have accepted:
 * the page they asked for, or for a form submission the page the form was on
 * (its Referer; a POST URL is not a page to come back to), else the URL it
 * was posted to.
 */
export function returnPathFor(request: Request, locale: Locale): string {
  const url = new URL(request.url)
  if (request.method === 'GET' || request.method === 'HEAD') return pathOf(url, locale)
  const referer = request.headers.get('Referer')
  if (referer) {
    try {
      const from = new URL(referer)
      if (from.host === url.host) return pathOf(from, locale)
    } catch {
      // A malformed Referer: fall back to the request's own URL.
    }
  }
  return pathOf(url, locale)
}

// ---------------------------------------------------------------------------
// The guard

/**
 * For protected actions (generating, paying, changing the account): when the
 * signed-in person or guest has a material version pending, throws a
 * redirect to the interstitial, which brings them back afterwards. Anonymous
 * requests pass: the action's own sign-in check deals with them. Never use it
 * on reading pages, sign-out, data export, deletion or withdrawal: those stay
 * open to someone who declines.
 */
export async function requireCurrentVersionsAccepted(request: Request, locale: Locale): Promise<void> {
  const db = await getDb()
  const person = await personOf(request, db)
  if (!person) return
  const { pending } = await acceptanceStatus(db, person.subject, locale, { kinds: person.kinds })
  if (pending.length === 0) return
  logger.info(
    { event: 'consent.reaccept.required', viewer: person.viewer, pending: encodeShownVersions(pending), locale },
    'protected action held until new versions are accepted',
  )
  throw redirect(acceptPagePath(locale, returnPathFor(request, locale)))
}

/** A newer non-material version in force that the person has not accepted and not dismissed. */
export type VersionNoticeItem = {
  kind: DocumentKind
  version: number
  title: string
  changeSummary: string | null
  effectiveFrom: string
  /** The version of this kind they accepted in this language, when lower: the comparison starts there. */
  acceptedVersion: number | null
}

export type VersionNoticeData = {
  items: VersionNoticeItem[]
  /** The versions the dismiss button marks as seen (shown-versions encoding). */
  dismiss: string
}

// ---------------------------------------------------------------------------
// The interstitial

/** A version the person has to accept, with what they need to judge it. */
export type PendingDocument = {
  kind: DocumentKind
  version: number
  title: string
  effectiveFrom: string
  /** Their earlier version in this language, if any: the comparison link starts there. */
  acceptedVersion: number | null
  /** Change summaries since the version they accepted (or of the version in force alone), oldest first. */
  changes: Array<{ version: number; summary: string }>
}

export type ReacceptPage =
  | { state: 'nothing-to-accept' }
  | { state: 'pending'; viewer: 'user' | 'guest'; documents: PendingDocument[]; shownVersions: string }

/** What the interstitial shows the request's person now. */
export async function reacceptPage(request: Request, locale: Locale): Promise<ReacceptPage> {
  const db = await getDb()
  const person = await personOf(request, db)
  if (!person) return { state: 'nothing-to-accept' }
  const status = await statusOf(db, person, locale)
  if (status.pending.length === 0) return { state: 'nothing-to-accept' }
  const documents = await Promise.all(
    status.pending.map(async (current): Promise<PendingDocument> => {
      const acceptedVersion = earlierAccepted(status, current)
      return {
        kind: current.kind,
        version: current.version,
        title: current.title,
        effectiveFrom: current.effectiveFrom,
        acceptedVersion,
        changes: await changesSince(current, acceptedVersion ?? current.version - 1),
      }
    }),
  )
  return {
    state: 'pending',
    viewer: person.viewer,
    documents,
    // Exactly the versions this page shows: the action records nothing if they are no longer the ones in force.
    shownVersions: encodeShownVersions(status.pending),
  }
}

// A material change may sit in a version between the accepted one and the
// one in force (material v2, then non-material v3): every summary on the way counts.
async function changesSince(current: CurrentVersion, after: number) {
  const { versions } = await getVersionList(current.kind, current.locale)
  return versions
    .filter((v) => v.version > after && v.version <= current.version && v.changeSummary)
    .sort((a, b) => a.version - b.version)
    .map((v) => ({ version: v.version, summary: v.changeSummary! }))
}

export type ReacceptOutcome = { ok: true; recorded: number } | { ok: false; status: 400 | 409; failure: FormFailure }

/**
 * Accepts what the interstitial showed: one `reaccept` row per pending
 * document, in one transaction, all under one fresh action id. If the
 * versions in force are no longer the ones shown, nothing is recorded and
 * the caller shows the page again with the new text (409).
 */
export async function acceptPendingVersions(
  request: Request,
  form: FormData,
  locale: Locale,
  evidence: { ip: string | null; userAgent: string | null },
): Promise<ReacceptOutcome> {
  const db = await getDb()
  const person = await personOf(request, db)
  if (!person) return { ok: true, recorded: 0 }
  const { pending } = await acceptanceStatus(db, person.subject, locale, { kinds: person.kinds })
  // Accepted meanwhile (another tab): nothing left to do.
  if (pending.length === 0) return { ok: true, recorded: 0 }

  const kinds = pending.map((d) => d.kind)
  const check = await checkSubmittedAcceptance(form, kinds, locale)
  if (!check.ok) {
    if (check.status === 409) {
      logger.info(
        { event: 'consent.reaccept.changed', viewer: person.viewer, locale },
        'versions changed while the interstitial was open; nothing recorded',
      )
    }
    return { ok: false, status: check.status, failure: check.failure }
  }

  const actionId = randomUUID()
  const rows = await db.transaction((tx) =>
    recordFormAcceptance(tx, {
      subject: person.subject,
      event: 'reaccept',
      documents: check.documents,
      locale,
      evidence,
      action: { type: 'reaccept', id: actionId },
    }),
  )
  logger.info(
    {
      event: 'consent.reaccepted',
      viewer: person.viewer,
      actionId,
      versions: encodeShownVersions(check.documents),
      locale,
    },
    'new versions accepted',
  )
  return { ok: true, recorded: rows.length }
}

// ---------------------------------------------------------------------------
// Notices of non-material versions

/**
 * Versions whose notice was dismissed, per language (version numbers are per
 * language). Only the highest version per kind matters: a later version
 * brings the notice back.
 */
export type SeenVersions = Partial<Record<Locale, ShownVersion[]>>

export const SEEN_VERSIONS_COOKIE = 'palitra_seen_versions'
const SEEN_MAX_LENGTH = 500

/** The dismissed versions a request carries; anything malformed counts as nothing seen. */
export function readSeenVersions(request: Request): SeenVersions {
  const raw = readCookie(request, SEEN_VERSIONS_COOKIE)
  if (!raw || raw.length > SEEN_MAX_LENGTH) return {}
  let value: string
  try {
    value = decodeURIComponent(raw)
  } catch {
    return {}
  }
  const seen: SeenVersions = {}
  for (const part of value.split('|')) {
    const sep = part.indexOf('=')
    const locale = part.slice(0, sep)
    const list = sep > 0 ? parseShownVersions(part.slice(sep + 1)) : null
    if (isLocale(locale) && list) seen[locale] = list
  }
  return seen
}

/** `seen` with `versions` added for one language, keeping the higher version of each kind. */
export function withSeenVersions(seen: SeenVersions, locale: Locale, versions: readonly ShownVersion[]): SeenVersions {
  const byKind = new Map((seen[locale] ?? []).map((v) => [v.kind, v.version]))
  for (const v of versions) byKind.set(v.kind, Math.max(byKind.get(v.kind) ?? 0, v.version))
  return { ...seen, [locale]: [...byKind].map(([kind, version]) => ({ kind, version })) }
}

/** The Set-Cookie that remembers dismissed notices (a year: a notice is news once). */
export function serializeSeenVersions(seen: SeenVersions): string {
  const value = LOCALES.flatMap((locale) => {
    const list = seen[locale]
    return list?.length ? [`${locale}=${encodeShownVersions(list)}`] : []
  }).join('|')
  // Commas are not allowed in a cookie value; the encoding also hides '|' and '='.
  return plainCookieHeader(SEEN_VERSIONS_COOKIE, encodeURIComponent(value))
}

/**
 * Marks the submitted versions as noticed. The value is the person's own
 * preference about their own screen, so it is not checked against what is in
 * force; only its format is. Returns null for a malformed submission.
 */
export function dismissVersionNotice(request: Request, form: FormData, locale: Locale): string | null {
  const versions = parseShownVersions(form.get('versions'))
  if (!versions) return null
  return serializeSeenVersions(withSeenVersions(readSeenVersions(request), locale, versions))
}

function isSeen(seen: readonly ShownVersion[] | undefined, current: CurrentVersion): boolean {
  return (seen ?? []).some((v) => v.kind === current.kind && v.version >= current.version)
}

/**
 * The notices the layout shows: newer non-material versions the viewer has
 * not accepted and not dismissed. The "once" is a dismiss form, not the
 * first render: a policy page answered 304 from the browser's copy (its ETag
 * knows nothing of notices), a prefetch or a tab closed while loading would
 * otherwise mark a notice as seen that nobody saw. Anonymous visitors cost
 * nothing: without a session or guest cookie there is no database work.
 */
export async function versionNoticesFor(
  request: Request,
  locale: Locale,
  session: SessionContext | null,
): Promise<VersionNoticeData | null> {
  const guestId = session ? null : await readGuestId(request)
  if (!session && !guestId) return null
  const person = session ? userPerson(session.user.id) : guestPerson(guestId!)
  let status: PersonStatus
  try {
    status = await statusOf(await getDb(), person, locale)
  } catch (error) {
    // A notice is never worth failing every page for.
    logger.warn({ event: 'consent.notice.failed', err: error }, 'version notices unavailable')
    return null
  }
  const seen = readSeenVersions(request)[locale]
  const unseen = status.notices.filter((current) => !isSeen(seen, current))
  if (unseen.length === 0) return null
  return {
    items: unseen.map((current) => ({
      kind: current.kind,
      version: current.version,
      title: current.title,
      changeSummary: current.changeSummary,
      effectiveFrom: current.effectiveFrom,
      acceptedVersion: earlierAccepted(status, current),
    })),
    dismiss: encodeShownVersions(unseen),
  }
}
