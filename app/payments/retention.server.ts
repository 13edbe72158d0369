import { sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { retentionCutoff } from '~/platform/processing-register'

/**
 * Payment records are kept as accounting needs them (402-FZ art. 29: at
 * least five years after the reporting year) and then deleted: the order,
 * the bank's notifications about it and its refunds go together. An order's
 * clock is its last money event: created, paid, refunded or a notification
 * received, whichever came last, so a refund in a later year keeps the
 * whole order until that year's period has run. The period is the register's
 * `payments` entry; see docs/decisions/014-retention-of-evidence-and-payments.md.
 *
 * Credit movements that name a deleted order stay: the credit ledger is
 * append-only (migration 0006) and is the account's balance history; the
 * order id in them is then a bare reference to nothing.
 */

export type PaymentRetentionResult = { orders: number; notifications: number; refunds: number }

type Rows<T> = { rows: T[] }

/** Orders deleted per transaction: keeps each one short and its statement within the parameter limit. */
const BATCH = 500

export async function deleteExpiredPaymentRecords(
  db: Database,
  now: Date = new Date(),
): Promise<PaymentRetentionResult> {
  const cutoff = retentionCutoff('payments', now).toISOString()
  const total: PaymentRetentionResult = { orders: 0, notifications: 0, refunds: 0 }
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      // Locked first, as applying a notification locks its order: a delivery
      // arriving meanwhile waits for this transaction or finds no order, never
      // half of one. SKIP LOCKED lets a second instance running the same job
      // pass over what the first is deleting.
      const due = (await tx.execute(sql`
        select o.id from orders o
        where greatest(
                o.created_at,
                o.updated_at,
                coalesce(o.paid_at, o.created_at),
                coalesce((select max(coalesce(r.completed_at, r.created_at)) from refunds r where r.order_id = o.id), o.created_at),
                coalesce((select max(n.received_at) from payment_notifications n where n.order_id = o.id), o.created_at)
              ) < ${cutoff}::timestamptz
        limit ${BATCH}
        for update of o skip locked
      `)) as unknown as Rows<{ id: string }>
      const ids = due.rows.map((r) => r.id)
      if (ids.length === 0) return { orders: 0, notifications: 0, refunds: 0 }
      const idList = sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )
      const notifications = await count(tx, sql`delete from payment_notifications where order_id in (${idList})`)
      const refunds = await count(tx, sql`delete from refunds where order_id in (${idList})`)
      const orders = await count(tx, sql`delete from orders where id in (${idList})`)
      return { orders, notifications, refunds }
    })
    total.orders += batch.orders
    total.notifications += batch.notifications
    total.refunds += batch.refunds
    if (batch.orders < BATCH) break
  }
  // Notifications that matched no order (unknown order, bad token) follow the same clock.
  total.notifications += await count(
    db,
    sql`delete from payment_notifications where order_id is null and received_at < ${cutoff}::timestamptz`,
  )
  return total
}

async function count(tx: Database, statement: ReturnType<typeof sql>): Promise<number> {
  const result = (await tx.execute(
    sql`with deleted as (${statement} returning 1) select count(*)::int as n from deleted`,
  )) as unknown as Rows<{ n: number }>
  return result.rows[0]?.n ?? 0
}
