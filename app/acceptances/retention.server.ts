import { eq, exists, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { forgetGuestDeletions } from '~/identity/index.server'
import { acceptances } from './schema'
import { retentionCutoff, retentionMonths } from '~/platform/processing-register'

/**
 * The one change the ledger allows: once the retention period the privacy
 * policy names has passed, the IP address and user agent of a row are erased
 * (set to NULL); everything else stays. The database lets this through only
 * inside a transaction that declares the cut-off (migration 0003), and only
 * for a cut-off at least a year in the past.
 */

const DAY_MS = 24 * 60 * 60 * 1000
const MIN_RETENTION_DAYS = 365

/** Erases ip and user agent of rows recorded before `now - retentionDays`; returns how many rows changed. */
export async function eraseExpiredEvidence(
  db: Database,
  { now, retentionDays }: { now: Date; retentionDays: number },
): Promise<number> {
  if (!Number.isInteger(retentionDays) || retentionDays < MIN_RETENTION_DAYS) {
    throw new RangeError(`retentionDays must be an integer of at least ${MIN_RETENTION_DAYS}`)
  }
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS)
  return db.transaction(async (tx) => {
    // The guard compares against the database's own clock and calendar year:
    // 365 days is less than a year across a 29 February, and the app clock
    // may run ahead of the database's. Clamping to a year ago (by that clock)
    // erases at most a day late instead of failing the whole run.
    await tx.execute(sql`
      select set_config(
        'palitra.ledger_retention_cutoff',
        least(${cutoff.toISOString()}::timestamptz, now() - interval '1 year')::text,
        true
      )
    `)
    const result = await tx.execute(sql`
      with erased as (
        update acceptances
        set ip = null, user_agent = null
        where recorded_at < current_setting('palitra.ledger_retention_cutoff')::timestamptz
          and (ip is not null or user_agent is not null)
        returning 1
      )
      select count(*)::int as n from erased
    `)
    return (result as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0
  })
}

/**
 * The end of a ledger row: deleted once its retention period has run
 * (migration 0015). Acceptance rows (under an account or a guest) are kept
 * while the account or guest exists and for the register's `acceptances`
 * period after it was deleted (a guest's deletion time is in
 * guest_deletions); cookie choices made without an account or guest for the
 * `cookieChoices` period after they were recorded, and those linked to an
 * account or a guest like that account's or guest's rows (deleting a guest
 * unlinks its consent ids, which then count from their records). Which rows are due is
 * decided by the database's own acceptance_retention_clock(), the same
 * function its guard checks, so the job and the guard cannot disagree; the
 * guard refuses the DELETE unless the transaction declared a cut-off at least
 * 3 years old by the database's clock. See
 * docs/decisions/014-retention-of-evidence-and-payments.md.
 */

/** The floor migration 0015 enforces: the register may lengthen these periods, never shorten them below it. */
const MIN_LEDGER_MONTHS = 36
const LEDGER_BATCH = 1000

type Rows<T> = { rows: T[] }

async function deleteDueLedgerRows(db: Database, cutoff: Date, rows: 'subjects' | 'cookie-choices'): Promise<number> {
  const which = rows === 'cookie-choices' ? sql`a.consent_id is not null` : sql`a.consent_id is null`
  let deleted = 0
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      // Clamped to the database's "3 years ago" like the erasure above: an
      // app clock ahead of the database's makes the job wait, not fail.
      await tx.execute(sql`
        select set_config(
          'palitra.ledger_deletion_cutoff',
          least(${cutoff.toISOString()}::timestamptz, now() - interval '3 years')::text,
          true
        )
      `)
      // A row's clock never starts before the row itself, so recorded_at
      // narrows the search before the clock is asked. SKIP LOCKED: another
      // instance running the same job takes other rows instead of waiting.
      const result = (await tx.execute(sql`
        with due as (
          select a.id from acceptances a
          where ${which}
            and a.recorded_at < current_setting('palitra.ledger_deletion_cutoff')::timestamptz
            and acceptance_retention_clock(a) < current_setting('palitra.ledger_deletion_cutoff')::timestamptz
          limit ${LEDGER_BATCH}
          for update skip locked
        ),
        deleted as (delete from acceptances where id in (select id from due) returning 1)
        select count(*)::int as n from deleted
      `)) as unknown as Rows<{ n: number }>
      return result.rows[0]?.n ?? 0
    })
    deleted += batch
    if (batch < LEDGER_BATCH) return deleted
  }
}

function ledgerCutoff(id: 'acceptances' | 'cookieChoices', now: Date): Date {
  if (retentionMonths(id) < MIN_LEDGER_MONTHS) {
    throw new RangeError(`${id} must be kept at least ${MIN_LEDGER_MONTHS} months`)
  }
  return retentionCutoff(id, now)
}

/**
 * Deletes acceptance rows of accounts and guests deleted longer ago than the
 * period; returns how many. Then forgets the deletion times of guests left
 * with no rows (guest_deletions).
 */
export async function deleteExpiredAcceptances(db: Database, now: Date = new Date()): Promise<number> {
  const cutoff = ledgerCutoff('acceptances', now)
  const deleted = await deleteDueLedgerRows(db, cutoff, 'subjects')
  await forgetGuestDeletions(db, cutoff, (guestId) =>
    exists(
      db
        .select({ one: sql`1` })
        .from(acceptances)
        .where(eq(acceptances.guestId, guestId)),
    ),
  )
  return deleted
}

/**
 * Deletes cookie-choice rows past their period, then the consent ids
 * (cookie_consents) left with no rows whose own period has passed too.
 */
export async function deleteExpiredCookieChoices(
  db: Database,
  now: Date = new Date(),
): Promise<{ choices: number; consentIds: number }> {
  const cutoff = ledgerCutoff('cookieChoices', now)
  const choices = await deleteDueLedgerRows(db, cutoff, 'cookie-choices')
  const result = (await db.execute(sql`
    with deleted as (
      delete from cookie_consents c
      where not exists (select 1 from acceptances a where a.consent_id = c.id)
        and c.last_choice_at < ${cutoff.toISOString()}::timestamptz
        and (
          (c.user_id is null and c.guest_id is null)
          or ledger_subject_ended_at(c.user_id, c.guest_id) < ${cutoff.toISOString()}::timestamptz
        )
      returning 1
    )
    select count(*)::int as n from deleted
  `)) as unknown as Rows<{ n: number }>
  return { choices, consentIds: result.rows[0]?.n ?? 0 }
}
