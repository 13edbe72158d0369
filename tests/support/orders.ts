import { randomUUID } from 'node:crypto'
import type { orders } from '~/payments/schema'

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
