import { sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import type { DocumentKind } from '~/platform/document-kinds'
import type { Locale } from '~/platform/i18n/locales'
import type { AccountRelations } from './standing.server'

/**
 * How many accounts a new version of a document would ask to accept again
 * (the Studio's publish confirmation, docs/legal-team.md#publishing): the
 * live accounts whose highest acceptance of `kind` in `locale` that still
 * stands is a version below `version`.
 *
 * Asking again is judged per language (docs/decisions/006): someone who
 * accepted only in the other language is judged by that language's versions
 * and is not counted; nor is an account that never accepted the kind, or
 * whose acceptance was withdrawn (it is asked already, whatever is
 * published). The rows are read as latestAcceptedVersions reads them
 * (ledger.server.ts): rows recorded under a guest later linked to the
 * account count for the account, and a withdrawal cancels every acceptance
 * of the kind recorded at the same instant or earlier, in every language.
 * Only a material version asks them again; for a non-material one the same
 * accounts see a notice instead.
 */
export async function accountsBehindVersion(
  db: Database,
  target: { kind: DocumentKind; locale: Locale; version: number },
  relations: AccountRelations,
): Promise<number> {
  const result = await db.execute(sql`
    with accounts as (${relations.accounts}),
    guest_links as (${relations.guestLinks}),
    subject_rows as (
      select coalesce(a.user_id, g.user_id) as user_id, a.locale, a.version, a.scope, a.state, a.recorded_at
      from acceptances a
      left join guest_links g on g.guest_id = a.guest_id
      where a.kind = ${target.kind}
        and (a.user_id is not null or g.user_id is not null)
    ),
    standing as (
      select r.user_id, max(r.version) as version
      from subject_rows r
      where r.state = 'given'
        and r.locale = ${target.locale}
        and not exists (
          select 1 from subject_rows w
          where w.user_id = r.user_id
            and w.state = 'withdrawn'
            and (w.scope is null or w.scope = r.scope)
            and w.recorded_at >= r.recorded_at
        )
      group by r.user_id
    )
    select count(*)::int as accounts
    from standing s
    join accounts u on u.id = s.user_id
    where s.version < ${target.version}
  `)
  const rows = (result as unknown as { rows: Array<{ accounts: unknown }> }).rows
  return Number(rows[0]?.accounts ?? 0)
}
