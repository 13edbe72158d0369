import { createHmac, randomInt } from 'node:crypto'
import { getEnv } from '~/platform/env.server'
import { getSigningSecret } from '~/platform/security/signing-secret.server'
import type { OrderRow } from './schema'
import { redirectDueDate } from './deadline.server'
import { createTbankClient, TbankError } from './tbank/client.server'
import { buildReceipt } from './tbank/receipt.server'
import { tbankToken } from './tbank/token.server'

/**
 * Where payments go: T-Bank when TBANK_TERMINAL_KEY and TBANK_PASSWORD are
 * set, otherwise the sandbox: a local test payment page that sends correctly
 * signed notifications through the same webhook code.
 */

export type InitOutcome =
  | { ok: true; paymentId: string; paymentUrl: string }
  | { ok: false; kind: 'declined' | 'timeout' | 'unavailable'; detail: string }

export type CancelOutcome =
  { ok: true; bankStatus: string } | { ok: false; kind: 'declined' | 'timeout' | 'unavailable'; detail: string }

/**
 * Closing the bank's side of an order nobody paid: `canceled` when the
 * bank's payment was cancelled (or there was none to cancel, or the bank had
 * already closed it), `paid` when the bank already holds or took the money,
 * `in-progress` while the person is in the middle of paying (3-D Secure…).
 */
export type CancelUnpaidOutcome =
  | { ok: true; bankStatus: string | null }
  | { ok: false; kind: 'paid' | 'in-progress' | 'declined' | 'timeout' | 'unavailable'; detail: string }

export type PaymentProvider = {
  kind: 'tbank' | 'sandbox'
  terminalKey: string
  /** Signs and verifies notifications (the terminal password). */
  password: string
  init(order: OrderRow, urls: { notification: string; success: string; fail: string }): Promise<InitOutcome>
  cancel(order: OrderRow, amountKopecks: number, credits: number): Promise<CancelOutcome>
  /** Asks the bank for the payment's state and cancels it only while nobody has paid (NEW, FORM_SHOWED). */
  cancelUnpaid(order: OrderRow): Promise<CancelUnpaidOutcome>
}

/** Bank statuses of a payment nobody has started paying: Cancel turns them into CANCELED, full amount. */
const CANCELLABLE_UNPAID = new Set(['NEW', 'FORM_SHOWED'])
/** Bank statuses where the money is held or taken: cancelling now would reverse or refund a payment. */
const MONEY_MOVED = new Set([
  'AUTHORIZED',
  'CONFIRMING',
  'CONFIRMED',
  'PARTIAL_REFUNDED',
  'REFUNDING',
  'ASYNC_REFUNDING',
  'REFUNDED',
  'PARTIAL_REVERSED',
  'REVERSING',
])
/** Bank statuses that already end the payment without money: nothing is left to cancel. */
const ALREADY_CLOSED = new Set([
  'CANCELED',
  'REJECTED',
  'DEADLINE_EXPIRED',
  'AUTH_FAIL',
  'ATTEMPTS_EXPIRED',
  'REVERSED',
])

export const SANDBOX_TERMINAL = 'PalitraSandbox'

/** The sandbox's terminal password: derived from the signing secret, so it is stable and never shipped. */
function sandboxPassword() {
  return createHmac('sha256', getSigningSecret()).update('tbank-sandbox-terminal').digest('base64url')
}

function receiptFor(order: OrderRow, amountKopecks: number, credits: number) {
  // Only a live account pays or asks for a refund; a deleted account's orders keep no address.
  if (!order.receiptEmail) throw new Error(`order ${order.id} has no receipt e-mail`)
  const env = getEnv()
  return buildReceipt({
    email: order.receiptEmail,
    taxation: env.RECEIPT_TAXATION,
    items: [
      {
        name: `${order.packName} (${credits})`,
        priceKopecks: amountKopecks,
        quantity: 1,
        tax: env.RECEIPT_TAX,
      },
    ],
  })
}

function failureOf(error: unknown): { kind: 'declined' | 'timeout' | 'unavailable'; detail: string } {
  if (error instanceof TbankError) {
    const kind = error.kind === 'declined' ? 'declined' : error.kind === 'timeout' ? 'timeout' : 'unavailable'
    return { kind, detail: [error.errorCode, error.message, error.details].filter(Boolean).join(' ') }
  }
  return { kind: 'unavailable', detail: error instanceof Error ? error.message : String(error) }
}

export function createTbankProvider(
  terminalKey: string,
  password: string,
  apiUrl: string,
  opts: { timeoutMs?: number } = {},
): PaymentProvider {
  const client = createTbankClient({ terminalKey, password, apiUrl, timeoutMs: opts.timeoutMs })
  return {
    kind: 'tbank',
    terminalKey,
    password,
    async init(order, urls) {
      try {
        const answer = await client.init({
          Amount: order.amountKopecks,
          OrderId: order.id,
          Description: order.packName.slice(0, 140),
          Language: order.locale,
          NotificationURL: urls.notification,
          SuccessURL: urls.success,
          FailURL: urls.fail,
          // The payment page's deadline, set here rather than left to the terminal's setting.
          RedirectDueDate: redirectDueDate(order.createdAt),
          Receipt: receiptFor(order, order.amountKopecks, order.credits),
        })
        if (!answer.PaymentURL) return { ok: false, kind: 'declined', detail: 'no PaymentURL in the answer' }
        return { ok: true, paymentId: String(answer.PaymentId), paymentUrl: answer.PaymentURL }
      } catch (error) {
        return { ok: false, ...failureOf(error) }
      }
    },
    async cancel(order, amountKopecks, credits) {
      if (!order.paymentId) return { ok: false, kind: 'declined', detail: 'the order has no payment' }
      try {
        // A full refund needs no receipt; a partial one names the part returned.
        const full = amountKopecks >= order.amountKopecks - order.refundedKopecks
        const answer = await client.cancel({
          paymentId: order.paymentId,
          amount: amountKopecks,
          ...(full ? {} : { receipt: receiptFor(order, amountKopecks, credits) }),
        })
        return { ok: true, bankStatus: String(answer.Status ?? '') }
      } catch (error) {
        return { ok: false, ...failureOf(error) }
      }
    },
    async cancelUnpaid(order) {
      // No payment at the bank (Init failed or timed out before a PaymentId came back): nothing to cancel there.
      if (!order.paymentId) return { ok: true, bankStatus: null }
      try {
        // Cancel on a CONFIRMED payment is a refund: look first, and cancel only a payment nobody has paid.
        const state = await client.getState({ paymentId: order.paymentId })
        const status = String(state.Status)
        if (ALREADY_CLOSED.has(status)) return { ok: true, bankStatus: status }
        if (MONEY_MOVED.has(status)) return { ok: false, kind: 'paid', detail: `the payment is ${status}` }
        if (!CANCELLABLE_UNPAID.has(status)) {
          return { ok: false, kind: 'in-progress', detail: `the payment is ${status}` }
        }
        // No Amount: a payment in NEW is always cancelled in full.
        const answer = await client.cancel({ paymentId: order.paymentId })
        return { ok: true, bankStatus: String(answer.Status) }
      } catch (error) {
        return { ok: false, ...failureOf(error) }
      }
    },
  }
}

function sandboxProvider(): PaymentProvider {
  const password = sandboxPassword()
  return {
    kind: 'sandbox',
    terminalKey: SANDBOX_TERMINAL,
    password,
    async init(order) {
      return {
        ok: true,
        paymentId: String(randomInt(100_000_000, 999_999_999)),
        paymentUrl: `/${order.locale}/checkout/sandbox/${order.id}`,
      }
    },
    async cancel(order, amountKopecks) {
      const remaining = order.amountKopecks - order.refundedKopecks - amountKopecks
      return { ok: true, bankStatus: remaining > 0 ? 'PARTIAL_REFUNDED' : 'REFUNDED' }
    },
    async cancelUnpaid() {
      // The test page offers nothing to pay once the order is closed: there is nothing else to cancel.
      return { ok: true, bankStatus: 'CANCELED' }
    },
  }
}

let cached: PaymentProvider | undefined

export function getPaymentProvider(): PaymentProvider {
  if (cached) return cached
  const env = getEnv()
  cached =
    env.TBANK_TERMINAL_KEY && env.TBANK_PASSWORD
      ? createTbankProvider(env.TBANK_TERMINAL_KEY, env.TBANK_PASSWORD, env.TBANK_API_URL)
      : sandboxProvider()
  return cached
}

export function setPaymentProviderForTests(provider: PaymentProvider | undefined) {
  cached = provider
}

/** A notification body as the bank sends it, signed with the provider's password (the sandbox sends these). */
export function signedNotification(
  provider: Pick<PaymentProvider, 'terminalKey' | 'password'>,
  fields: { orderId: string; paymentId: string; status: string; amountKopecks: number },
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    TerminalKey: provider.terminalKey,
    OrderId: fields.orderId,
    Success: !['REJECTED', 'AUTH_FAIL'].includes(fields.status),
    Status: fields.status,
    PaymentId: Number(fields.paymentId),
    ErrorCode: fields.status === 'REJECTED' ? '1051' : '0',
    Amount: fields.amountKopecks,
    CardId: 1,
    Pan: '430000******0777',
    ExpDate: '1230',
  }
  body.Token = tbankToken(body, provider.password)
  return body
}
