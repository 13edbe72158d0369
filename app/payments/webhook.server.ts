import { getDb } from '~/platform/db/client.server'
import { readBodyWithin } from '~/platform/read-body.server'
import { logger } from '~/platform/log.server'
import { refuseWebhook } from '~/platform/security/refused-webhooks.server'
import { applyNotification, type ApplyOptions, type NotificationOutcome } from './notifications.server'
import { getPaymentProvider } from './provider.server'
import { verifyNotificationToken } from './tbank/token.server'

/** The largest notification body read; the bank's are a few hundred bytes (the same as server/body-limit.ts). */
export const MAX_NOTIFICATION_BYTES = 16 * 1024

export type WebhookAnswer = {
  status: number
  body: string
  outcome: NotificationOutcome | 'bad-request' | 'too-large'
  /** Set on a 429: refused calls from this address (or from everybody) are over their limit. */
  retryAfterSeconds?: number
}

/**
 * A payment notification from the bank (or the sandbox): the Token is
 * checked with the terminal password first; a missing or wrong one is
 * refused and logged (the request-level answerPaymentWebhook also limits
 * and records the refusal). A good one is applied (exactly once) and answered
 * with HTTP 200 and the body `OK`, as the bank expects; a notification that
 * does not match its order is refused so it shows as failed at the bank.
 */
export async function handlePaymentNotification(body: unknown, options: ApplyOptions = {}): Promise<WebhookAnswer> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { status: 400, body: 'Bad Request', outcome: 'bad-request' }
  }
  const fields = body as Record<string, unknown>
  const provider = getPaymentProvider()
  const db = await getDb()
  if (!verifyNotificationToken(fields, provider.password)) {
    logger.warn(
      { event: 'payment.notification.bad-token', orderId: String(fields.OrderId ?? ''), hasToken: 'Token' in fields },
      'payment notification with a bad or missing token refused',
    )
    return { status: 403, body: 'Forbidden', outcome: 'bad-token' }
  }
  const outcome = await applyNotification(
    db,
    {
      terminalKey: String(fields.TerminalKey ?? ''),
      orderId: String(fields.OrderId ?? ''),
      paymentId: String(fields.PaymentId ?? ''),
      status: String(fields.Status ?? ''),
      amountKopecks: Number.isSafeInteger(fields.Amount) ? (fields.Amount as number) : -1,
      success: fields.Success === true || fields.Success === 'true',
      body: fields,
    },
    options,
  )
  if (outcome === 'mismatch' || outcome === 'unknown-order') return { status: 400, body: 'Rejected', outcome }
  return { status: 200, body: 'OK', outcome }
}

/**
 * The webhook's body within the size limit: its bytes and its JSON (null
 * when it is not JSON); null when it is over the limit.
 */
export async function readNotificationBody(request: Request): Promise<{ bytes: Buffer; fields: unknown } | null> {
  const body = await readBodyWithin(request, MAX_NOTIFICATION_BYTES)
  if (!body.ok) return null
  try {
    return { bytes: body.bytes, fields: JSON.parse(body.bytes.toString('utf8')) as unknown }
  } catch {
    return { bytes: body.bytes, fields: null }
  }
}

/**
 * POST /webhooks/tbank: reads the body within its limit and handles it. A
 * refused call (a bad or missing Token, a body that is not a notification)
 * is counted against the refused-webhook limits and, within them, kept as a
 * summary (app/platform/security/refused-webhooks.server.ts); past them it is
 * answered 429 and nothing is written. Genuine notifications are never limited.
 */
export async function answerPaymentWebhook(
  request: Request,
  ip: string | null,
  options: ApplyOptions = {},
): Promise<WebhookAnswer> {
  const body = await readNotificationBody(request)
  if (!body) return { status: 413, body: 'Payload Too Large', outcome: 'too-large' }
  const answer = await handlePaymentNotification(body.fields, options)
  if (answer.outcome !== 'bad-token' && answer.outcome !== 'bad-request') return answer
  const limit = await refuseWebhook(await getDb(), {
    webhook: 'tbank',
    reason: answer.outcome === 'bad-token' ? 'bad-token' : 'malformed',
    body: body.bytes,
    ip,
  })
  if (!limit.ok) {
    return {
      status: 429,
      body: 'Too Many Requests',
      outcome: answer.outcome,
      retryAfterSeconds: limit.retryAfterSeconds,
    }
  }
  return answer
}
