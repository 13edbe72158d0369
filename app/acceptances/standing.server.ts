import { sql, type SQL } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import type { DocumentKind } from '~/platform/document-kinds'
import type { Locale } from '~/platform/i18n/locales'

/** One group of accounts with the same standing inputs. */
export type StandingGroup = {
  accountLocale: Locale
  kind: DocumentKind
  /** Highest version given and not withdrawn in the account's language, or null. */
  hereVersion: number | null
  /** Language of the most recent acceptance in force of this kind, and the highest version in it. */
  latestLocale: Locale | null
  latestVersion: number | null
  accounts: number
}

/** The accounts to group, as relations their owner provides (identity's liveAccountsRelation, guestLinksRelation). */
export type AccountRelations = {
  /** Rows `(id, locale)`: the accounts counted. */
  accounts: SQL
  /** Rows `(guest_id, user_id)`: guests whose acceptances count for an account. */
  guestLinks: SQL
}

/**
 * The standing inputs of every account for each kind, grouped, in one query
 * however large the ledger grows.
 *
 * Mirrors latestAcceptedVersions (ledger.server.ts): a user's rows include
 * those recorded under guests later linked to the account; a withdrawal of a
 * kind (of its scope only, when it names one) cancels every acceptance of
 * that kind recorded at the same instant or earlier, in every language; per
 * language the highest version left counts, and the latest language is the
 * one whose highest version was accepted last.
 */
export async function accountStandingGroups(
  db: Database,
  kinds: readonly DocumentKind[],
  relations: AccountRelations,
): Promise<StandingGroup[]> {
  const kindValues = valuesOf(kinds)
  const result = await db.execute(sql`
    with ${inForceAcceptances(kinds, relations)},
    latest as (
      select distinct on (user_id, kind) user_id, kind, locale, version
      from per_locale
      order by user_id, kind, recorded_at desc, locale asc
    )
    select u.locale as account_locale,
           k.kind as kind,
           here.version as here_version,
           latest.locale as latest_locale,
           latest.version as latest_version,
           count(*)::int as accounts
    from accounts u
    cross join (values ${kindValues}) as k(kind)
    left join per_locale here on here.user_id = u.id and here.kind = k.kind and here.locale = u.locale
    left join latest on latest.user_id = u.id and latest.kind = k.kind
    group by 1, 2, 3, 4, 5
  `)
  const rows = (result as unknown as { rows: Array<Record<string, unknown>> }).rows
  return rows.map((row) => ({
    accountLocale: row.account_locale as Locale,
    kind: row.kind as DocumentKind,
    hereVersion: row.here_version === null ? null : Number(row.here_version),
    latestLocale: (row.latest_locale as Locale | null) ?? null,
    latestVersion: row.latest_version === null ? null : Number(row.latest_version),
    accounts: Number(row.accounts),
  }))
}

function valuesOf(kinds: readonly DocumentKind[]): SQL {
  return sql.join(
    kinds.map((kind) => sql`(${kind}::text)`),
    sql`, `,
  )
}

/**
 * The common table expressions both questions below start from: `accounts`,
 * `guest_links`, `subject_rows` (each account's ledger rows, its linked
 * guests' included), `in_force_rows` (given and not withdrawn since) and
 * `per_locale` (the highest version left per account, kind and language).
 */
function inForceAcceptances(kinds: readonly DocumentKind[], relations: AccountRelations): SQL {
  return sql`accounts as (${relations.accounts}),
    guest_links as (${relations.guestLinks}),
    subject_rows as (
      select coalesce(a.user_id, g.user_id) as user_id,
             a.kind, a.locale, a.version, a.scope, a.state, a.recorded_at
      from acceptances a
      left join guest_links g on g.guest_id = a.guest_id
      where a.kind in (select kind from (values ${valuesOf(kinds)}) as asked(kind))
        and (a.user_id is not null or g.user_id is not null)
    ),
    in_force_rows as (
      select r.user_id, r.kind, r.locale, r.version, r.recorded_at
      from subject_rows r
      where r.state = 'given'
        and not exists (
          select 1 from subject_rows w
          where w.user_id = r.user_id
            and w.kind = r.kind
            and w.state = 'withdrawn'
            and (w.scope is null or w.scope = r.scope)
            and w.recorded_at >= r.recorded_at
        )
    ),
    per_locale as (
      select distinct on (user_id, kind, locale) user_id, kind, locale, version, recorded_at
      from in_force_rows
      order by user_id, kind, locale, version desc, recorded_at desc
    )`
}

/** An account whose acceptance of a document in one language is of an earlier version than a given one. */
export type EarlierVersionHolder = { userId: string; accountLocale: Locale; acceptedVersion: number }

export type EarlierVersionTarget = { kind: DocumentKind; locale: Locale; version: number }

/**
 * Accounts whose highest acceptance in force of `target.kind` in
 * `target.locale` is a version below `target.version`: the people a new
 * material version concerns (it asks them again once in force, and they are
 * told of it in advance). The same reading of the ledger as
 * accountStandingGroups. `exclude` is a relation of `(user_id)` to leave out
 * (accounts already told); pages go by user id.
 */
export async function accountsHoldingEarlierVersion(
  db: Database,
  target: EarlierVersionTarget,
  relations: AccountRelations & { exclude?: SQL },
  page: { after?: string; limit: number },
): Promise<EarlierVersionHolder[]> {
  const result = await db.execute(sql`
    with ${inForceAcceptances([target.kind], relations)}
    select u.id as user_id, u.locale as account_locale, p.version as accepted_version
    from accounts u
    join per_locale p on p.user_id = u.id and p.kind = ${target.kind} and p.locale = ${target.locale}
    where p.version < ${target.version}
      ${page.after === undefined ? sql`` : sql`and u.id > ${page.after}`}
      ${relations.exclude ? sql`and u.id not in (${relations.exclude})` : sql``}
    order by u.id
    limit ${page.limit}
  `)
  const rows = (result as unknown as { rows: Array<Record<string, unknown>> }).rows
  return rows.map((row) => ({
    userId: String(row.user_id),
    accountLocale: row.account_locale as Locale,
    acceptedVersion: Number(row.accepted_version),
  }))
}

/** How many accounts accountsHoldingEarlierVersion would list, in one query. */
export async function countAccountsHoldingEarlierVersion(
  db: Database,
  target: EarlierVersionTarget,
  relations: AccountRelations,
): Promise<number> {
  const result = await db.execute(sql`
    with ${inForceAcceptances([target.kind], relations)}
    select count(*)::int as accounts
    from accounts u
    join per_locale p on p.user_id = u.id and p.kind = ${target.kind} and p.locale = ${target.locale}
    where p.version < ${target.version}
  `)
  const [row] = (result as unknown as { rows: Array<{ accounts: number | string }> }).rows
  return Number(row?.accounts ?? 0)
}
