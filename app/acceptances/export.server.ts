import { asc, desc, eq, inArray, or } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { acceptances, cookieConsents } from './schema'

type CategoryChoice = { state: 'given' | 'withdrawn'; policyVersion: number; locale: string; decidedAt: string } | null

/**
 * The anonymous cookie-consent ids (the palitra_consent cookie) linked to the
 * account or to its guest sessions, for its data export, each with the
 * choice it holds now: the latest ledger row per category. The rows
 * themselves are in the export's acceptances. `guestIds` are the guests
 * linked to the account (identity knows them). Two queries.
 */
export async function listCookieConsentsForExport(db: Database, userId: string, guestIds: readonly string[]) {
  const linked = guestIds.length
    ? or(eq(cookieConsents.userId, userId), inArray(cookieConsents.guestId, [...guestIds]))
    : eq(cookieConsents.userId, userId)
  const ids = await db
    .select()
    .from(cookieConsents)
    .where(linked)
    .orderBy(asc(cookieConsents.createdAt), asc(cookieConsents.id))
  const rows = ids.length
    ? await db
        .select({
          consentId: acceptances.consentId,
          scope: acceptances.scope,
          state: acceptances.state,
          version: acceptances.version,
          locale: acceptances.locale,
          recordedAt: acceptances.recordedAt,
        })
        .from(acceptances)
        .where(
          inArray(
            acceptances.consentId,
            ids.map((c) => c.id),
          ),
        )
        // Newest first; at the same instant a withdrawal counts as the later row.
        .orderBy(desc(acceptances.recordedAt), desc(acceptances.state))
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
}
