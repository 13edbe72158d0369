import { getDb } from '~/db/client.server'
import { readBodyWithin } from '~/lib/read-body.server'
import { logger } from '~/log.server'
import {
  applyNotification,
  recordForgedNotification,
  type ApplyOptions,
  type NotificationOutcome,
} from './notifications.server'
import { getPaymentProvider } from './provider.server'
import { verifyNotificationToken } from './tbank.server'

/** The largest notification body read; the bank's are a few hundred bytes (the same as server/body-limit.ts). */
export const MAX_NOTIFICATION_BYTES = 16 * 1024

export type WebhookAnswer = { status: number; body: string; outcome: NotificationOutcome | 'bad-request' }

/**
 * A payment notification from the bank (or the sandbox): the Token is
 * checked with the terminal password first; a missing or wrong one is
 * refused and logged. A good one is applied (exactly once) and answered
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
    await recordForgedNotification(db, fields)
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

/** Reads the webhook's JSON body within the size limit; null when it is not JSON. */
export async function readNotificationBody(request: Request): Promise<unknown> {
  const body = await readBodyWithin(request, MAX_NOTIFICATION_BYTES)
  if (!body.ok) return null
  try {
    return JSON.parse(body.bytes.toString('utf8')) as unknown
  } catch {
    return null
  }
}
