import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { balanceOf, chargeJob } from '~/credits/movements.server'
import { creditBalances } from '~/credits/schema'
import { orders, refunds } from './schema'
import { users } from '~/identity/schema'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { applyNotification } from './notifications.server'
import type { CancelOutcome, PaymentProvider } from './provider.server'
import { quoteRefund, requestRefund, unspentCreditsByOrder } from './refunds.server'

// Runs on PGlite and, under `node scripts/test-pg.mjs`, on PostgreSQL, where
// the simultaneous requests below run on separate pooled connections.
let handle: TestDatabase
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(async () => {
  await handle?.close()
})

const TERMINAL = 'TestTerminal'

async function person() {
  const userId = `buyer-${randomUUID()}`
  await handle.db
    .insert(users)
    .values({ id: userId, email: `${userId}@mail.example`, emailNormalized: `${userId}@mail.example` })
  return { userId, owner: `user:${userId}` as const }
}

/** A paid order of `userId`: created, then confirmed by the bank's notification (which grants the credits). */
async function paidOrder(userId: string, credits = 300, amount = 59_000) {
  const id = randomUUID()
  const paymentId = String(Math.floor(Math.random() * 1e12))
  await handle.db.insert(orders).values({
    id,
    userId,
    packId: 'creditPack.optimal',
    packName: 'Оптимальный',
    credits,
    amountKopecks: amount,
    provider: 'tbank',
    terminalKey: TERMINAL,
    status: 'pending',
    paymentId,
    receiptEmail: `${userId}@mail.example`,
    locale: 'ru',
  })
  const outcome = await applyNotification(handle.db, {
    terminalKey: TERMINAL,
    orderId: id,
    paymentId,
    status: 'CONFIRMED',
    amountKopecks: amount,
    success: true,
    body: { Status: 'CONFIRMED', OrderId: id },
  })
  expect(outcome).toBe('applied')
  return id
}

/** A bank double: answers Cancel with the given outcomes in turn (the last one repeats), after `delayMs`. */
function bank(outcomes: CancelOutcome[], delayMs = 0) {
  const calls: Array<{ orderId: string; amountKopecks: number; credits: number }> = []
  const provider: PaymentProvider = {
    kind: 'tbank',
    terminalKey: TERMINAL,
    password: 'unused',
    init: () => Promise.reject(new Error('not used here')),
    cancelUnpaid: () => Promise.reject(new Error('not used here')),
    async cancel(order, amountKopecks, credits) {
      calls.push({ orderId: order.id, amountKopecks, credits })
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
      return outcomes[Math.min(calls.length - 1, outcomes.length - 1)]!
    },
  }
  return { provider, calls }
}

const REFUSED: CancelOutcome = { ok: false, kind: 'declined', detail: 'declined: 8 Неверный статус транзакции' }
const REFUNDED: CancelOutcome = { ok: true, bankStatus: 'REFUNDED' }
const PARTIAL: CancelOutcome = { ok: true, bankStatus: 'PARTIAL_REFUNDED' }

async function orderRow(id: string) {
  const [row] = await handle.db.select().from(orders).where(eq(orders.id, id))
  return row!
}

async function refundRows(orderId: string) {
  return handle.db.select().from(refunds).where(eq(refunds.orderId, orderId))
}

async function quote(orderId: string) {
  return quoteRefund(handle.db, await orderRow(orderId))
}

describe('a refund the bank refused', () => {
  it('can be asked for again, for the same unspent credits, and then not a third time', async () => {
    const buyer = await person()
    const orderId = await paidOrder(buyer.userId)
    const first = bank([REFUSED])
    expect(await requestRefund(handle.db, buyer.userId, orderId, { provider: first.provider })).toEqual({
      ok: false,
      reason: 'bank-refused',
    })
    expect(await balanceOf(handle.db, buyer.owner)).toBe(300)
    // The credits given back are the order's, not a new source that hides them.
    expect(await quote(orderId)).toMatchObject({ ok: true, credits: 300, amountKopecks: 59_000 })

    const second = bank([REFUNDED])
    expect(await requestRefund(handle.db, buyer.userId, orderId, { provider: second.provider })).toMatchObject({
      ok: true,
      credits: 300,
      amountKopecks: 59_000,
      state: 'succeeded',
    })
    expect(second.calls).toEqual([{ orderId, amountKopecks: 59_000, credits: 300 }])
    expect(await balanceOf(handle.db, buyer.owner)).toBe(0)
    expect(await orderRow(orderId)).toMatchObject({ status: 'refunded', refundedCredits: 300, refundedKopecks: 59_000 })

    const third = bank([REFUNDED])
    expect(await requestRefund(handle.db, buyer.userId, orderId, { provider: third.provider })).toEqual({
      ok: false,
      reason: 'already-refunded',
    })
    expect(third.calls).toHaveLength(0)
    expect((await refundRows(orderId)).map((r) => r.status).sort()).toEqual(['failed', 'succeeded'])
  })

  it('keeps counting spending oldest first after the refusal, across several orders', async () => {
    const buyer = await person()
    const older = await paidOrder(buyer.userId, 100, 20_000)
    const newer = await paidOrder(buyer.userId, 300, 59_000)
    expect(await requestRefund(handle.db, buyer.userId, newer, { provider: bank([REFUSED]).provider })).toMatchObject({
      reason: 'bank-refused',
    })
    // 150 spent after the refusal: the older order's 100 go first, then 50 of the newer one.
    await handle.db.transaction((tx) => chargeJob(tx, buyer.owner, randomUUID(), 150))
    const unspent = await unspentCreditsByOrder(handle.db, buyer.userId)
    expect(unspent.get(newer)).toBe(250)
    expect(unspent.get(older)).toBe(0)
    // 590 ₽ × 250 ÷ 300 = 491.666… → 491.67 ₽, in the person's favour.
    expect(await requestRefund(handle.db, buyer.userId, newer, { provider: bank([PARTIAL]).provider })).toMatchObject({
      ok: true,
      credits: 250,
      amountKopecks: 49_167,
    })
    expect(await balanceOf(handle.db, buyer.owner)).toBe(0)
    expect(await quote(older)).toMatchObject({ ok: false, reason: 'nothing-unspent' })
    expect(await quote(newer)).toMatchObject({ ok: false, reason: 'nothing-unspent' })
  })

  it('survives several refusals in a row', async () => {
    const buyer = await person()
    const orderId = await paidOrder(buyer.userId)
    for (let i = 0; i < 3; i++) {
      expect(await requestRefund(handle.db, buyer.userId, orderId, { provider: bank([REFUSED]).provider })).toEqual({
        ok: false,
        reason: 'bank-refused',
      })
    }
    expect(await balanceOf(handle.db, buyer.owner)).toBe(300)
    expect(await orderRow(orderId)).toMatchObject({ status: 'confirmed', refundedCredits: 0, refundedKopecks: 0 })
    expect(await quote(orderId)).toMatchObject({ ok: true, credits: 300 })
  })
})

describe('simultaneous refund requests', () => {
  it('refund an order once, however many arrive at once', async () => {
    const buyer = await person()
    const orderId = await paidOrder(buyer.userId)
    const { provider, calls } = bank([REFUNDED], 20)
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => requestRefund(handle.db, buyer.userId, orderId, { provider })),
    )
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1)
    // A request that reads the order while the first one waits for the bank finds nothing unspent; one
    // that reads it after the bank answered finds it refunded. Which, depends on timing; never 'not-paid'.
    const refusals = outcomes.flatMap((o) => (o.ok ? [] : [o.reason]))
    expect(refusals).toHaveLength(7)
    for (const reason of refusals) expect(['nothing-unspent', 'already-refunded']).toContain(reason)
    expect(calls).toHaveLength(1)
    expect(await balanceOf(handle.db, buyer.owner)).toBe(0)
    expect(await orderRow(orderId)).toMatchObject({ refundedCredits: 300, refundedKopecks: 59_000 })
  })

  it('after a refusal, refund the retried credits once when two retries arrive at once', async () => {
    const buyer = await person()
    const orderId = await paidOrder(buyer.userId)
    await requestRefund(handle.db, buyer.userId, orderId, { provider: bank([REFUSED]).provider })
    const { provider, calls } = bank([REFUNDED], 20)
    const [a, b] = await Promise.all([
      requestRefund(handle.db, buyer.userId, orderId, { provider }),
      requestRefund(handle.db, buyer.userId, orderId, { provider }),
    ])
    expect([a!.ok, b!.ok].filter(Boolean)).toHaveLength(1)
    expect(calls).toHaveLength(1)
    expect(await balanceOf(handle.db, buyer.owner)).toBe(0)
    expect(await orderRow(orderId)).toMatchObject({ refundedCredits: 300, refundedKopecks: 59_000 })
  })

  it('hold the credits while the bank is answering: a second request meanwhile gets nothing, a retry after the refusal gets them', async () => {
    const buyer = await person()
    const orderId = await paidOrder(buyer.userId)
    const slowRefusal = bank([REFUSED], 100)
    const pending = requestRefund(handle.db, buyer.userId, orderId, { provider: slowRefusal.provider })
    // Wait until the first request has recorded its refund and is waiting for the bank.
    while (slowRefusal.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const meanwhile = bank([REFUNDED])
    expect(await requestRefund(handle.db, buyer.userId, orderId, { provider: meanwhile.provider })).toEqual({
      ok: false,
      reason: 'nothing-unspent',
    })
    expect(await pending).toEqual({ ok: false, reason: 'bank-refused' })
    expect(meanwhile.calls).toHaveLength(0)
    expect(await requestRefund(handle.db, buyer.userId, orderId, { provider: meanwhile.provider })).toMatchObject({
      ok: true,
      credits: 300,
    })
  })

  it('do not deadlock with the give-back of a refusal: both take the order before the balance', async () => {
    const buyer = await person()
    const orderId = await paidOrder(buyer.userId)
    let answer: (outcome: CancelOutcome) => void = () => {}
    let asked: () => void = () => {}
    const bankAsked = new Promise<void>((resolve) => (asked = resolve))
    const gated: PaymentProvider = {
      ...bank([REFUSED]).provider,
      cancel: () => {
        asked()
        return new Promise<CancelOutcome>((resolve) => (answer = resolve))
      },
    }
    const refused = requestRefund(handle.db, buyer.userId, orderId, { provider: gated })
    await bankAsked
    // What a second refund request does, held open at its worst moment: it has
    // the order and is about to take the balance when the bank's refusal
    // arrives and the give-back starts. Taking the balance first, the
    // give-back would wait for the order here while this waits for the
    // balance, and PostgreSQL would abort one of them as a deadlock.
    await handle.db.transaction(async (tx) => {
      await tx.select().from(orders).where(eq(orders.id, orderId)).for('update')
      answer(REFUSED)
      await new Promise((resolve) => setTimeout(resolve, 200))
      await tx.select().from(creditBalances).where(eq(creditBalances.owner, buyer.owner)).for('update')
    })
    expect(await refused).toEqual({ ok: false, reason: 'bank-refused' })
    expect(await balanceOf(handle.db, buyer.owner)).toBe(300)
    expect(await quote(orderId)).toMatchObject({ ok: true, credits: 300 })
  })
})

describe('an order id that is not a UUID', () => {
  it.each(['not-a-uuid', '', "1' OR '1'='1", 'x'.repeat(5000), '\u0000'])(
    'is simply not found (case %#), never a database error',
    async (orderId) => {
      const buyer = await person()
      expect(await requestRefund(handle.db, buyer.userId, orderId)).toEqual({ ok: false, reason: 'not-found' })
    },
  )
})
