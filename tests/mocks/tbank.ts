import { createHash } from 'node:crypto'
import { delay, http, HttpResponse } from 'msw'

/**
 * T-Bank internet acquiring API v2 (`POST /v2/Init`, `/v2/Cancel`,
 * `/v2/GetState`) on the production host and the bank's test host, answered
 * the documented way: every request's Token is checked against the test
 * terminal's password, errors come back as HTTP 200 with `Success: false`
 * and a string ErrorCode, and payments live in an in-memory map so a Cancel
 * lowers the amount left and moves the status on.
 *
 * The Token is computed here by a separate, deliberately plain
 * implementation, so a bug in the app's signer does not vouch for itself.
 *
 * Error codes used (developer.tbank.ru/eacq/intro/errors/error-codes and the
 * method pages): 2 «Отсутствуют обязательные параметры», 8 «Неверный статус
 * транзакции», 204 «Неверные параметры» / «Неверный токен. Проверьте пару
 * TerminalKey/SecretKey.», 308 (receipt total ≠ amount). Code 1 for an
 * unknown PaymentId is this mock's choice; the bank's exact code for that
 * case is not pinned down by the pages we have.
 */

export const TBANK_API_URL = 'https://securepay.tinkoff.ru/v2'
export const TBANK_TEST_ENV_API_URL = 'https://rest-api-test.tinkoff.ru/v2'
export const TBANK_TEST_TERMINAL = 'PalitraTestDEMO'
export const TBANK_TEST_PASSWORD = 'palitra-test-password'

export type TbankMockMethod = 'Init' | 'Cancel' | 'GetState'

export type TbankMockPayment = {
  PaymentId: string
  OrderId: string
  /** The amount paid, in kopecks. */
  OriginalAmount: number
  /** What is left after cancels and refunds. */
  Amount: number
  Status: string
  PaymentURL: string
  /** The Init body as received (with Token). */
  init: Record<string, unknown>
}

export type RecordedTbankRequest = {
  method: string
  url: string
  /** The parsed JSON body, or null when it was not JSON. */
  body: Record<string, unknown> | null
}

/** The documented signature, written out independently of app/payments/tbank/token.server.ts. */
export function signForTest(params: Record<string, unknown>, password = TBANK_TEST_PASSWORD): string {
  const flat: Record<string, string> = { Password: password }
  for (const key of Object.keys(params)) {
    const value = params[key]
    if (key === 'Token' || value === null || value === undefined || typeof value === 'object') continue
    flat[key] = String(value)
  }
  const joined = Object.keys(flat)
    .sort()
    .map((key) => flat[key])
    .join('')
  return createHash('sha256').update(joined, 'utf8').digest('hex')
}

const payments = new Map<string, TbankMockPayment>()
const requests: RecordedTbankRequest[] = []
const byRequestId = new Map<string, RecordedTbankRequest>()
let nextPaymentId = 7_000_000_001

const FAILED = new Set(['REJECTED', 'AUTH_FAIL', 'DEADLINE_EXPIRED', 'ATTEMPTS_EXPIRED'])
// «Недостаточно средств на карте», «Не пройдена идентификация 3DS».
const ERROR_CODES: Record<string, string> = { REJECTED: '1051', AUTH_FAIL: '101' }

export const tbankMock = {
  terminalKey: TBANK_TEST_TERMINAL,
  password: TBANK_TEST_PASSWORD,
  /** Payments created through Init since the last reset, by PaymentId. */
  payments: payments as ReadonlyMap<string, TbankMockPayment>,
  /** Every request seen since the last reset, each once. */
  requests: requests as readonly RecordedTbankRequest[],
  reset() {
    payments.clear()
    requests.length = 0
    byRequestId.clear()
    nextPaymentId = 7_000_000_001
  },
  /** Requests to one method. */
  requestsTo(method: TbankMockMethod): RecordedTbankRequest[] {
    return requests.filter((request) => request.method === method)
  },
  payment(paymentId: string | number): TbankMockPayment {
    const payment = payments.get(String(paymentId))
    if (!payment) throw new Error(`tbankMock: no payment ${paymentId}`)
    return payment
  },
  /** Moves a payment to a status, as the buyer's actions on the payment form would. */
  setStatus(paymentId: string | number, status: string) {
    tbankMock.payment(paymentId).Status = status
  },
  /**
   * The body the bank POSTs to NotificationURL for this payment in this
   * status, correctly signed. The status is also stored on the payment.
   * PaymentId is sent as a number, as the bank does. For REFUNDED and
   * PARTIAL_REFUNDED, Amount is the total refunded so far (what
   * app/payments/notifications.server.ts expects; pass `Amount` in
   * `overrides` for a partial refund made outside Cancel); otherwise the
   * amount paid. `overrides` are applied before signing; an override of
   * `undefined` removes the field. Pass `{ Token: '…' }` in `forge` to
   * replace the signature afterwards.
   */
  notificationFor(
    paymentId: string | number,
    status: string,
    overrides: Record<string, unknown> = {},
    forge: { Token?: string; password?: string } = {},
  ): Record<string, unknown> {
    const payment = tbankMock.payment(paymentId)
    payment.Status = status
    // A full refund the mock did not see through Cancel was made at the bank directly.
    if (status === 'REFUNDED') payment.Amount = 0
    const refund = status === 'REFUNDED' || status === 'PARTIAL_REFUNDED'
    const body: Record<string, unknown> = {
      TerminalKey: TBANK_TEST_TERMINAL,
      OrderId: payment.OrderId,
      Success: !FAILED.has(status),
      Status: status,
      PaymentId: Number(payment.PaymentId),
      ErrorCode: ERROR_CODES[status] ?? '0',
      Amount: refund ? payment.OriginalAmount - payment.Amount : payment.OriginalAmount,
      CardId: 4_021_337,
      Pan: '220000******0004',
      ExpDate: '1230',
    }
    for (const [key, value] of Object.entries(overrides)) {
      if (value === undefined) delete body[key]
      else body[key] = value
    }
    body.Token = forge.Token ?? signForTest(body, forge.password ?? TBANK_TEST_PASSWORD)
    return body
  },
}

type ResolverInfo = {
  request: Request
  requestId: string
  params: Record<string, string | readonly string[] | undefined>
}

async function record({ request, requestId, params }: ResolverInfo): Promise<RecordedTbankRequest> {
  const seen = byRequestId.get(requestId)
  if (seen) return seen
  const entry: RecordedTbankRequest = { method: String(params.method), url: request.url, body: null }
  byRequestId.set(requestId, entry)
  requests.push(entry)
  try {
    const parsed: unknown = JSON.parse(await request.clone().text())
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) entry.body = parsed as Record<string, unknown>
  } catch {
    // Left null; answered as missing parameters.
  }
  return entry
}

const ok = (fields: Record<string, unknown>) =>
  HttpResponse.json({ Success: true, ErrorCode: '0', Message: 'OK', TerminalKey: TBANK_TEST_TERMINAL, ...fields })

const fail = (errorCode: string, message: string, details: string, fields: Record<string, unknown> = {}) =>
  HttpResponse.json({ Success: false, ErrorCode: errorCode, Message: message, Details: details, ...fields })

function checkSignature(body: Record<string, unknown> | null) {
  if (!body || typeof body.TerminalKey !== 'string' || typeof body.Token !== 'string') {
    return fail('2', 'Отсутствуют обязательные параметры', 'Поля TerminalKey и Token обязательны.')
  }
  if (body.TerminalKey !== TBANK_TEST_TERMINAL || body.Token !== signForTest(body)) {
    return fail('204', 'Неверные параметры', 'Неверный токен. Проверьте пару TerminalKey/SecretKey.')
  }
  return null
}

const isKopecks = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0

function answerInit(body: Record<string, unknown>) {
  const { Amount, OrderId } = body
  if (!isKopecks(Amount) || typeof OrderId !== 'string' || OrderId === '') {
    return fail('2', 'Отсутствуют обязательные параметры', 'Поля Amount и OrderId обязательны.')
  }
  const receipt = body.Receipt as { Items?: Array<{ Amount?: unknown }> } | undefined
  if (receipt !== undefined) {
    const items = Array.isArray(receipt?.Items) ? receipt.Items : []
    const total = items.reduce((sum, item) => sum + (typeof item.Amount === 'number' ? item.Amount : NaN), 0)
    if (items.length === 0 || total !== Amount) {
      return fail('308', 'Неверные параметры', 'Сумма всех позиций в чеке должна равняться сумме всех видов оплаты.')
    }
  }
  const PaymentId = String(nextPaymentId++)
  const PaymentURL = `https://pay.tbank.ru/${Buffer.from(PaymentId).toString('base64url')}`
  payments.set(PaymentId, {
    PaymentId,
    OrderId,
    OriginalAmount: Amount,
    Amount,
    Status: 'NEW',
    PaymentURL,
    init: body,
  })
  return ok({ Status: 'NEW', PaymentId, OrderId, Amount, PaymentURL })
}

function answerCancel(body: Record<string, unknown>) {
  const payment = payments.get(String(body.PaymentId ?? ''))
  if (!payment) return fail('1', 'Параметры не сопоставлены', `Платеж ${String(body.PaymentId)} не найден.`)
  const before = payment.Amount
  const requested = body.Amount
  if (requested !== undefined && !isKopecks(requested)) {
    return fail('2', 'Неверные параметры', 'Поле Amount должно быть положительным целым числом.')
  }
  let amount = (requested as number | undefined) ?? before
  let status: string
  switch (payment.Status) {
    case 'NEW':
    case 'FORM_SHOWED':
      // Documented: Amount is ignored for a payment in NEW; the cancel is always full.
      amount = before
      status = 'CANCELED'
      break
    case 'AUTHORIZED':
    case 'PARTIAL_REVERSED':
      status = amount === before ? 'REVERSED' : 'PARTIAL_REVERSED'
      break
    case 'CONFIRMED':
    case 'PARTIAL_REFUNDED':
      status = amount === before ? 'REFUNDED' : 'PARTIAL_REFUNDED'
      break
    default:
      return fail('8', 'Неверный статус транзакции', `Платеж в статусе ${payment.Status} нельзя отменить.`)
  }
  if (amount > before) {
    return fail('8', 'Неверный статус транзакции', `Сумма отмены ${amount} больше остатка ${before}.`)
  }
  payment.Amount = status === 'CANCELED' ? 0 : before - amount
  payment.Status = status
  return ok({
    Status: status,
    PaymentId: payment.PaymentId,
    OrderId: payment.OrderId,
    OriginalAmount: before,
    NewAmount: payment.Amount,
  })
}

function answerGetState(body: Record<string, unknown>) {
  const payment = payments.get(String(body.PaymentId ?? ''))
  if (!payment) return fail('1', 'Параметры не сопоставлены', `Платеж ${String(body.PaymentId)} не найден.`)
  return ok({
    Status: payment.Status,
    PaymentId: payment.PaymentId,
    OrderId: payment.OrderId,
    Amount: payment.Amount,
  })
}

async function answer(info: ResolverInfo) {
  const entry = await record(info)
  const denied = checkSignature(entry.body)
  if (denied) return denied
  const body = entry.body!
  switch (entry.method) {
    case 'Init':
      return answerInit(body)
    case 'Cancel':
      return answerCancel(body)
    case 'GetState':
      return answerGetState(body)
    default:
      return new HttpResponse(null, { status: 404 })
  }
}

const METHOD_URLS = [TBANK_API_URL, TBANK_TEST_ENV_API_URL].map((base) => `${base}/:method`)

export const tbankHandlers = METHOD_URLS.map((url) => http.post(url, (info) => answer(info)))

/** Answers the first `times` calls to `method` (any method when omitted) with `respond`; later calls pass on. */
function forCalls(times: number, method: TbankMockMethod | undefined, respond: () => Response | Promise<Response>) {
  let calls = 0
  return METHOD_URLS.map((url) =>
    http.post(url, async (info) => {
      const entry = await record(info)
      if (method && entry.method !== method) return undefined
      if (calls >= times) return undefined
      calls++
      return respond()
    }),
  )
}

/** Handlers to put in front with `server.use(...tbankScenarios.x(...))`. */
export const tbankScenarios = {
  /** `method` answers `Success: false` with this ErrorCode (the bank's HTTP 200 decline). */
  declined(method: TbankMockMethod, errorCode: string, message: string, details = '', times = Infinity) {
    return forCalls(times, method, () => fail(errorCode, message, details))
  },
  /** HTTP errors (503 by default) with an HTML body, as a proxy in front of the bank sends them. */
  httpError(status = 503, method?: TbankMockMethod, times = Infinity) {
    return forCalls(
      times,
      method,
      () =>
        new HttpResponse('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', {
          status,
          headers: { 'Content-Type': 'text/html' },
        }),
    )
  },
  /** The bank's own 500 with a JSON error body. */
  internalError(method?: TbankMockMethod, times = Infinity) {
    return forCalls(times, method, () =>
      HttpResponse.json(
        { Success: false, ErrorCode: '3', Message: 'Внутренняя ошибка системы интернет-эквайринга', Details: '' },
        { status: 500 },
      ),
    )
  },
  /** Connection failures (fetch rejects). */
  networkError(method?: TbankMockMethod, times = Infinity) {
    return forCalls(times, method, () => HttpResponse.error())
  },
  /** Waits `ms` before the normal answer. */
  slow(ms: number, method?: TbankMockMethod) {
    return METHOD_URLS.map((url) =>
      http.post(url, async (info) => {
        const entry = await record(info)
        if (method && entry.method !== method) return undefined
        await delay(ms)
        return undefined
      }),
    )
  },
  /** A 200 answer the client cannot use. */
  malformed(kind: 'not-json' | 'wrong-shape', method?: TbankMockMethod, times = Infinity) {
    return forCalls(times, method, () =>
      kind === 'not-json'
        ? new HttpResponse('{"Success": true, "ErrorCode": "0", "PaymentURL": ', {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
          })
        : HttpResponse.json({ Success: true, ErrorCode: '0', TerminalKey: TBANK_TEST_TERMINAL }),
    )
  },
}
