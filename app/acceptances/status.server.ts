import type { Database } from '~/platform/db/client.server'
import type { Locale } from '~/platform/i18n/locales'
import { getContentSource, type ContentSource } from '~/content/index.server'
import type { DocumentKind } from '~/platform/document-kinds'
import { logger } from '~/platform/log.server'
import {
  NoVersionInForceError,
  resolveVersionInForce,
  type CurrentVersion,
  type VersionInForce,
  type VersionLookupOptions,
} from './current-versions.server'
import { latestAcceptedVersions, type AcceptedVersion, type PersonSubject } from './ledger.server'

/**
 * Asking again. For each of terms, privacy and consent, with `accepted` the
 * highest version the person has given and not withdrawn in this locale:
 *
 * - pending when they never accepted the kind, or some version v marked
 *   material has accepted < v <= in force. Accepting always means accepting
 *   the version in force: material v2 followed by non-material v3 asks for v3.
 *   A withdrawal cancels earlier acceptances, so the kind is pending again.
 * - a notice when only non-material versions came since: shown, never blocks.
 * - nothing otherwise.
 *
 * Versions are numbered per locale. Someone who accepted only in the other
 * language is judged there (they are bound by the text they accepted), and
 * asked in this locale only if that language had a material change since.
 *
 * Declining is not a ledger row: nothing is recorded. While anything is
 * pending the routes keep the person to reading, exporting and deleting
 * their data, and ask again on the next visit.
 */

export const ASKED_KINDS = ['terms', 'privacy', 'consent'] as const satisfies readonly DocumentKind[]

export type AcceptanceStatus = {
  /** Versions in force the person must accept before carrying on. */
  pending: CurrentVersion[]
  /** Newer non-material versions in force they have not accepted: worth a mention, nothing blocks. */
  notices: CurrentVersion[]
}

export type AcceptanceStatusOptions = {
  now?: Date
  /** Defaults to the process-wide content source. */
  source?: ContentSource
  /** Defaults to ASKED_KINDS. */
  kinds?: readonly DocumentKind[]
}

type Verdict = 'pending' | 'notice' | 'current'

export async function acceptanceStatus(
  db: Database,
  subject: PersonSubject,
  locale: Locale,
  opts: AcceptanceStatusOptions = {},
): Promise<AcceptanceStatus> {
  const lookup: VersionLookupOptions = { now: opts.now, deps: { db, source: opts.source ?? getContentSource() } }
  const accepted = await latestAcceptedVersions(db, subject)
  const kinds = opts.kinds ?? ASKED_KINDS
  const results = await Promise.all(
    kinds.map(async (kind) => {
      const inForce = await versionInForceOrNull(kind, locale, lookup)
      // Nobody can be asked to accept a document that is not in force here.
      if (!inForce) return null
      const verdict = await judge(kind, locale, inForce, accepted, lookup)
      return { verdict, current: inForce.current }
    }),
  )
  const status: AcceptanceStatus = { pending: [], notices: [] }
  for (const result of results) {
    if (result?.verdict === 'pending') status.pending.push(result.current)
    if (result?.verdict === 'notice') status.notices.push(result.current)
  }
  return status
}

export type AcceptanceGate =
  | { state: 'current'; notices: CurrentVersion[] }
  | { state: 'pending'; pending: CurrentVersion[]; notices: CurrentVersion[] }

/** The status as a gate: 'pending' is what the routes turn into the interstitial. */
export async function requireCurrentAcceptance(
  db: Database,
  subject: PersonSubject,
  locale: Locale,
  opts: AcceptanceStatusOptions = {},
): Promise<AcceptanceGate> {
  const { pending, notices } = await acceptanceStatus(db, subject, locale, opts)
  return pending.length > 0 ? { state: 'pending', pending, notices } : { state: 'current', notices }
}

async function judge(
  kind: DocumentKind,
  locale: Locale,
  inForce: VersionInForce,
  accepted: readonly AcceptedVersion[],
  lookup: VersionLookupOptions,
): Promise<Verdict> {
  const ofKind = accepted.filter((a) => a.kind === kind)
  if (ofKind.length === 0) return 'pending'

  const here = highestVersion(ofKind, locale)
  if (here !== null) {
    if (inForce.lastMaterialVersion !== null && here < inForce.lastMaterialVersion) return 'pending'
    return here < inForce.current.version ? 'notice' : 'current'
  }

  // Accepted only in another language: apply the rule to that language's versions.
  const latest = ofKind.reduce((a, b) => (b.recordedAt > a.recordedAt ? b : a))
  const there = await versionInForceOrNull(kind, latest.locale, lookup)
  const version = highestVersion(ofKind, latest.locale)!
  if (!there) return 'pending'
  return there.lastMaterialVersion !== null && version < there.lastMaterialVersion ? 'pending' : 'current'
}

function highestVersion(accepted: readonly AcceptedVersion[], locale: Locale): number | null {
  let highest: number | null = null
  for (const a of accepted) if (a.locale === locale && (highest === null || a.version > highest)) highest = a.version
  return highest
}

async function versionInForceOrNull(kind: DocumentKind, locale: Locale, lookup: VersionLookupOptions) {
  try {
    return await resolveVersionInForce(kind, locale, lookup)
  } catch (error) {
    if (!(error instanceof NoVersionInForceError)) throw error
    logger.warn(
      { event: 'consent.status.no_version', kind, locale, reason: error.reason },
      'no version in force to ask for',
    )
    return null
  }
}
