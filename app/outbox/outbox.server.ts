/**
 * Mail that must not be lost: a row of mail_outbox is written in the
 * transaction of the event that owes the mail, so the mail is owed exactly
 * when the event happened (an account that rolled back owes nothing; a
 * payment confirmed twice owes one mail, by the row's unique key). After the
 * commit the row is sent; a failed send is retried with growing pauses, from
 * any instance, by the periodic delivery (startMailDelivery).
 *
 * Rows name what to send, not the text: the caller's `render` builds the
 * message when it is sent, from data that does not change (ledger rows) or
 * that must be current (the account's address). Rendering may return null
 * when there is nothing left to send (the account was deleted): the row is
 * then dropped.
 *
 * Delivery is at most once per claim: a row is claimed with FOR UPDATE SKIP
 * LOCKED and a lease, so two senders never send the same row. Only a sender
 * that dies after the mail server accepted the message and before marking
 * the row can cause a second copy, once the lease has passed.
 */
import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { mailOutbox, type MailOutboxRow, type OutboxMailKind } from './schema'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { retentionCutoff, retentionDays } from '~/platform/processing-register'
import { sendMail, type MailMessage } from '~/platform/mail/mailer.server'

/** Attempts before a row is given up (failed): with the pauses below, about a day and a half. */
export const MAX_SEND_ATTEMPTS = 10
/** How long a claimed row is reserved for its sender; longer than any SMTP timeout. */
const LEASE_SECONDS = 15 * 60
/** Finished rows (sent, failed, dropped) are deleted after this many days. */
export const OUTBOX_RETENTION_DAYS = retentionDays('mailOutbox')

export type OutboxEntry = {
  kind: OutboxMailKind
  dedupeKey: string
  userId: string
  referenceId?: string | null
  locale: Locale
  baseUrl: string
}

/**
 * Records that a mail is owed, in the caller's transaction. Returns the row's
 * id, or null when this cause already owes its mail (same dedupe key).
 */
export async function enqueueMail(tx: Database, entry: OutboxEntry): Promise<string | null> {
  const [row] = await tx
    .insert(mailOutbox)
    .values({
      kind: entry.kind,
      dedupeKey: entry.dedupeKey,
      userId: entry.userId,
      referenceId: entry.referenceId ?? null,
      locale: entry.locale,
      baseUrl: entry.baseUrl,
    })
    .onConflictDoNothing({ target: mailOutbox.dedupeKey })
    .returning({ id: mailOutbox.id })
  return row?.id ?? null
}

export type MailRenderer = (db: Database, row: MailOutboxRow) => Promise<MailMessage | null>

/** What finally became of a row: sent, dropped (nothing to send), or given up after every attempt. */
export type MailOutcome = 'sent' | 'dropped' | 'failed'

/** Told of each row's final outcome, so that the part that owed the mail can record it. */
export type MailOutcomeListener = (db: Database, row: MailOutboxRow, outcome: MailOutcome) => Promise<void>

export type DeliveryOptions = {
  render: MailRenderer
  /** Defaults to sendMail; tests capture the messages. */
  send?: (message: MailMessage) => Promise<unknown>
  /** Only these rows (right after the transaction that wrote them); otherwise whatever is due. */
  ids?: string[]
  limit?: number
  /** Called after a row is finished (not after an attempt that will be retried); its failure is only logged. */
  onFinished?: MailOutcomeListener
}

export type DeliveryReport = { sent: number; dropped: number; retrying: number; failed: number }

/** The pause before attempt n+1: a minute, doubling, at most six hours. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(6 * 60 * 60, 60 * 2 ** Math.max(0, attempts - 1))
}

// A refusal from a mail server often quotes the recipient; the row keeps the reason, not the address.
function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return text.replace(/[^\s<>()"',;:]+@[^\s<>()"',;:]+/g, '<address>').slice(0, 500)
}

/** Claims due rows (or the given ones, when due) for this sender. */
async function claim(db: Database, ids: string[] | undefined, limit: number): Promise<MailOutboxRow[]> {
  if (ids && ids.length === 0) return []
  const due = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(
      and(
        or(
          and(eq(mailOutbox.status, 'pending'), lte(mailOutbox.nextAttemptAt, sql`now()`)),
          and(eq(mailOutbox.status, 'sending'), lt(mailOutbox.leaseExpiresAt, sql`now()`)),
        ),
        ids ? inArray(mailOutbox.id, ids) : undefined,
      ),
    )
    .orderBy(asc(mailOutbox.createdAt))
    .limit(limit)
    .for('update', { skipLocked: true })
  return db
    .update(mailOutbox)
    .set({
      status: 'sending',
      attempts: sql`${mailOutbox.attempts} + 1`,
      leaseExpiresAt: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
    })
    .where(inArray(mailOutbox.id, due))
    .returning()
}

async function finish(db: Database, row: MailOutboxRow, status: 'sent' | 'dropped') {
  await db
    .update(mailOutbox)
    .set({ status, finishedAt: sql`now()`, leaseExpiresAt: null, lastError: null })
    .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, 'sending')))
}

/**
 * Sends owed mail: claims rows, renders and sends each, and records the
 * outcome. Never throws for a single mail; a failed one waits for its next
 * attempt, and after MAX_SEND_ATTEMPTS it is marked failed and logged as an
 * error for the operator.
 */
export async function deliverMail(db: Database, options: DeliveryOptions): Promise<DeliveryReport> {
  const { render, send = sendMail, ids, limit = 20, onFinished } = options
  const report: DeliveryReport = { sent: 0, dropped: 0, retrying: 0, failed: 0 }
  const finished = async (row: MailOutboxRow, outcome: MailOutcome) => {
    try {
      await onFinished?.(db, row, outcome)
    } catch (error) {
      logger.error(
        { err: error, event: 'mail.outbox.outcome-not-recorded', mailId: row.id },
        'mail outcome not recorded',
      )
    }
  }
  for (const row of await claim(db, ids, limit)) {
    const context = { mailId: row.id, kind: row.kind, userId: row.userId, attempt: row.attempts }
    try {
      const message = await render(db, row)
      if (!message) {
        await finish(db, row, 'dropped')
        await finished(row, 'dropped')
        report.dropped++
        logger.info({ event: 'mail.outbox.dropped', ...context }, 'owed mail dropped: nothing left to send')
        continue
      }
      await send(message)
      await finish(db, row, 'sent')
      await finished(row, 'sent')
      report.sent++
      logger.info({ event: 'mail.outbox.sent', ...context }, 'owed mail sent')
    } catch (error) {
      const final = row.attempts >= MAX_SEND_ATTEMPTS
      await db
        .update(mailOutbox)
        .set({
          status: final ? 'failed' : 'pending',
          nextAttemptAt: sql`now() + make_interval(secs => ${retryDelaySeconds(row.attempts)})`,
          leaseExpiresAt: null,
          lastError: describeError(error),
          finishedAt: final ? sql`now()` : null,
        })
        .where(and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, 'sending')))
      if (final) {
        report.failed++
        await finished(row, 'failed')
      } else report.retrying++
      logger[final ? 'error' : 'warn'](
        { err: error, event: final ? 'mail.outbox.failed' : 'mail.outbox.retry', ...context },
        final ? 'owed mail could not be sent; giving up' : 'owed mail not sent; will try again',
      )
    }
  }
  return report
}

/** Deletes finished rows older than the retention period (a periodic job). */
export async function sweepMailOutbox(db: Database, now: Date = new Date()): Promise<number> {
  const removed = await db
    .delete(mailOutbox)
    .where(lt(mailOutbox.finishedAt, retentionCutoff('mailOutbox', now)))
    .returning({ id: mailOutbox.id })
  return removed.length
}

/** Deletes every row about an account (account deletion: nothing more is sent to it). */
export async function forgetMailFor(tx: Database, userId: string): Promise<void> {
  await tx.delete(mailOutbox).where(eq(mailOutbox.userId, userId))
}

/**
 * Sends owed mail every `intervalMs` (a minute by default), so mail whose
 * first attempt failed, or whose sender stopped, still goes out. Safe on
 * every instance at once: rows are claimed, never shared.
 */
export function startMailDelivery(
  db: Database,
  render: MailRenderer,
  { intervalMs = 60_000, onFinished }: { intervalMs?: number; onFinished?: MailOutcomeListener } = {},
): { stop(): void } {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      // Drain in batches while there is a backlog.
      for (let round = 0; round < 10; round++) {
        const report = await deliverMail(db, { render, onFinished })
        if (report.sent + report.dropped + report.retrying + report.failed < 20) break
      }
    } catch (error) {
      logger.error({ err: error, event: 'mail.outbox.delivery-failed' }, 'mail delivery round failed')
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), intervalMs)
  timer.unref()
  void tick()
  return { stop: () => clearInterval(timer) }
}
