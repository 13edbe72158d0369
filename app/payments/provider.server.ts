import { createHmac, randomInt } from 'node:crypto'
import { getEnv } from '~/platform/env.server'
import { getSigningSecret } from '~/platform/security/signing-secret.server'
import type { OrderRow } from './schema'
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

export type PaymentProvider = {
  kind: 'tbank' | 'sandbox'
  terminalKey: string
  /** Signs and verifies notifications (the terminal password). */
  password: string
  init(order: OrderRow, urls: { notification: string; success: string; fail: string }): Promise<InitOutcome>
  cancel(order: OrderRow, amountKopecks: number, credits: number): Promise<CancelOutcome>
}

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
