import { z } from 'zod'
import { kopecks, TbankReceiptSchema } from './receipt.server'
import type { TbankStatus } from './statuses.server'
import { verifyNotificationToken } from './token.server'

/**
 * T-Bank (Tinkoff) internet acquiring, API v2: the documented request and
 * response shapes of Init, Cancel and GetState, and of the notifications the
 * bank sends.
 *
 * Sources (developer.tbank.ru/eacq): "Токен" (intro/developer/token),
 * "Уведомления об операциях" (intro/developer/notification), the method pages
 * api/init, api/cancel, api/get-state, "Коды ошибок" (intro/errors/error-codes)
 * and "Статусы операций" (intro/developer/operation-statuses).
 */

const errorCode = z.union([z.string(), z.number()]).transform(String)
const paymentId = z.union([z.string().min(1), z.int().nonnegative()]).transform(String)
const status = z.string().min(1) as z.ZodType<TbankStatus | (string & {})>
const optionalText = z.string().nullish()

/** Fields every answer carries; used to read declined answers of any method. */
export const TbankBaseResponseSchema = z.looseObject({
  Success: z.boolean(),
  ErrorCode: errorCode,
  Message: optionalText,
  Details: optionalText,
})

export const TbankInitRequestSchema = z.object({
  TerminalKey: z.string().min(1).max(20),
  Amount: z.int().positive(),
  OrderId: z.string().min(1).max(36),
  Description: z.string().max(140).optional(),
  CustomerKey: z.string().min(1).max(36).optional(),
  PayType: z.enum(['O', 'T']).optional(),
  Language: z.enum(['ru', 'en']).optional(),
  NotificationURL: z.url().optional(),
  SuccessURL: z.url().optional(),
  FailURL: z.url().optional(),
  RedirectDueDate: z.string().optional(),
  DATA: z
    .record(z.string().max(20), z.string().max(100))
    .refine((data) => Object.keys(data).length <= 20, { message: 'DATA holds at most 20 pairs' })
    .optional(),
  Receipt: TbankReceiptSchema.optional(),
  Token: z.string().optional(),
})

/** What every successful answer carries. */
const answered = {
  Success: z.literal(true),
  ErrorCode: z.literal('0'),
  Message: optionalText,
  Details: optionalText,
}

export const TbankInitResponseSchema = z.looseObject({
  ...answered,
  TerminalKey: z.string(),
  Status: status,
  PaymentId: paymentId,
  OrderId: z.string(),
  Amount: kopecks,
  // Documented as sent to merchants who use the bank's payment form, as this site does.
  PaymentURL: z.url(),
})

export const TbankCancelRequestSchema = z.object({
  TerminalKey: z.string().min(1).max(20),
  PaymentId: z.string().min(1).max(20),
  Amount: z.int().positive().optional(),
  Receipt: TbankReceiptSchema.optional(),
  Token: z.string().optional(),
})

/**
 * Read leniently where it costs nothing: a refund that went through must not
 * be reported as failed because an echo field was left out.
 */
export const TbankCancelResponseSchema = z.looseObject({
  ...answered,
  TerminalKey: z.string().optional(),
  Status: status,
  PaymentId: paymentId,
  OrderId: z.string().optional(),
  OriginalAmount: kopecks,
  NewAmount: kopecks,
})

export const TbankGetStateRequestSchema = z.object({
  TerminalKey: z.string().min(1).max(20),
  PaymentId: z.string().min(1).max(20),
  Token: z.string().optional(),
})

export const TbankGetStateResponseSchema = z.looseObject({
  ...answered,
  TerminalKey: z.string(),
  Status: status,
  PaymentId: paymentId,
  OrderId: z.string(),
  Amount: kopecks,
})

/**
 * What the bank POSTs to NotificationURL. Extra fields are kept (the token
 * covers them). PaymentId, CardId and RebillId arrive as numbers or strings
 * and are read as strings; `Data` holds the DATA of Init when the bank has
 * been asked to echo it.
 */
export const TbankNotificationSchema = z.looseObject({
  TerminalKey: z.string().min(1),
  OrderId: z.string().min(1),
  Success: z.boolean(),
  Status: status,
  PaymentId: paymentId,
  ErrorCode: errorCode,
  Amount: kopecks,
  CardId: paymentId.nullish(),
  Pan: z.string().nullish(),
  ExpDate: z.string().nullish(),
  RebillId: paymentId.nullish(),
  Token: z.string(),
  Data: z.record(z.string(), z.unknown()).nullish(),
  DATA: z.record(z.string(), z.unknown()).nullish(),
})

export type TbankInitRequest = z.input<typeof TbankInitRequestSchema>
export type TbankInitResponse = z.output<typeof TbankInitResponseSchema>
export type TbankCancelRequest = z.input<typeof TbankCancelRequestSchema>
export type TbankCancelResponse = z.output<typeof TbankCancelResponseSchema>
export type TbankGetStateRequest = z.input<typeof TbankGetStateRequestSchema>
export type TbankGetStateResponse = z.output<typeof TbankGetStateResponseSchema>
export type TbankNotification = z.output<typeof TbankNotificationSchema>

export type TbankNotificationCheck =
  | { ok: true; notification: TbankNotification }
  | { ok: false; reason: 'not-an-object' | 'bad-token' | 'wrong-terminal' | 'bad-shape'; issues?: string }

/**
 * Verifies and reads a notification body (the parsed JSON, untouched). The
 * token is checked first, on the raw body, so nothing a forger sends is
 * trusted; then the terminal; then the shape.
 */
export function checkNotification(
  body: unknown,
  opts: { password: string; terminalKey: string },
): TbankNotificationCheck {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'not-an-object' }
  const raw = body as Record<string, unknown>
  if (!verifyNotificationToken(raw, opts.password)) return { ok: false, reason: 'bad-token' }
  if (raw.TerminalKey !== opts.terminalKey) return { ok: false, reason: 'wrong-terminal' }
  const parsed = TbankNotificationSchema.safeParse(raw)
  if (!parsed.success) return { ok: false, reason: 'bad-shape', issues: z.prettifyError(parsed.error) }
  return { ok: true, notification: parsed.data }
}
