import type { z } from 'zod'
import { logger } from '~/platform/log.server'
import { receiptTotal, type TbankReceipt } from './receipt.server'
import {
  TbankBaseResponseSchema,
  TbankCancelRequestSchema,
  TbankCancelResponseSchema,
  TbankGetStateRequestSchema,
  TbankGetStateResponseSchema,
  TbankInitRequestSchema,
  TbankInitResponseSchema,
  type TbankCancelResponse,
  type TbankGetStateResponse,
  type TbankInitRequest,
  type TbankInitResponse,
} from './schemas.server'
import { tbankToken } from './token.server'

/**
 * T-Bank (Tinkoff) internet acquiring, API v2: a small client for Init,
 * Cancel and GetState, and the errors it throws. The signature is in
 * ./token.server.ts, the receipt in ./receipt.server.ts, the shapes in
 * ./schemas.server.ts and the statuses in ./statuses.server.ts.
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
