import { eq } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { orders } from './schema'

/**
 * A closed account's orders stay for the accounting period under the
 * pseudonymous id; the receipt address is contact data accounting does not
 * need (the fiscal data operator keeps the receipt). updated_at is left
 * alone: it is part of the clock of the payment records' period.
 */
export async function forgetReceiptEmails(tx: Database, userId: string): Promise<void> {
  await tx.update(orders).set({ receiptEmail: null }).where(eq(orders.userId, userId))
}
