import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type * as CheckoutRoute from '~/routes/$lang.checkout.$packId'
import type * as SandboxRoute from '~/routes/$lang.checkout.sandbox.$orderId'
import type * as DoneRoute from '~/routes/$lang.checkout.$orderId.done'
import type * as PaymentsRoute from '~/routes/$lang.account.payments'
import type * as WebhookRoute from '~/routes/webhooks.tbank'
import { isolateProcessDatabase } from '../db'
import { server } from '../mocks'
import { TBANK_API_URL, TBANK_TEST_PASSWORD, TBANK_TEST_TERMINAL, tbankMock, tbankScenarios } from '../mocks/tbank'
import { type DataResult, closeAppResources, statusOf, thrownBy } from './support'
import { get, post } from '../support/requests'

// Buying credits through the routes, against the process-wide database and
// the shipped seed dataset (its credit packs and terms): first the sandbox
// (no terminal keys), then T-Bank itself against its msw double.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-payments-'))
process.env.DATA_DIR = dir

let dropOwnDatabase: () => Promise<void> = async () => {}
let routes: {
  checkout: typeof CheckoutRoute
  sandbox: typeof SandboxRoute
  done: typeof DoneRoute
  payments: typeof PaymentsRoute
  webhook: typeof WebhookRoute
}

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' })
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    checkout: await import('~/routes/$lang.checkout.$packId'),
    sandbox: await import('~/routes/$lang.checkout.sandbox.$orderId'),
    done: await import('~/routes/$lang.checkout.$orderId.done'),
    payments: await import('~/routes/$lang.account.payments'),
    webhook: await import('~/routes/webhooks.tbank'),
  }
})
afterEach(async () => {
  server.resetHandlers()
  // tbankMock is not reset: its PaymentIds must stay unique across tests, as the bank's are.
  const { setPaymentProviderForTests } = await import('~/payments/provider.server')
  setPaymentProviderForTests(undefined)
})
afterAll(async () => {
  server.close()
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

const ORIGIN = 'http://localhost'
const PACK = 'creditPack.optimal' // 300 credits for 590 ₽ in the seed

/** A registered account; its address confirmed unless `verified` is false (nobody can buy before that). */
async function buyer(email: string | null = `buyer-${randomUUID()}@mail.example`, { verified = true } = {}) {
  const { getDb } = await import('~/platform/db/client.server')
  const { users } = await import('../support/schema')
  const { createUserSession } = await import('~/identity/session.server')
  const { recordAcceptances } = await import('~/acceptances/ledger.server')
  const { currentVersionsForAcceptance } = await import('~/acceptances/current-versions.server')
  const db = await getDb()
  const userId = `buyer-${randomUUID()}`
  await db
    .insert(users)
    .values({ id: userId, email, emailNormalized: email, emailVerifiedAt: email && verified ? new Date() : null })
  const documents = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'ru')
  await db.transaction((tx) =>
    recordAcceptances(tx, {
      subject: { userId },
      event: 'register',
      documents,
      wordings: { terms: 't', privacy: 'p', consent: 'c' },
      ip: null,
      userAgent: null,
      action: { type: 'account', id: userId },
    }),
  )
  const session = await createUserSession(db, userId, {})
  return { userId, email, cookie: session.cookie.split(';')[0]! }
}

async function checkoutPage(cookie: string, pack = PACK) {
  const result = (await routes.checkout.loader({
    request: get(`/ru/checkout/${pack}`, cookie),
    params: { lang: 'ru', packId: pack },
    context: {},
  })) as DataResult
  return result.data as { shownVersions: string; pack: { credits: number; price: string }; sandbox: boolean }
}

async function pay(cookie: string, fields: Record<string, string>, pack = PACK): Promise<unknown> {
  try {
    return await routes.checkout.action({
      request: post(`/ru/checkout/${pack}`, fields, cookie),
      params: { lang: 'ru', packId: pack },
      context: { clientIp: '203.0.113.50' },
    })
  } catch (thrown) {
    return thrown
  }
}

async function state(userId: string) {
  const { getDb } = await import('~/platform/db/client.server')
  const { orders, acceptances } = await import('../support/schema')
  const { balanceOf } = await import('~/credits/movements.server')
  const { eq, and } = await import('drizzle-orm')
  const db = await getDb()
  return {
    orders: await db.select().from(orders).where(eq(orders.userId, userId)),
    paymentAcceptances: await db
      .select()
      .from(acceptances)
      .where(and(eq(acceptances.userId, userId), eq(acceptances.event, 'payment'))),
    balance: await balanceOf(db, `user:${userId}`),
  }
}

/** The payments page's data for the person. */
async function paymentsList(cookie: string, query = '') {
  const result = (await routes.payments.loader({
    request: get(`/ru/account/payments${query}`, cookie),
    params: { lang: 'ru' },
    context: {},
  })) as DataResult
  return result.data as { rows: Array<Record<string, unknown>>; confirm: { orderId: string } | null }
}

/** The test payment page's answer: approve or decline. */
function decide(cookie: string, orderId: string, decision: 'approve' | 'decline') {
  return thrownBy(() =>
    routes.sandbox.action({
      request: post(`/ru/checkout/sandbox/${orderId}`, { decision }, cookie),
      params: { lang: 'ru', orderId },
      context: {},
    }),
  )
}

/** Opens the checkout page of the pack and pays with the terms ticked. */
async function payAccepted(cookie: string) {
  const page = await checkoutPage(cookie)
  return pay(cookie, { shownVersions: page.shownVersions, accept_terms: 'yes' })
}

function location(thrown: unknown) {
  return thrown instanceof Response ? thrown.headers.get('Location') : null
}

/** The stored mails to an address whose subject names the order (sent in the background after the payment). */
async function paymentMails(to: string, orderId: string, { atLeast = 1, timeoutMs = 10_000 } = {}) {
  const { listStoredMail, readStoredMail } = await import('~/platform/mail/mailer.server')
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = (await listStoredMail()).filter((m) => m.to === to && m.subject.includes(orderId))
    if (found.length >= atLeast || Date.now() > deadline) {
      return Promise.all(found.map(async (m) => (await readStoredMail(m.id))!))
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('checkout in the sandbox', () => {
  it('asks guests to register and strangers to sign in', async () => {
    const { serializeGuestCookie } = await import('~/identity/guests.server')
    const { createGuest } = await import('~/flows/account/guest-start.server')
    const { getDb } = await import('~/platform/db/client.server')
    const guestId = await (await getDb()).transaction((tx) => createGuest(tx))
    const guestCookie = (await serializeGuestCookie(guestId)).split(';')[0]!
    const asGuest = await thrownBy(() =>
      routes.checkout.loader({
        request: get(`/ru/checkout/${PACK}`, guestCookie),
        params: { lang: 'ru', packId: PACK },
        context: {},
      }),
    )
    expect(location(asGuest)).toBe('/ru/register?from=checkout')
    const anonymous = await thrownBy(() =>
      routes.checkout.loader({
        request: get(`/ru/checkout/${PACK}`),
        params: { lang: 'ru', packId: PACK },
        context: {},
      }),
    )
    expect(location(anonymous)).toBe(`/ru/login?redirectTo=${encodeURIComponent(`/ru/checkout/${PACK}`)}`)
  })

  it('refuses an account whose address is not confirmed, with 403 and a new-link offer, and writes nothing', async () => {
    const email = `unconfirmed-${randomUUID()}@mail.example`
    const person = await buyer(email, { verified: false })
    const page = (await routes.checkout.loader({
      request: get(`/ru/checkout/${PACK}`, person.cookie),
      params: { lang: 'ru', packId: PACK },
      context: {},
    })) as DataResult
    // The page says so (and offers a new link) instead of a working Pay button.
    expect(page.data).toMatchObject({ email, emailVerified: false })

    const refused = (await pay(person.cookie, {
      shownVersions: (page.data as { shownVersions: string }).shownVersions,
      accept_terms: 'yes',
    })) as DataResult
    expect(statusOf(refused)).toBe(403)
    expect(refused.data).toMatchObject({ formError: 'checkout:errors.unverified', formErrorParams: { email } })
    expect(await state(person.userId)).toMatchObject({ orders: [], paymentAcceptances: [], balance: 0 })

    // An account without any address is told why too (422), with nothing written.
    const nobody = await buyer(null)
    const noEmail = (await pay(nobody.cookie, {
      shownVersions: page.data.shownVersions as string,
      accept_terms: 'yes',
    })) as DataResult
    expect(statusOf(noEmail)).toBe(422)
    expect(noEmail.data.formError).toBe('checkout:errors.no-email')
    expect((await state(nobody.userId)).orders).toEqual([])
  })

  it('records nothing without the ticked terms, or when the terms changed while the page was open', async () => {
    const person = await buyer()
    const page = await checkoutPage(person.cookie)
    expect(page.sandbox).toBe(true)
    const unticked = (await pay(person.cookie, { shownVersions: page.shownVersions })) as DataResult
    expect(statusOf(unticked)).toBe(400)
    const stale = (await pay(person.cookie, { shownVersions: 'terms:1', accept_terms: 'yes' })) as DataResult
    expect(statusOf(stale)).toBe(409)
    const after = await state(person.userId)
    expect(after.orders).toHaveLength(0)
    expect(after.paymentAcceptances).toHaveLength(0)
  })

  it('creates the order with its payment acceptance, and the test page approves it through the webhook code', async () => {
    const person = await buyer()
    const page = await checkoutPage(person.cookie)
    const started = await pay(person.cookie, { shownVersions: page.shownVersions, accept_terms: 'yes' })
    const [order] = (await state(person.userId)).orders
    expect(location(started)).toBe(`/ru/checkout/sandbox/${order!.id}`)
    expect(order).toMatchObject({ status: 'pending', credits: 300, amountKopecks: 59_000, provider: 'sandbox' })
    const { paymentAcceptances } = await state(person.userId)
    expect(paymentAcceptances).toMatchObject([
      { kind: 'terms', actionType: 'order', actionId: order!.id, state: 'given' },
    ])

    const approved = await decide(person.cookie, order!.id, 'approve')
    expect(location(approved)).toBe(`/ru/checkout/${order!.id}/done?result=success`)
    expect(await state(person.userId)).toMatchObject({
      balance: 300,
      orders: [{ status: 'confirmed', bankStatus: 'CONFIRMED' }],
    })

    // Approving again (a second click, a replay) grants nothing more.
    await decide(person.cookie, order!.id, 'approve')
    expect((await state(person.userId)).balance).toBe(300)

    // One mail for the payment, to the confirmed address, naming the terms version accepted for this order.
    const [mail, ...more] = await paymentMails(person.email!, order!.id)
    expect(more).toEqual([])
    expect(mail!.subject).toBe(`Палитра: оплата получена (заказ ${order!.id})`)
    const accepted = paymentAcceptances[0]!
    expect(mail!.text).toContain(`http://localhost/ru/terms/v/${accepted.version}`)
    expect(mail!.text).toContain('тестовый платёж')

    const done = (await routes.done.loader({
      request: get(`/ru/checkout/${order!.id}/done?result=fail`, person.cookie),
      params: { lang: 'ru', orderId: order!.id },
      context: {},
    })) as DataResult
    // The page trusts the database, not the ?result of the redirect.
    expect(done.data).toMatchObject({ order: { status: 'confirmed' }, balance: 300, waiting: false })
  })

  it('closes a declined payment without credits', async () => {
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    await decide(person.cookie, order!.id, 'decline')
    expect(await state(person.userId)).toMatchObject({ balance: 0, orders: [{ status: 'rejected' }] })
    // Both the done page and the payments page offer a new checkout of the same pack.
    const done = (await routes.done.loader({
      request: get(`/ru/checkout/${order!.id}/done?result=fail`, person.cookie),
      params: { lang: 'ru', orderId: order!.id },
      context: {},
    })) as DataResult
    expect(done.data).toMatchObject({ retryUrl: `/ru/checkout/${PACK}`, resumeUrl: null, cancellable: false })
    const [row] = (await paymentsList(person.cookie)).rows
    expect(row).toMatchObject({
      status: 'rejected',
      tone: 'declined',
      retryUrl: `/ru/checkout/${PACK}`,
      cancellable: false,
    })
    // Trying again is a new order with its own acceptance of the terms; the declined one stays as it was.
    await payAccepted(person.cookie)
    const after = await state(person.userId)
    expect(after.orders.map((o) => o.status).sort()).toEqual(['pending', 'rejected'])
    expect(after.paymentAcceptances).toHaveLength(2)
  })

  it('lets an abandoned order be paid again on its page, or cancelled; a cancelled one cannot be paid any more', async () => {
    const person = await buyer()
    const started = await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    const [row] = (await paymentsList(person.cookie)).rows
    expect(row).toMatchObject({
      status: 'pending',
      tone: 'waiting',
      resumeUrl: location(started),
      cancellable: true,
      retryUrl: null,
      payBy: expect.any(String),
    })
    const done = (await routes.done.loader({
      request: get(`/ru/checkout/${order!.id}/done`, person.cookie),
      params: { lang: 'ru', orderId: order!.id },
      context: {},
    })) as DataResult
    // Opened later (not just back from the bank), the page does not reload itself; it offers the way on.
    expect(done.data).toMatchObject({ refresh: false, resumeUrl: location(started), cancellable: true })

    const canceled = await thrownBy(() =>
      routes.payments.action({
        request: post('/ru/account/payments', { intent: 'cancel', orderId: order!.id }, person.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(location(canceled)).toBe('/ru/account/payments?canceled=1')
    expect(await state(person.userId)).toMatchObject({ balance: 0, orders: [{ status: 'canceled' }] })
    expect((await paymentsList(person.cookie)).rows[0]).toMatchObject({
      resumeUrl: null,
      cancellable: false,
      retryUrl: `/ru/checkout/${PACK}`,
    })
    // The test payment page's form, kept open in another tab, pays nothing now.
    expect(location(await decide(person.cookie, order!.id, 'approve'))).toBe(`/ru/checkout/${order!.id}/done`)
    expect(await state(person.userId)).toMatchObject({ balance: 0, orders: [{ status: 'canceled' }] })
    // Cancelling again, or someone else's order, is refused.
    const again = (await routes.payments.action({
      request: post('/ru/account/payments', { intent: 'cancel', orderId: order!.id }, person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as DataResult
    expect(statusOf(again)).toBe(409)
    expect(again.data.formError).toBe('checkout:payments.cancelRefusal.not-waiting')
    const stranger = await buyer()
    const notYours = (await routes.payments.action({
      request: post('/ru/account/payments', { intent: 'cancel', orderId: order!.id }, stranger.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as DataResult
    expect(statusOf(notYours)).toBe(404)
  })

  it('expires an unpaid order at its payment deadline, as it is read', async () => {
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    const { getDb } = await import('~/platform/db/client.server')
    const { orders } = await import('../support/schema')
    const { eq } = await import('drizzle-orm')
    const { PAYMENT_DEADLINE_HOURS } = await import('~/payments/index.server')
    await (
      await getDb()
    )
      .update(orders)
      .set({ createdAt: new Date(Date.now() - PAYMENT_DEADLINE_HOURS * 3600_000 - 60_000) })
      .where(eq(orders.id, order!.id))
    const [row] = (await paymentsList(person.cookie)).rows
    expect(row).toMatchObject({ status: 'expired', tone: 'closed', resumeUrl: null, cancellable: false })
    expect(row!.retryUrl).toBe(`/ru/checkout/${PACK}`)
    expect((await state(person.userId)).orders[0]).toMatchObject({ status: 'expired' })
  })

  it('refunds the unspent part of a purchase within 14 days, rounded up to the kopeck, and explains refusals', async () => {
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    await decide(person.cookie, order!.id, 'approve')
    // Spend 47 of the 300 credits (the terms' worked example).
    const { getDb } = await import('~/platform/db/client.server')
    const { chargeJob } = await import('~/credits/movements.server')
    await (await getDb()).transaction((tx) => chargeJob(tx, `user:${person.userId}`, randomUUID(), 47))

    const list = (await routes.payments.loader({
      request: get('/ru/account/payments', person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as DataResult
    const rows = list.data.rows as Array<{ refund: { ok: boolean; credits?: number; amount?: string } }>
    expect(rows[0]!.refund).toMatchObject({ ok: true, credits: 253, amount: expect.stringMatching(/^497,57\s₽$/) })

    // The refund button only opens the confirmation step, which names what comes back and what is taken.
    const confirming = (await routes.payments.loader({
      request: get(`/ru/account/payments?refund=${order!.id}`, person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as DataResult
    expect(confirming.data.confirm).toEqual({ orderId: order!.id })
    // A POST without the confirmation's field is refused, localized, and changes nothing.
    const unconfirmed = (await routes.payments.action({
      request: post('/ru/account/payments', { intent: 'refund', orderId: order!.id }, person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as DataResult
    expect(statusOf(unconfirmed)).toBe(400)
    expect(unconfirmed.data.formError).toBe('checkout:payments.confirmRequired')
    for (const confirm of ['', 'no', 'YES ']) {
      const refused = (await routes.payments.action({
        request: post('/ru/account/payments', { orderId: order!.id, confirm }, person.cookie),
        params: { lang: 'ru' },
        context: {},
      })) as DataResult
      expect(statusOf(refused)).toBe(400)
    }
    expect(await state(person.userId)).toMatchObject({
      balance: 253,
      orders: [{ status: 'confirmed', refundedCredits: 0, refundedKopecks: 0 }],
    })

    const refunded = await thrownBy(() =>
      routes.payments.action({
        request: post('/ru/account/payments', { intent: 'refund', orderId: order!.id, confirm: 'yes' }, person.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(location(refunded)).toBe('/ru/account/payments?refunded=succeeded')
    expect(await state(person.userId)).toMatchObject({
      balance: 0,
      orders: [{ status: 'partially-refunded', refundedCredits: 253, refundedKopecks: 49_757 }],
    })
    const again = (await routes.payments.action({
      request: post('/ru/account/payments', { orderId: order!.id, confirm: 'yes' }, person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as DataResult
    expect(statusOf(again)).toBe(422)
    expect(again.data.formError).toBe('checkout:payments.refusal.nothing-unspent')
  })

  it('refuses a refund after the 14 days', async () => {
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    await decide(person.cookie, order!.id, 'approve')
    const { getDb } = await import('~/platform/db/client.server')
    const { orders } = await import('../support/schema')
    const { eq } = await import('drizzle-orm')
    await (
      await getDb()
    )
      .update(orders)
      .set({ paidAt: new Date(Date.now() - 16 * 24 * 3600 * 1000) })
      .where(eq(orders.id, order!.id))
    const late = (await routes.payments.action({
      request: post('/ru/account/payments', { orderId: order!.id, confirm: 'yes' }, person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as DataResult
    expect(statusOf(late)).toBe(422)
    expect(late.data.formError).toBe('checkout:payments.refusal.too-late')
    expect((await state(person.userId)).balance).toBe(300)
  })
})

describe('checkout with T-Bank', () => {
  async function useTbank(timeoutMs?: number) {
    const { createTbankProvider, setPaymentProviderForTests } = await import('~/payments/provider.server')
    setPaymentProviderForTests(
      createTbankProvider(TBANK_TEST_TERMINAL, TBANK_TEST_PASSWORD, TBANK_API_URL, { timeoutMs }),
    )
  }

  async function webhook(body: Record<string, unknown>) {
    const response = (await routes.webhook.action({
      request: new Request(`${ORIGIN}/webhooks/tbank`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      }),
      params: {},
      context: {},
    })) as Response
    return { status: response.status, text: await response.text() }
  }

  it('sends Init with the amount, the order, the addresses and a receipt, and redirects to the PaymentURL', async () => {
    await useTbank()
    const person = await buyer('receipt@mail.example')
    const page = await checkoutPage(person.cookie)
    const started = await pay(person.cookie, { shownVersions: page.shownVersions, accept_terms: 'yes' })
    const [order] = (await state(person.userId)).orders
    const init = tbankMock.requestsTo('Init').find((r) => r.body?.OrderId === order!.id)
    expect(init!.body).toMatchObject({
      TerminalKey: TBANK_TEST_TERMINAL,
      Amount: 59_000,
      OrderId: order!.id,
      NotificationURL: 'http://localhost/webhooks/tbank',
      SuccessURL: `http://localhost/ru/checkout/${order!.id}/done?result=success`,
      FailURL: `http://localhost/ru/checkout/${order!.id}/done?result=fail`,
      // The payment page's deadline, 24 hours after the order, in Moscow time as the bank writes it.
      RedirectDueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/),
      Receipt: {
        Email: 'receipt@mail.example',
        Taxation: 'usn_income',
        Items: [{ Price: 59_000, Quantity: 1, Amount: 59_000, Tax: 'none' }],
      },
    })
    expect(location(started)).toBe(order!.paymentUrl)
    expect(order).toMatchObject({ status: 'pending', provider: 'tbank', terminalKey: TBANK_TEST_TERMINAL })
    const due = Date.parse(String(init!.body!.RedirectDueDate))
    expect(due - order!.createdAt.getTime()).toBeGreaterThan(24 * 3600_000 - 1000)
    expect(due - order!.createdAt.getTime()).toBeLessThanOrEqual(24 * 3600_000)

    // The bank's notifications: a forged one is refused, a good one answered OK and applied once.
    const confirmed = tbankMock.notificationFor(order!.paymentId!, 'CONFIRMED')
    expect(await webhook({ ...confirmed, Token: '0'.repeat(64) })).toEqual({ status: 403, text: 'Forbidden' })
    const { Token: _ignored, ...unsigned } = confirmed
    expect((await webhook(unsigned)).status).toBe(403)
    expect((await state(person.userId)).balance).toBe(0)
    expect(await webhook(confirmed)).toEqual({ status: 200, text: 'OK' })
    expect(await webhook(confirmed)).toEqual({ status: 200, text: 'OK' })
    expect((await state(person.userId)).balance).toBe(300)
    // The bank repeated CONFIRMED: still one payment mail, with the bank's receipt mentioned.
    const mails = await paymentMails('receipt@mail.example', order!.id)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await paymentMails('receipt@mail.example', order!.id, { timeoutMs: 0 })).toHaveLength(1)
    expect(mails[0]!.text).toContain('Кассовый чек за эту оплату придёт на этот адрес отдельно')
    // The token was checked on the body as sent, card details and all; what is kept has none of them.
    expect(confirmed).toMatchObject({ Pan: expect.any(String), ExpDate: expect.any(String), CardId: expect.anything() })
    const { getDb } = await import('~/platform/db/client.server')
    const { paymentNotifications } = await import('../support/schema')
    const { eq } = await import('drizzle-orm')
    const kept = await (
      await getDb()
    )
      .select()
      .from(paymentNotifications)
      .where(eq(paymentNotifications.orderId, order!.id))
    expect(kept.map((n) => n.outcome).sort()).toEqual(['applied', 'duplicate'])
    for (const n of kept) {
      expect(Object.keys(n.body as object).sort()).toEqual([
        'Amount',
        'ErrorCode',
        'OrderId',
        'PaymentId',
        'Status',
        'Success',
        'TerminalKey',
      ])
    }
    // A late AUTHORIZED changes nothing; a mismatched amount is refused and flagged.
    expect(await webhook(tbankMock.notificationFor(order!.paymentId!, 'AUTHORIZED'))).toEqual({
      status: 200,
      text: 'OK',
    })
    expect((await webhook(tbankMock.notificationFor(order!.paymentId!, 'CONFIRMED', { Amount: 100 }))).status).toBe(400)
    expect((await state(person.userId)).orders[0]).toMatchObject({
      status: 'confirmed',
      flaggedReason: expect.stringMatching(/amount 100/),
    })
  })

  async function paidTbankOrder() {
    await useTbank()
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    expect(await webhook(tbankMock.notificationFor(order!.paymentId!, 'CONFIRMED'))).toEqual({
      status: 200,
      text: 'OK',
    })
    return { person, order: order! }
  }

  async function spend(userId: string, credits: number) {
    const { getDb } = await import('~/platform/db/client.server')
    const { chargeJob } = await import('~/credits/movements.server')
    await (await getDb()).transaction((tx) => chargeJob(tx, `user:${userId}`, randomUUID(), credits))
  }

  async function refund(cookie: string, orderId: string) {
    try {
      return await routes.payments.action({
        request: post('/ru/account/payments', { intent: 'refund', orderId, confirm: 'yes' }, cookie),
        params: { lang: 'ru' },
        context: {},
      })
    } catch (thrown) {
      return thrown
    }
  }

  it('refunds through Cancel with the Amount and a receipt for the part returned; the bank’s notification settles it once', async () => {
    const { person, order } = await paidTbankOrder()
    await spend(person.userId, 100)
    expect(location(await refund(person.cookie, order.id))).toBe('/ru/account/payments?refunded=succeeded')
    const cancel = tbankMock.requestsTo('Cancel').find((r) => String(r.body?.PaymentId) === order.paymentId)
    // 590 ₽ × 200 ÷ 300 = 393.33… → 393.34 ₽, in the person's favour.
    expect(cancel!.body).toMatchObject({
      TerminalKey: TBANK_TEST_TERMINAL,
      PaymentId: order.paymentId,
      Amount: 39_334,
      Receipt: { Items: [{ Price: 39_334, Quantity: 1, Amount: 39_334 }] },
    })
    expect(await state(person.userId)).toMatchObject({
      balance: 0,
      orders: [{ status: 'partially-refunded', refundedCredits: 200, refundedKopecks: 39_334 }],
    })
    // The bank reports the refund: nothing more is taken.
    expect(await webhook(tbankMock.notificationFor(order.paymentId!, 'PARTIAL_REFUNDED'))).toEqual({
      status: 200,
      text: 'OK',
    })
    expect(await state(person.userId)).toMatchObject({ balance: 0, orders: [{ refundedCredits: 200 }] })
  })

  it('gives the credits back when the bank refuses the refund, and the refund can be asked for again', async () => {
    const { person, order } = await paidTbankOrder()
    server.use(...tbankScenarios.declined('Cancel', '8', 'Неверный статус транзакции'))
    const refused = (await refund(person.cookie, order.id)) as DataResult
    expect(statusOf(refused)).toBe(502)
    expect(refused.data.formError).toBe('checkout:payments.refusal.bank-refused')
    expect(await state(person.userId)).toMatchObject({
      balance: 300,
      orders: [{ status: 'confirmed', refundedCredits: 0, refundedKopecks: 0 }],
    })
    // The payments page still offers the refund of all 300 credits…
    const list = (await routes.payments.loader({
      request: get('/ru/account/payments', person.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as DataResult
    const rows = list.data.rows as Array<{ refund: { ok: boolean; credits?: number } }>
    expect(rows[0]!.refund).toMatchObject({ ok: true, credits: 300 })
    // …and once the bank accepts, it is made, once.
    server.resetHandlers()
    expect(location(await refund(person.cookie, order.id))).toBe('/ru/account/payments?refunded=succeeded')
    expect(await state(person.userId)).toMatchObject({
      balance: 0,
      orders: [{ status: 'refunded', refundedCredits: 300, refundedKopecks: 59_000 }],
    })
    const cancels = tbankMock.requestsTo('Cancel').filter((r) => String(r.body?.PaymentId) === order.paymentId)
    expect(cancels.map((r) => r.body?.Amount)).toEqual([59_000, 59_000])
    const third = (await refund(person.cookie, order.id)) as DataResult
    expect(statusOf(third)).toBe(422)
  })

  it('leaves nothing granted and says so when the bank declines Init', async () => {
    await useTbank()
    server.use(...tbankScenarios.declined('Init', '8', 'Неверный статус транзакции'))
    const person = await buyer()
    const page = await checkoutPage(person.cookie)
    const started = await pay(person.cookie, { shownVersions: page.shownVersions, accept_terms: 'yes' })
    const [order] = (await state(person.userId)).orders
    expect(location(started)).toBe(`/ru/checkout/${order!.id}/done`)
    expect(order).toMatchObject({ status: 'init-failed' })
    expect(order!.failure).toMatch(/declined/)
    expect((await state(person.userId)).balance).toBe(0)
  })

  async function cancel(cookie: string, orderId: string) {
    try {
      return await routes.payments.action({
        request: post('/ru/account/payments', { intent: 'cancel', orderId }, cookie),
        params: { lang: 'ru' },
        context: {},
      })
    } catch (thrown) {
      return thrown
    }
  }

  it('cancels an unpaid order at the bank (GetState, then Cancel of the NEW payment) and closes it', async () => {
    await useTbank()
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    expect(location(await cancel(person.cookie, order!.id))).toBe('/ru/account/payments?canceled=1')
    const calls = tbankMock.requests.filter((r) => String(r.body?.PaymentId) === order!.paymentId)
    expect(calls.map((r) => r.method)).toEqual(['GetState', 'Cancel'])
    // A payment in NEW is always cancelled in full: no Amount, no receipt.
    expect(calls[1]!.body).not.toHaveProperty('Amount')
    expect(tbankMock.payment(order!.paymentId!).Status).toBe('CANCELED')
    expect(await state(person.userId)).toMatchObject({
      balance: 0,
      orders: [{ status: 'canceled', bankStatus: 'CANCELED' }],
    })
    // The bank's CANCELED notification changes nothing more.
    expect(await webhook(tbankMock.notificationFor(order!.paymentId!, 'CANCELED'))).toEqual({ status: 200, text: 'OK' })
    expect((await state(person.userId)).orders[0]).toMatchObject({ status: 'canceled' })
  })

  it('does not cancel a payment the bank has already taken: that would refund it; the notification credits it', async () => {
    await useTbank()
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    tbankMock.setStatus(order!.paymentId!, 'CONFIRMED')
    const refused = (await cancel(person.cookie, order!.id)) as DataResult
    expect(statusOf(refused)).toBe(409)
    expect(refused.data.formError).toBe('checkout:payments.cancelRefusal.paid')
    expect(tbankMock.requestsTo('Cancel').filter((r) => String(r.body?.PaymentId) === order!.paymentId)).toEqual([])
    expect((await state(person.userId)).orders[0]).toMatchObject({ status: 'pending' })
    expect(await webhook(tbankMock.notificationFor(order!.paymentId!, 'CONFIRMED'))).toEqual({
      status: 200,
      text: 'OK',
    })
    expect(await state(person.userId)).toMatchObject({ balance: 300, orders: [{ status: 'confirmed' }] })
  })

  it('keeps the order waiting when the bank does not answer the cancel', async () => {
    await useTbank()
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    server.use(...tbankScenarios.httpError(503, 'GetState'))
    const refused = (await cancel(person.cookie, order!.id)) as DataResult
    expect(statusOf(refused)).toBe(502)
    expect(refused.data.formError).toBe('checkout:payments.cancelRefusal.bank-unavailable')
    expect((await state(person.userId)).orders[0]).toMatchObject({ status: 'pending' })
  })

  it('credits a late CONFIRMED for an order that expired on our clock: the money was taken', async () => {
    await useTbank()
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    const { getDb } = await import('~/platform/db/client.server')
    const { orders } = await import('../support/schema')
    const { eq } = await import('drizzle-orm')
    await (
      await getDb()
    )
      .update(orders)
      .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(orders.id, order!.id))
    expect((await paymentsList(person.cookie)).rows[0]).toMatchObject({ status: 'expired' })
    // The bank's own DEADLINE_EXPIRED changes nothing; a late AUTHORIZED neither.
    expect(await webhook(tbankMock.notificationFor(order!.paymentId!, 'AUTHORIZED'))).toEqual({
      status: 200,
      text: 'OK',
    })
    expect((await state(person.userId)).orders[0]).toMatchObject({ status: 'expired' })
    expect(await webhook(tbankMock.notificationFor(order!.paymentId!, 'CONFIRMED'))).toEqual({
      status: 200,
      text: 'OK',
    })
    expect(await webhook(tbankMock.notificationFor(order!.paymentId!, 'CONFIRMED'))).toEqual({
      status: 200,
      text: 'OK',
    })
    expect(await state(person.userId)).toMatchObject({ balance: 300, orders: [{ status: 'confirmed' }] })
    // Paid now, it is refundable as any other.
    expect((await paymentsList(person.cookie)).rows[0]).toMatchObject({ refund: { ok: true, credits: 300 } })
  })

  it('keeps the order pending when the bank does not answer in time', async () => {
    await useTbank(200)
    server.use(...tbankScenarios.slow(2_000, 'Init'))
    const person = await buyer()
    await payAccepted(person.cookie)
    const [order] = (await state(person.userId)).orders
    expect(order).toMatchObject({ status: 'pending', paymentId: null })
    expect(order!.failure).toMatch(/timeout/)
    expect((await state(person.userId)).balance).toBe(0)
    // No payment page came back: the page offers a new payment and the cancel, which needs no call to the bank.
    expect((await paymentsList(person.cookie)).rows[0]).toMatchObject({
      resumeUrl: null,
      cancellable: true,
      retryUrl: `/ru/checkout/${PACK}`,
    })
    const before = tbankMock.requests.length
    expect(location(await cancel(person.cookie, order!.id))).toBe('/ru/account/payments?canceled=1')
    expect(tbankMock.requests.length).toBe(before)
    expect((await state(person.userId)).orders[0]).toMatchObject({ status: 'canceled' })
  })
})
