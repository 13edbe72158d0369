import { createHash, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { logger } from '~/log.server'

/**
 * T-Bank (Tinkoff) internet acquiring, API v2: the request signature, the
 * documented request/response shapes, the 54-FZ receipt and a small client
 * for Init, Cancel and GetState.
 *
 * Sources (developer.tbank.ru/eacq): "Токен" (intro/developer/token),
 * "Уведомления об операциях" (intro/developer/notification), the method pages
 * api/init, api/cancel, api/get-state, "Коды ошибок" (intro/errors/error-codes)
 * and "Статусы операций" (intro/developer/operation-statuses).
 *
 * Money is integer kopecks everywhere. The terminal password and the Token
 * are never logged.
 */

/** Production API. The DEMO terminal of a shop also talks to this host. */
export const TBANK_PRODUCTION_API_URL = 'https://securepay.tinkoff.ru/v2'
/** The bank's test environment (a working terminal without the DEMO suffix; IP allow-list required). */
export const TBANK_TEST_API_URL = 'https://rest-api-test.tinkoff.ru/v2'

// ---------------------------------------------------------------------------
// Token (request and notification signature)
// ---------------------------------------------------------------------------

function tokenValue(key: string, value: unknown): string | null {
  // Only root-level scalars take part; nested objects and arrays (Receipt,
  // DATA, Data, Shops) do not. Null values are left out, as the bank does
  // when it builds a notification.
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`T-Bank token: ${key} is not a finite number`)
    return String(value)
  }
  if (typeof value === 'bigint') return value.toString()
  return null
}

/**
 * The documented request signature: the root-level scalar parameters except
 * Token, plus `Password`, sorted by key, their values concatenated (booleans
 * as `true`/`false`, numbers in decimal), SHA-256 of the UTF-8 string,
 * lowercase hex. Keys are compared by UTF-16 code unit (plain `<`), which is
 * the order of the documentation's examples; locale-aware sorting could put
 * `IP` after `Info`.
 */
export function tbankToken(params: Record<string, unknown>, password: string): string {
  const pairs: Array<[string, string]> = [['Password', password]]
  for (const [key, raw] of Object.entries(params)) {
    if (key === 'Token' || key === 'Password') continue
    const value = tokenValue(key, raw)
    if (value !== null) pairs.push([key, value])
  }
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('sha256')
    .update(pairs.map(([, value]) => value).join(''), 'utf8')
    .digest('hex')
}

/**
 * True when the body's Token is the signature of the rest of the body with
 * this password. Compared in constant time; false when Token is missing or
 * not a 64-character hex string.
 */
export function verifyNotificationToken(body: Record<string, unknown>, password: string): boolean {
  const received = body.Token
  if (typeof received !== 'string' || !/^[0-9a-f]{64}$/i.test(received)) return false
  let expected: string
  try {
    expected = tbankToken(body, password)
  } catch {
    return false
  }
  return timingSafeEqual(Buffer.from(received.toLowerCase(), 'utf8'), Buffer.from(expected, 'utf8'))
}

// ---------------------------------------------------------------------------
// Statuses
// ---------------------------------------------------------------------------

/**
 * Payment statuses. The first eighteen are the ones this site acts on; the
 * last five also appear in the bank's status list (intermediate checks,
 * SBP refunds, too many form openings) and are accepted so a payment in one
 * of them is not mistaken for a malformed answer.
 */
export const TBANK_STATUSES = [
  'NEW',
  'FORM_SHOWED',
  'AUTHORIZING',
  '3DS_CHECKING',
  '3DS_CHECKED',
  'AUTHORIZED',
  'CONFIRMING',
  'CONFIRMED',
  'REVERSING',
  'PARTIAL_REVERSED',
  'REVERSED',
  'REFUNDING',
  'PARTIAL_REFUNDED',
  'REFUNDED',
  'REJECTED',
  'CANCELED',
  'DEADLINE_EXPIRED',
  'AUTH_FAIL',
  'PREAUTHORIZING',
  'PAY_CHECKING',
  'CONFIRM_CHECKING',
  'ASYNC_REFUNDING',
  'ATTEMPTS_EXPIRED',
] as const

export type TbankStatus = (typeof TBANK_STATUSES)[number]

/**
 * Statuses after which the bank changes nothing by itself. CONFIRMED and the
 * partial ones can still move, but only when the merchant asks for a refund.
 */
export const TBANK_FINAL_STATUSES: ReadonlySet<TbankStatus> = new Set<TbankStatus>([
  'CONFIRMED',
  'PARTIAL_REVERSED',
  'REVERSED',
  'PARTIAL_REFUNDED',
  'REFUNDED',
  'REJECTED',
  'CANCELED',
  'DEADLINE_EXPIRED',
  'AUTH_FAIL',
  'ATTEMPTS_EXPIRED',
])

/** Statuses that end a payment without the money being taken. */
export const TBANK_FAILED_STATUSES: ReadonlySet<TbankStatus> = new Set<TbankStatus>([
  'REJECTED',
  'CANCELED',
  'DEADLINE_EXPIRED',
  'AUTH_FAIL',
  'ATTEMPTS_EXPIRED',
  'REVERSED',
])

export function isTbankStatus(status: string): status is TbankStatus {
  return (TBANK_STATUSES as readonly string[]).includes(status)
}

export function isFinalTbankStatus(status: string): boolean {
  return isTbankStatus(status) && TBANK_FINAL_STATUSES.has(status)
}

// ---------------------------------------------------------------------------
// Receipt (54-FZ, FFD 1.05)
// ---------------------------------------------------------------------------

export const TBANK_TAXATIONS = ['osn', 'usn_income', 'usn_income_outcome', 'esn', 'patent'] as const
export const TBANK_TAXES = [
  'none',
  'vat0',
  'vat5',
  'vat7',
  'vat10',
  'vat20',
  'vat105',
  'vat107',
  'vat110',
  'vat120',
] as const
export const TBANK_PAYMENT_METHODS = [
  'full_prepayment',
  'prepayment',
  'advance',
  'full_payment',
  'partial_payment',
  'credit',
  'credit_payment',
] as const
export const TBANK_PAYMENT_OBJECTS = [
  'commodity',
  'excise',
  'job',
  'service',
  'gambling_bet',
  'gambling_prize',
  'lottery',
  'lottery_prize',
  'intellectual_activity',
  'payment',
  'agent_commission',
  'composite',
  'another',
] as const

export type TbankTaxation = (typeof TBANK_TAXATIONS)[number]
export type TbankTax = (typeof TBANK_TAXES)[number]
export type TbankPaymentMethod = (typeof TBANK_PAYMENT_METHODS)[number]
export type TbankPaymentObject = (typeof TBANK_PAYMENT_OBJECTS)[number]

/** FFD tag 1030 (item name) holds at most 128 characters. */
export const RECEIPT_ITEM_NAME_MAX = 128
/** The bank takes at most 100 items in one receipt. */
export const RECEIPT_ITEMS_MAX = 100

const kopecks = z.int().nonnegative()

export const TbankReceiptItemSchema = z.object({
  Name: z.string().min(1).max(RECEIPT_ITEM_NAME_MAX),
  Price: kopecks,
  Quantity: z.number().positive(),
  Amount: kopecks,
  Tax: z.enum(TBANK_TAXES),
  PaymentMethod: z.enum(TBANK_PAYMENT_METHODS).optional(),
  PaymentObject: z.enum(TBANK_PAYMENT_OBJECTS).optional(),
})

/**
 * The receipt in FFD 1.05 shape. `FfdVersion` is left out: the bank's default
 * is 1.05, and FFD 1.2 needs more per item (MeasurementUnit among others).
 */
export const TbankReceiptSchema = z
  .object({
    FfdVersion: z.enum(['1.05', '1.2']).optional(),
    Email: z.email().optional(),
    Phone: z
      .string()
      .regex(/^\+\d{5,15}$/)
      .optional(),
    Taxation: z.enum(TBANK_TAXATIONS),
    Items: z.array(TbankReceiptItemSchema).min(1).max(RECEIPT_ITEMS_MAX),
  })
  .refine((receipt) => receipt.Email !== undefined || receipt.Phone !== undefined, {
    message: 'a receipt needs Email or Phone',
  })

export type TbankReceiptItem = z.infer<typeof TbankReceiptItemSchema>
export type TbankReceipt = z.infer<typeof TbankReceiptSchema>

export type ReceiptInput = {
  email: string
  taxation: TbankTaxation
  items: Array<{
    name: string
    priceKopecks: number
    quantity: number
    tax: TbankTax
    paymentMethod?: TbankPaymentMethod
    paymentObject?: TbankPaymentObject
  }>
}

/** The name cut to the FFD limit without splitting a character made of two UTF-16 units. */
function receiptItemName(name: string): string {
  const chars = Array.from(name.trim().replace(/\s+/g, ' '))
  return chars.length <= RECEIPT_ITEM_NAME_MAX ? chars.join('') : chars.slice(0, RECEIPT_ITEM_NAME_MAX).join('')
}

/**
 * The `Receipt` object for Init (and for a partial Cancel, listing what is
 * returned). Amount of each item is Price × Quantity in whole kopecks; a
 * fractional result is refused rather than rounded.
 *
 * Defaults: a credit pack is paid for before anything is delivered, and the
 * credits are spent later on a service (image generation). Under 54-FZ that
 * is a 100 % prepayment (`full_prepayment`, tag 1214) for a service
 * (`service`, tag 1212). The bank's own defaults (`full_payment`,
 * `commodity`) would describe the sale of goods handed over at once.
 */
export function buildReceipt(input: ReceiptInput): TbankReceipt {
  if (input.items.length === 0) throw new RangeError('receipt: no items')
  if (input.items.length > RECEIPT_ITEMS_MAX) throw new RangeError(`receipt: more than ${RECEIPT_ITEMS_MAX} items`)
  const items = input.items.map((item, index): TbankReceiptItem => {
    const name = receiptItemName(item.name)
    if (!name) throw new RangeError(`receipt: item ${index} has no name`)
    if (!Number.isSafeInteger(item.priceKopecks) || item.priceKopecks < 0) {
      throw new RangeError(`receipt: item ${index} price must be a non-negative integer of kopecks`)
    }
    if (!Number.isFinite(item.quantity) || item.quantity <= 0) {
      throw new RangeError(`receipt: item ${index} quantity must be positive`)
    }
    const amount = item.priceKopecks * item.quantity
    // Quantities such as 0.5 are allowed as long as the sum is whole kopecks.
    const whole = Math.round(amount)
    if (Math.abs(amount - whole) > 1e-9 || !Number.isSafeInteger(whole)) {
      throw new RangeError(`receipt: item ${index} amount ${amount} is not a whole number of kopecks`)
    }
    return {
      Name: name,
      Price: item.priceKopecks,
      Quantity: item.quantity,
      Amount: whole,
      Tax: item.tax,
      PaymentMethod: item.paymentMethod ?? 'full_prepayment',
      PaymentObject: item.paymentObject ?? 'service',
    }
  })
  return TbankReceiptSchema.parse({ Email: input.email, Taxation: input.taxation, Items: items })
}

/** The sum of the items' Amount; Init requires it to equal the payment's Amount. */
export function receiptTotal(receipt: Pick<TbankReceipt, 'Items'>): number {
  return receipt.Items.reduce((sum, item) => sum + item.Amount, 0)
}

// ---------------------------------------------------------------------------
// Requests and responses
// ---------------------------------------------------------------------------

const errorCode = z.union([z.string(), z.number()]).transform(String)
const paymentId = z.union([z.string().min(1), z.int().nonnegative()]).transform(String)
const status = z.string().min(1) as z.ZodType<TbankStatus | (string & {})>
const optionalText = z.string().nullish()

/** Fields every answer carries; used to read declined answers of any method. */
const TbankBaseResponseSchema = z.looseObject({
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

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

export type TbankMethod = 'Init' | 'Cancel' | 'GetState'

/**
 * - `timeout`: no answer within the time limit. The outcome is unknown.
 * - `network`: the connection failed. The outcome is unknown unless the
 *   request never left (the client cannot tell).
 * - `http`: the bank answered with a non-2xx status (it documents 500).
 * - `declined`: a well-formed answer with `Success: false` or an ErrorCode
 *   other than "0"; `errorCode`, `message` and `details` are the bank's.
 * - `bad-response`: 2xx but not JSON, or not the documented shape, or an
 *   answer about a different order, amount or terminal.
 */
export type TbankErrorKind = 'timeout' | 'network' | 'http' | 'declined' | 'bad-response'

export class TbankError extends Error {
  override readonly name = 'TbankError'
  readonly kind: TbankErrorKind
  readonly method: TbankMethod
  /** The bank's ErrorCode, when it sent one. */
  readonly errorCode: string | undefined
  /** The bank's Details, when it sent them. */
  readonly details: string | undefined
  readonly httpStatus: number | undefined

  constructor(
    kind: TbankErrorKind,
    method: TbankMethod,
    message: string,
    extra: { errorCode?: string; details?: string; httpStatus?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause })
    this.kind = kind
    this.method = method
    this.errorCode = extra.errorCode
    this.details = extra.details
    this.httpStatus = extra.httpStatus
  }

  /**
   * True when the request may have taken effect at the bank although no
   * usable answer came: after a timeout, a network failure, a 5xx or an
   * unreadable 2xx. Only a decline or a 4xx says for sure nothing happened.
   */
  get outcomeUnknown(): boolean {
    if (this.kind === 'declined') return false
    if (this.kind === 'http') return (this.httpStatus ?? 0) >= 500
    return true
  }
}

// ---------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------

export type TbankClientOptions = {
  terminalKey: string
  password: string
  /** `https://securepay.tinkoff.ru/v2` in production; `https://rest-api-test.tinkoff.ru/v2` for the test environment. */
  apiUrl: string
  /** Per attempt; 15 s by default. */
  timeoutMs?: number
  fetch?: typeof fetch
}

export type TbankInitParams = Omit<TbankInitRequest, 'TerminalKey' | 'Token'>

export type TbankClient = {
  /** Creates a payment; the buyer pays on `PaymentURL`. Never retried (see below). */
  init(params: TbankInitParams): Promise<TbankInitResponse>
  /** Cancels (NEW), reverses (AUTHORIZED) or refunds (CONFIRMED) a payment, in full or for `amount` kopecks. Never retried. */
  cancel(params: { paymentId: string; amount?: number; receipt?: TbankReceipt }): Promise<TbankCancelResponse>
  /** The payment's current status. Retried once after a network failure or a 5xx. */
  getState(params: { paymentId: string }): Promise<TbankGetStateResponse>
}

export const TBANK_DEFAULT_TIMEOUT_MS = 15_000

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')
}

/**
 * Retries:
 * - Init is never retried. It is not idempotent: a second call creates a
 *   second payment. After a timeout or network failure the caller should
 *   treat the attempt as failed and, if the buyer tries again, start a new
 *   Init with a new OrderId; a payment the first call may have created is
 *   harmless because nobody ever received its PaymentURL, and it expires.
 * - Cancel is never retried. A partial cancel is not idempotent (each call
 *   returns `Amount` again), and a full one repeated only earns a decline.
 *   After an unknown outcome, call getState (or wait for the notification)
 *   before deciding to cancel again.
 * - GetState only reads, so it is retried once after a network failure or a
 *   5xx answer. A timeout is not retried: that would double an already long
 *   wait; the caller can ask again later.
 */
export function createTbankClient(opts: TbankClientOptions): TbankClient {
  const apiUrl = opts.apiUrl.replace(/\/+$/, '')
  const timeoutMs = opts.timeoutMs ?? TBANK_DEFAULT_TIMEOUT_MS
  // Looked up per call so test interceptors installed after creation still apply.
  const doFetch: typeof fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init))

  async function attempt(method: TbankMethod, body: Record<string, unknown>): Promise<unknown> {
    const signed = { ...body, Token: tbankToken(body, opts.password) }
    let response: Response
    let text: string
    try {
      response = await doFetch(`${apiUrl}/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(signed),
        signal: AbortSignal.timeout(timeoutMs),
      })
      text = await response.text()
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      throw timedOut
        ? new TbankError('timeout', method, `T-Bank ${method}: no answer within ${timeoutMs} ms`, { cause: error })
        : new TbankError('network', method, `T-Bank ${method}: connection failed`, { cause: error })
    }
    let json: unknown
    let parsedJson = true
    try {
      json = JSON.parse(text)
    } catch {
      parsedJson = false
    }
    if (!response.ok) {
      const base = parsedJson ? TbankBaseResponseSchema.safeParse(json) : undefined
      throw new TbankError('http', method, `T-Bank ${method}: HTTP ${response.status}`, {
        httpStatus: response.status,
        errorCode: base?.success ? base.data.ErrorCode : undefined,
        details: base?.success ? (base.data.Details ?? base.data.Message ?? undefined) : undefined,
      })
    }
    if (!parsedJson) {
      throw new TbankError('bad-response', method, `T-Bank ${method}: the answer is not JSON`, {
        httpStatus: response.status,
      })
    }
    const base = TbankBaseResponseSchema.safeParse(json)
    if (!base.success) {
      throw new TbankError('bad-response', method, `T-Bank ${method}: ${describeIssues(base.error)}`, {
        httpStatus: response.status,
      })
    }
    if (!base.data.Success || base.data.ErrorCode !== '0') {
      throw new TbankError(
        'declined',
        method,
        base.data.Message || `T-Bank ${method} declined with ErrorCode ${base.data.ErrorCode}`,
        { errorCode: base.data.ErrorCode, details: base.data.Details ?? undefined, httpStatus: response.status },
      )
    }
    return json
  }

  async function call<T>(
    method: TbankMethod,
    body: Record<string, unknown>,
    schema: z.ZodType<T>,
    retries: number,
  ): Promise<T> {
    for (let attemptNo = 0; ; attemptNo++) {
      try {
        const json = await attempt(method, body)
        const parsed = schema.safeParse(json)
        if (!parsed.success) {
          throw new TbankError('bad-response', method, `T-Bank ${method}: ${describeIssues(parsed.error)}`)
        }
        return parsed.data
      } catch (error) {
        if (!(error instanceof TbankError)) throw error
        const retryable = error.kind === 'network' || (error.kind === 'http' && (error.httpStatus ?? 0) >= 500)
        logger.warn(
          {
            event: 'tbank.request.failed',
            method,
            kind: error.kind,
            errorCode: error.errorCode,
            httpStatus: error.httpStatus,
            orderId: typeof body.OrderId === 'string' ? body.OrderId : undefined,
            paymentId: typeof body.PaymentId === 'string' ? body.PaymentId : undefined,
            willRetry: retryable && attemptNo < retries,
          },
          `T-Bank ${method} failed`,
        )
        if (!retryable || attemptNo >= retries) throw error
      }
    }
  }

  function mismatch(method: TbankMethod, what: string): TbankError {
    return new TbankError('bad-response', method, `T-Bank ${method}: the answer is about ${what}`)
  }

  return {
    async init(params) {
      const request = TbankInitRequestSchema.safeParse({ ...params, TerminalKey: opts.terminalKey })
      if (!request.success) throw new TypeError(`T-Bank Init: ${describeIssues(request.error)}`)
      const body = request.data
      if (body.Receipt && receiptTotal(body.Receipt) !== body.Amount) {
        throw new TypeError(`T-Bank Init: receipt total ${receiptTotal(body.Receipt)} is not Amount ${body.Amount}`)
      }
      const answer = await call('Init', body, TbankInitResponseSchema, 0)
      if (answer.OrderId !== body.OrderId) throw mismatch('Init', `order ${answer.OrderId}`)
      if (answer.Amount !== body.Amount) throw mismatch('Init', `amount ${answer.Amount}`)
      if (answer.TerminalKey !== opts.terminalKey) throw mismatch('Init', `terminal ${answer.TerminalKey}`)
      logger.info(
        { event: 'tbank.init', orderId: answer.OrderId, paymentId: answer.PaymentId, status: answer.Status },
        'T-Bank payment created',
      )
      return answer
    },

    async cancel({ paymentId, amount, receipt }) {
      const request = TbankCancelRequestSchema.safeParse({
        TerminalKey: opts.terminalKey,
        PaymentId: paymentId,
        ...(amount === undefined ? {} : { Amount: amount }),
        ...(receipt === undefined ? {} : { Receipt: receipt }),
      })
      if (!request.success) throw new TypeError(`T-Bank Cancel: ${describeIssues(request.error)}`)
      const answer = await call('Cancel', request.data, TbankCancelResponseSchema, 0)
      if (answer.PaymentId !== paymentId) throw mismatch('Cancel', `payment ${answer.PaymentId}`)
      logger.info(
        {
          event: 'tbank.cancel',
          paymentId,
          status: answer.Status,
          originalAmount: answer.OriginalAmount,
          newAmount: answer.NewAmount,
        },
        'T-Bank payment cancelled',
      )
      return answer
    },

    async getState({ paymentId }) {
      const request = TbankGetStateRequestSchema.safeParse({ TerminalKey: opts.terminalKey, PaymentId: paymentId })
      if (!request.success) throw new TypeError(`T-Bank GetState: ${describeIssues(request.error)}`)
      const answer = await call('GetState', request.data, TbankGetStateResponseSchema, 1)
      if (answer.PaymentId !== paymentId) throw mismatch('GetState', `payment ${answer.PaymentId}`)
      return answer
    },
  }
}
