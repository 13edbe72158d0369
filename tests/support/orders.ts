import { randomUUID } from 'node:crypto'
import { users } from '~/identity/schema'
import { orders } from '~/payments/schema'
import type { Database } from '~/platform/db/client.server'

type OrderInsert = typeof orders.$inferInsert

/**
 * The values of a T-Bank order for the standard pack (300 credits, 590 ₽),
 * for tests that need an order row to exist; override what the test is about.
 */
export function orderValues(overrides: Partial<OrderInsert> & Pick<OrderInsert, 'userId'>): OrderInsert {
  return {
    id: randomUUID(),
    packId: 'creditPack.standard',
    packName: 'Стандарт',
    credits: 300,
    amountKopecks: 59_000,
    provider: 'tbank',
    terminalKey: 'TestTerminal',
    receiptEmail: 'buyer@mail.example',
    locale: 'ru',
    ...overrides,
  }
}

/**
 * A new buyer with one order waiting for payment at the bank (`pending`, a
 * payment id and page); override what the test is about (its age, status).
 */
export async function insertWaitingOrder(db: Database, overrides: Partial<OrderInsert> = {}) {
  const userId = `buyer-${randomUUID()}`
  await db
    .insert(users)
    .values({ id: userId, email: `${userId}@mail.example`, emailNormalized: `${userId}@mail.example` })
  const values = orderValues({
    userId,
    status: 'pending',
    paymentId: String(Math.floor(Math.random() * 1e12)),
    paymentUrl: 'https://pay.example/p',
    ...overrides,
  })
  await db.insert(orders).values(values)
  return { id: values.id!, userId, paymentId: values.paymentId! }
}
