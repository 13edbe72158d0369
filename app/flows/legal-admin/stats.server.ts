import {
  NoVersionInForceError,
  emptyEventCounts,
  statsByVersion,
  type EventCounts,
  resolveVersionInForce,
  type NoVersionInForceReason,
  type VersionInForce,
  type VersionLookupOptions,
  ASKED_KINDS,
  accountStandingGroups,
  type StandingGroup,
} from '~/acceptances/index.server'
import { guestLinksRelation, liveAccountsRelation } from '~/identity/index.server'
import type { Database } from '~/platform/db/client.server'
import { allArchivedVersions } from '~/legal/index.server'
import { LOCALES, type Locale } from '~/platform/i18n/locales'
import { DOCUMENT_KINDS, type DocumentKind } from '~/platform/document-kinds'

/**
 * Numbers for the legal team's view: how often each archived version was
 * accepted (by event and state), and where the active accounts stand with
 * the versions in force. Both are computed in the database with GROUP BY,
 * so the page costs the same few queries however large the ledger grows.
 */

// ---------------------------------------------------------------------------
// Acceptances per archived version

export type VersionStats = {
  /** The archive row (legal_document_versions.id); the CSV export is keyed by it. */
  id: string
  kind: DocumentKind
  locale: Locale
  version: number
  title: string
  /** ISO 8601 UTC. */
  effectiveFrom: string
  material: boolean
  sha256: string
  byEvent: EventCounts
  given: number
  withdrawn: number
  /** Cookie categories refused from the start ("only essential"): not withdrawals. */
  declined: number
}

/** Every archived version with its ledger rows counted by event and state: kind, then locale, newest version first. */
export async function versionStats(db: Database): Promise<VersionStats[]> {
  // Two reads, one per owner: the (small) archive, and the ledger counted per version in the database.
  const versions = await allArchivedVersions(db)
  const byVersion = await statsByVersion(db)
  const kindOrder = (kind: DocumentKind) => DOCUMENT_KINDS.indexOf(kind)
  return versions
    .map((v) => {
      const byEvent = byVersion.get(v.id) ?? emptyEventCounts()
      const totals = Object.values(byEvent)
      return {
        ...v,
        byEvent,
        given: totals.reduce((sum, c) => sum + c.given, 0),
        withdrawn: totals.reduce((sum, c) => sum + c.withdrawn, 0),
        declined: totals.reduce((sum, c) => sum + c.declined, 0),
      }
    })
    .sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || a.locale.localeCompare(b.locale) || b.version - a.version)
}

// ---------------------------------------------------------------------------
// Versions in force

export type InForce = { state: 'ok'; version: VersionInForce } | { state: 'none'; reason: NoVersionInForceReason }

export const inForceKey = (kind: DocumentKind, locale: Locale) => `${kind}:${locale}`

/**
 * The version in force of every kind in every locale, decided exactly as the
 * public pages and the acceptance forms decide it (resolveVersionInForce),
 * with the last material version the asking-again rule needs.
 */
export async function versionsInForce(opts: VersionLookupOptions = {}): Promise<Map<string, InForce>> {
  const pairs = DOCUMENT_KINDS.flatMap((kind) => LOCALES.map((locale) => [kind, locale] as const))
  const resolved = await Promise.all(
    pairs.map(async ([kind, locale]): Promise<[string, InForce]> => {
      try {
        return [inForceKey(kind, locale), { state: 'ok', version: await resolveVersionInForce(kind, locale, opts) }]
      } catch (error) {
        if (error instanceof NoVersionInForceError)
          return [inForceKey(kind, locale), { state: 'none', reason: error.reason }]
        throw error
      }
    }),
  )
  return new Map(resolved)
}

// ---------------------------------------------------------------------------
// Where active accounts stand with the version in force

/**
 * How one active account stands with the version of a kind in force in the
 * account's language (users.locale, the language it registered in), by the
 * rule that decides whether the site asks again (~/consent/status.server.ts):
 *
 * - accepted: has given the version in force (or a later one) and not withdrawn it;
 * - notice: has given an older version, and every version since is non-material:
 *   not asked again, only told;
 * - asked-changed: has given an older version and a material version came after
 *   it: asked to accept the version in force before carrying on;
 * - asked-none: has no acceptance of the kind in force in any language (never
 *   accepted, or withdrew): asked to accept;
 * - other-language: has accepted only in the other language, and that text had
 *   no material change since: bound by it, not asked.
 *
 * Everything but `accepted` counts as "not yet accepted the version in force";
 * the two `asked-*` standings are the ones the site blocks on.
 */
export const STANDINGS = ['accepted', 'notice', 'asked-changed', 'asked-none', 'other-language'] as const
export type Standing = (typeof STANDINGS)[number]

export type StandingCounts = Record<Standing, number> & {
  /** Active accounts with this account language. */
  accounts: number
  /** Everything but `accepted`. */
  notYetAccepted: number
  /** asked-changed + asked-none: the accounts the site will ask to accept before they carry on. */
  asked: number
}

/** The asking-again rule of the acceptances domain (status.server.ts, judge), applied to one group; null when nothing is in force. */
export function standingOf(group: StandingGroup, inForce: Map<string, InForce>): Standing | null {
  const here = inForce.get(inForceKey(group.kind, group.accountLocale))
  if (!here || here.state !== 'ok') return null
  const { current, lastMaterialVersion } = here.version
  if (group.hereVersion !== null) {
    if (lastMaterialVersion !== null && group.hereVersion < lastMaterialVersion) return 'asked-changed'
    return group.hereVersion < current.version ? 'notice' : 'accepted'
  }
  if (group.latestLocale === null || group.latestVersion === null) return 'asked-none'
  const there = inForce.get(inForceKey(group.kind, group.latestLocale))
  if (!there || there.state !== 'ok') return 'asked-changed'
  const material = there.version.lastMaterialVersion
  return material !== null && group.latestVersion < material ? 'asked-changed' : 'other-language'
}

export function emptyStandingCounts(): StandingCounts {
  return {
    ...(Object.fromEntries(STANDINGS.map((s) => [s, 0])) as Record<Standing, number>),
    accounts: 0,
    notYetAccepted: 0,
    asked: 0,
  }
}

/** The standing inputs of every active account for each asked kind, grouped (acceptances' aggregate over identity's accounts). */
export function standingGroups(db: Database, kinds: readonly DocumentKind[] = ASKED_KINDS): Promise<StandingGroup[]> {
  return accountStandingGroups(db, kinds, { accounts: liveAccountsRelation(), guestLinks: guestLinksRelation() })
}

/** Counts per `kind:locale` (inForceKey) of the versions in force; kinds or locales with nothing in force are left out. */
export async function accountStandings(
  db: Database,
  inForce: Map<string, InForce>,
  kinds: readonly DocumentKind[] = ASKED_KINDS,
): Promise<Map<string, StandingCounts>> {
  const totals = new Map<string, StandingCounts>()
  for (const group of await standingGroups(db, kinds)) {
    const standing = standingOf(group, inForce)
    if (standing === null) continue
    const key = inForceKey(group.kind, group.accountLocale)
    let counts = totals.get(key)
    if (!counts) totals.set(key, (counts = emptyStandingCounts()))
    counts[standing] += group.accounts
    counts.accounts += group.accounts
    if (standing !== 'accepted') counts.notYetAccepted += group.accounts
    if (standing === 'asked-changed' || standing === 'asked-none') counts.asked += group.accounts
  }
  // A language with no accounts at all still has a row of zeros.
  for (const kind of kinds) {
    for (const locale of LOCALES) {
      const key = inForceKey(kind, locale)
      if (inForce.get(key)?.state === 'ok' && !totals.has(key)) totals.set(key, emptyStandingCounts())
    }
  }
  return totals
}
