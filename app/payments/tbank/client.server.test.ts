import { createHash } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { logger } from '~/platform/log.server'
import { server } from '../../../tests/mocks'
import {
  signForTest,
  TBANK_API_URL,
  TBANK_TEST_PASSWORD,
  TBANK_TEST_TERMINAL,
  tbankMock,
  tbankScenarios,
} from '../../../tests/mocks/tbank'
import {
  createTbankClient,
  TBANK_PRODUCTION_API_URL,
  TBANK_TEST_API_URL,
  TbankError,
  type TbankClientOptions,
} from './client.server'
import { buildReceipt } from './receipt.server'
import { checkNotification } from './schemas.server'
import { tbankToken, verifyNotificationToken } from './token.server'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => tbankMock.reset())
afterEach(() => {
  server.resetHandlers()
  vi.restoreAllMocks()
})
afterAll(() => server.close())

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

describe('notification tokens', () => {
  // developer.tbank.ru/eacq/intro/developer/notification — «Проверить токен уведомлений».
  const DOC_NOTIFICATION = {
    TerminalKey: '1234567890DEMO',
    OrderId: '000000',
    Success: true,
    Status: 'AUTHORIZED',
    PaymentId: '0000000',
    ErrorCode: '0',
    Amount: 1111,
    CardId: '000000',
    Pan: '200000******0000',
    ExpDate: '1111',
    RebillId: '000000',
  }
  const DOC_PASSWORD = '11111111111'
  const DOC_TOKEN = '1c0964277d0213349243065a0d5b838b8e90d2d25f740d0f2767836e710e80c8'

  it('verifies the documented notification example', () => {
    expect(sha256('111100000001111000000200000******0000111111111110000000000000AUTHORIZEDtrue1234567890DEMO')).toBe(
      DOC_TOKEN,
    )
    expect(tbankToken(DOC_NOTIFICATION, DOC_PASSWORD)).toBe(DOC_TOKEN)
    expect(verifyNotificationToken({ ...DOC_NOTIFICATION, Token: DOC_TOKEN }, DOC_PASSWORD)).toBe(true)
    expect(
      verifyNotificationToken({ ...DOC_NOTIFICATION, Data: { source: 'cards' }, Token: DOC_TOKEN }, DOC_PASSWORD),
    ).toBe(true)
  })

  it('refuses a forged or altered notification', () => {
    expect(verifyNotificationToken({ ...DOC_NOTIFICATION, Amount: 111100, Token: DOC_TOKEN }, DOC_PASSWORD)).toBe(false)
    expect(verifyNotificationToken({ ...DOC_NOTIFICATION, Status: 'CONFIRMED', Token: DOC_TOKEN }, DOC_PASSWORD)).toBe(
      false,
    )
    expect(verifyNotificationToken({ ...DOC_NOTIFICATION, Token: DOC_TOKEN }, 'wrong-password')).toBe(false)
    const forged = { ...DOC_NOTIFICATION, Amount: 999_999 }
    expect(verifyNotificationToken({ ...forged, Token: tbankToken(forged, 'guess') }, DOC_PASSWORD)).toBe(false)
  })

  it('refuses a notification without a usable Token', () => {
    expect(verifyNotificationToken(DOC_NOTIFICATION, DOC_PASSWORD)).toBe(false)
    expect(verifyNotificationToken({ ...DOC_NOTIFICATION, Token: '' }, DOC_PASSWORD)).toBe(false)
    expect(verifyNotificationToken({ ...DOC_NOTIFICATION, Token: 42 }, DOC_PASSWORD)).toBe(false)
    expect(verifyNotificationToken({ ...DOC_NOTIFICATION, Token: DOC_TOKEN.slice(1) }, DOC_PASSWORD)).toBe(false)
    expect(verifyNotificationToken({ ...DOC_NOTIFICATION, Token: `${DOC_TOKEN}00` }, DOC_PASSWORD)).toBe(false)
  })

  it('reads a verified notification, PaymentId as a string', async () => {
    const payment = await createTestPayment()
    const body = tbankMock.notificationFor(payment.PaymentId, 'CONFIRMED')
    expect(typeof body.PaymentId).toBe('number')
    const checked = checkNotification(body, { password: TBANK_TEST_PASSWORD, terminalKey: TBANK_TEST_TERMINAL })
    expect(checked.ok).toBe(true)
    if (!checked.ok) return
    expect(checked.notification.PaymentId).toBe(payment.PaymentId)
    expect(checked.notification.CardId).toBe('4021337')
    expect(checked.notification).toMatchObject({ Status: 'CONFIRMED', Success: true, Amount: 49_900, ErrorCode: '0' })
  })

  it('says why a notification is refused', async () => {
    const payment = await createTestPayment()
    const opts = { password: TBANK_TEST_PASSWORD, terminalKey: TBANK_TEST_TERMINAL }
    expect(checkNotification('OK', opts)).toEqual({ ok: false, reason: 'not-an-object' })
    expect(checkNotification([], opts)).toEqual({ ok: false, reason: 'not-an-object' })
    const forged = tbankMock.notificationFor(payment.PaymentId, 'CONFIRMED', {}, { password: 'guess' })
    expect(checkNotification(forged, opts)).toEqual({ ok: false, reason: 'bad-token' })
    const otherTerminal = tbankMock.notificationFor(payment.PaymentId, 'CONFIRMED', { TerminalKey: 'OtherDEMO' })
    expect(checkNotification(otherTerminal, opts)).toEqual({ ok: false, reason: 'wrong-terminal' })
    const noAmount = tbankMock.notificationFor(payment.PaymentId, 'CONFIRMED', { Amount: undefined })
    expect(checkNotification(noAmount, opts)).toMatchObject({ ok: false, reason: 'bad-shape' })
  })
})

function client(options: Partial<TbankClientOptions> = {}) {
  return createTbankClient({
    terminalKey: TBANK_TEST_TERMINAL,
    password: TBANK_TEST_PASSWORD,
    apiUrl: TBANK_PRODUCTION_API_URL,
    timeoutMs: 2_000,
    ...options,
  })
}

const ORDER_ID = '5b0c8f3e-2d7a-4c1e-9f3b-8a6d2e4c1b7f'

function initParams(overrides: Record<string, unknown> = {}) {
  return {
    Amount: 49_900,
    OrderId: ORDER_ID,
    Description: 'Palitra: 100 кредитов',
    Language: 'ru' as const,
    NotificationURL: 'https://palitra.example/webhooks/tbank',
    SuccessURL: 'https://palitra.example/ru/checkout/success',
    FailURL: 'https://palitra.example/ru/checkout/fail',
    DATA: { userId: 'u-1' },
    Receipt: buildReceipt({
      email: 'buyer@mail.example',
      taxation: 'usn_income',
      items: [{ name: 'Пакет «100 кредитов»', priceKopecks: 49_900, quantity: 1, tax: 'none' }],
    }),
    ...overrides,
  }
}

async function createTestPayment() {
  return client().init(initParams())
}

async function failure(promise: Promise<unknown>): Promise<TbankError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(TbankError)
  return error as TbankError
}

describe('createTbankClient: Init', () => {
  it('creates a payment with a signed request', async () => {
    const answer = await client().init(initParams())
    expect(answer).toMatchObject({
      Success: true,
      ErrorCode: '0',
      Status: 'NEW',
      OrderId: ORDER_ID,
      Amount: 49_900,
      TerminalKey: TBANK_TEST_TERMINAL,
    })
    expect(answer.PaymentId).toMatch(/^\d+$/)
    expect(answer.PaymentURL).toMatch(/^https:\/\//)

    const [request] = tbankMock.requestsTo('Init')
    expect(request!.url).toBe(`${TBANK_API_URL}/Init`)
    const body = request!.body!
    expect(body.TerminalKey).toBe(TBANK_TEST_TERMINAL)
    expect(body.Token).toBe(signForTest(body))
    expect(body.Receipt).toEqual(initParams().Receipt)
    expect(body.DATA).toEqual({ userId: 'u-1' })
    expect(JSON.stringify(body)).not.toContain(TBANK_TEST_PASSWORD)
    expect(tbankMock.payment(answer.PaymentId)).toMatchObject({ OrderId: ORDER_ID, Amount: 49_900, Status: 'NEW' })
  })

  it('works against the test environment URL too', async () => {
    const answer = await client({ apiUrl: `${TBANK_TEST_API_URL}/` }).init(initParams())
    expect(answer.Status).toBe('NEW')
    expect(tbankMock.requests[0]!.url).toBe(`${TBANK_TEST_API_URL}/Init`)
  })

  it('uses the fetch it is given', async () => {
    const spy = vi.fn((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
    await client({ fetch: spy as typeof fetch }).init(initParams())
    expect(spy).toHaveBeenCalledTimes(1)
    expect(String(spy.mock.calls[0]![0])).toBe(`${TBANK_PRODUCTION_API_URL}/Init`)
  })

  it('reports a decline with the bank’s code, message and details', async () => {
    server.use(
      ...tbankScenarios.declined('Init', '8', 'Неверный статус транзакции', 'Повторный запрос с тем же OrderId.'),
    )
    const error = await failure(client().init(initParams()))
    expect(error).toMatchObject({
      kind: 'declined',
      method: 'Init',
      errorCode: '8',
      message: 'Неверный статус транзакции',
      details: 'Повторный запрос с тем же OrderId.',
      httpStatus: 200,
    })
    expect(error.outcomeUnknown).toBe(false)
  })

  it('is declined with ErrorCode 204 when signed with the wrong password', async () => {
    const error = await failure(client({ password: 'not-the-password' }).init(initParams()))
    expect(error).toMatchObject({ kind: 'declined', errorCode: '204' })
    expect(error.details).toContain('Неверный токен')
  })

  it('reports HTTP errors and does not retry Init', async () => {
    server.use(...tbankScenarios.httpError(503, 'Init'))
    const error = await failure(client().init(initParams()))
    expect(error).toMatchObject({ kind: 'http', httpStatus: 503, method: 'Init' })
    expect(error.outcomeUnknown).toBe(true)
    expect(tbankMock.requestsTo('Init')).toHaveLength(1)
  })

  it('keeps the error code of a JSON 500', async () => {
    server.use(...tbankScenarios.internalError('Init'))
    const error = await failure(client().init(initParams()))
    expect(error).toMatchObject({ kind: 'http', httpStatus: 500, errorCode: '3' })
  })

  it('times out a slow answer and does not retry', async () => {
    server.use(...tbankScenarios.slow(1_000, 'Init'))
    const started = Date.now()
    const error = await failure(client({ timeoutMs: 100 }).init(initParams()))
    expect(error.kind).toBe('timeout')
    expect(error.outcomeUnknown).toBe(true)
    expect(Date.now() - started).toBeLessThan(900)
    expect(tbankMock.requestsTo('Init')).toHaveLength(1)
  })

  it('reports a connection failure and does not retry', async () => {
    server.use(...tbankScenarios.networkError('Init'))
    const error = await failure(client().init(initParams()))
    expect(error.kind).toBe('network')
    expect(tbankMock.requestsTo('Init')).toHaveLength(1)
  })

  it('refuses an answer that is not JSON', async () => {
    server.use(...tbankScenarios.malformed('not-json', 'Init'))
    const error = await failure(client().init(initParams()))
    expect(error).toMatchObject({ kind: 'bad-response', httpStatus: 200 })
    expect(error.outcomeUnknown).toBe(true)
  })

  it('refuses an answer without the documented fields', async () => {
    server.use(...tbankScenarios.malformed('wrong-shape', 'Init'))
    const error = await failure(client().init(initParams()))
    expect(error.kind).toBe('bad-response')
    expect(error.message).toMatch(/PaymentId|PaymentURL/)
  })

  it('refuses an answer about another amount', async () => {
    server.use(
      http.post(`${TBANK_API_URL}/Init`, () =>
        HttpResponse.json({
          Success: true,
          ErrorCode: '0',
          TerminalKey: TBANK_TEST_TERMINAL,
          Status: 'NEW',
          PaymentId: 1,
          OrderId: ORDER_ID,
          Amount: 100,
          PaymentURL: 'https://pay.tbank.ru/x',
        }),
      ),
    )
    const error = await failure(client().init(initParams()))
    expect(error.kind).toBe('bad-response')
    expect(error.message).toContain('amount 100')
  })

  it('refuses a request the bank would refuse, before sending it', async () => {
    await expect(client().init(initParams({ Amount: 100 }))).rejects.toThrow(/receipt total/)
    await expect(client().init(initParams({ Amount: 499.5 }))).rejects.toThrow(TypeError)
    await expect(client().init(initParams({ OrderId: 'x'.repeat(37) }))).rejects.toThrow(TypeError)
    await expect(client().init(initParams({ Language: 'de' }))).rejects.toThrow(TypeError)
    const tooMuchData = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']))
    await expect(client().init(initParams({ DATA: tooMuchData }))).rejects.toThrow(/20 pairs/)
    expect(tbankMock.requests).toHaveLength(0)
  })

  it('never logs the password or the Token', async () => {
    const calls: unknown[] = []
    for (const level of ['info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(logger, level).mockImplementation(((...args: unknown[]) => {
        calls.push(args)
      }) as never)
    }
    const answer = await client().init(initParams())
    server.use(...tbankScenarios.declined('GetState', '9999', 'Ошибка'))
    await failure(client().getState({ paymentId: answer.PaymentId }))
    const logged = JSON.stringify(calls)
    expect(calls.length).toBeGreaterThan(0)
    expect(logged).not.toContain(TBANK_TEST_PASSWORD)
    for (const request of tbankMock.requests) expect(logged).not.toContain(String(request.body!.Token))
  })
})

describe('createTbankClient: Cancel', () => {
  it('refunds a confirmed payment in full', async () => {
    const payment = await createTestPayment()
    tbankMock.setStatus(payment.PaymentId, 'CONFIRMED')
    const answer = await client().cancel({ paymentId: payment.PaymentId })
    expect(answer).toMatchObject({
      Success: true,
      Status: 'REFUNDED',
      PaymentId: payment.PaymentId,
      OrderId: ORDER_ID,
      OriginalAmount: 49_900,
      NewAmount: 0,
    })
    const body = tbankMock.requestsTo('Cancel')[0]!.body!
    expect(body).not.toHaveProperty('Amount')
    expect(body.Token).toBe(signForTest(body))
  })

  it('refunds part of a payment, then the rest', async () => {
    const payment = await createTestPayment()
    tbankMock.setStatus(payment.PaymentId, 'CONFIRMED')
    const receipt = buildReceipt({
      email: 'buyer@mail.example',
      taxation: 'usn_income',
      items: [{ name: 'Возврат части пакета', priceKopecks: 19_900, quantity: 1, tax: 'none' }],
    })
    const first = await client().cancel({ paymentId: payment.PaymentId, amount: 19_900, receipt })
    expect(first).toMatchObject({ Status: 'PARTIAL_REFUNDED', OriginalAmount: 49_900, NewAmount: 30_000 })
    expect(tbankMock.requestsTo('Cancel')[0]!.body).toMatchObject({ Amount: 19_900, Receipt: receipt })

    const second = await client().cancel({ paymentId: payment.PaymentId, amount: 30_000 })
    expect(second).toMatchObject({ Status: 'REFUNDED', OriginalAmount: 30_000, NewAmount: 0 })
    expect(tbankMock.payment(payment.PaymentId)).toMatchObject({ Amount: 0, Status: 'REFUNDED' })
  })

  it('cancels an unpaid payment whatever the amount', async () => {
    const payment = await createTestPayment()
    const answer = await client().cancel({ paymentId: payment.PaymentId, amount: 100 })
    expect(answer).toMatchObject({ Status: 'CANCELED', NewAmount: 0 })
  })

  it('reverses an authorized payment', async () => {
    const payment = await createTestPayment()
    tbankMock.setStatus(payment.PaymentId, 'AUTHORIZED')
    expect(await client().cancel({ paymentId: payment.PaymentId, amount: 900 })).toMatchObject({
      Status: 'PARTIAL_REVERSED',
      NewAmount: 49_000,
    })
  })

  it('is declined for more than is left or in a final status', async () => {
    const payment = await createTestPayment()
    tbankMock.setStatus(payment.PaymentId, 'CONFIRMED')
    expect(await failure(client().cancel({ paymentId: payment.PaymentId, amount: 50_000 }))).toMatchObject({
      kind: 'declined',
      errorCode: '8',
    })
    await client().cancel({ paymentId: payment.PaymentId })
    expect(await failure(client().cancel({ paymentId: payment.PaymentId }))).toMatchObject({
      kind: 'declined',
      errorCode: '8',
    })
  })

  it('accepts an answer that leaves out the echoed order and terminal', async () => {
    server.use(
      http.post(`${TBANK_API_URL}/Cancel`, () =>
        HttpResponse.json({
          Success: true,
          ErrorCode: '0',
          Status: 'REFUNDED',
          PaymentId: 7_000_000_001,
          OriginalAmount: 49_900,
          NewAmount: 0,
        }),
      ),
    )
    const answer = await client().cancel({ paymentId: '7000000001' })
    expect(answer).toMatchObject({ Status: 'REFUNDED', PaymentId: '7000000001', NewAmount: 0 })
  })

  it('does not retry after a connection failure', async () => {
    const payment = await createTestPayment()
    tbankMock.setStatus(payment.PaymentId, 'CONFIRMED')
    server.use(...tbankScenarios.networkError('Cancel', 1))
    const error = await failure(client().cancel({ paymentId: payment.PaymentId, amount: 100 }))
    expect(error).toMatchObject({ kind: 'network', method: 'Cancel' })
    expect(tbankMock.requestsTo('Cancel')).toHaveLength(1)
    expect(tbankMock.payment(payment.PaymentId).Amount).toBe(49_900)
  })
})

describe('createTbankClient: GetState', () => {
  it('returns the payment’s status', async () => {
    const payment = await createTestPayment()
    tbankMock.setStatus(payment.PaymentId, 'CONFIRMED')
    const answer = await client().getState({ paymentId: payment.PaymentId })
    expect(answer).toMatchObject({
      Success: true,
      Status: 'CONFIRMED',
      PaymentId: payment.PaymentId,
      OrderId: ORDER_ID,
      Amount: 49_900,
    })
    const body = tbankMock.requestsTo('GetState')[0]!.body!
    expect(Object.keys(body).sort()).toEqual(['PaymentId', 'TerminalKey', 'Token'])
  })

  it('is declined for an unknown payment', async () => {
    expect(await failure(client().getState({ paymentId: '123' }))).toMatchObject({ kind: 'declined', errorCode: '1' })
  })

  it('retries once after a connection failure', async () => {
    const payment = await createTestPayment()
    server.use(...tbankScenarios.networkError('GetState', 1))
    const answer = await client().getState({ paymentId: payment.PaymentId })
    expect(answer.Status).toBe('NEW')
    expect(tbankMock.requestsTo('GetState')).toHaveLength(2)
  })

  it('gives up after the second 5xx', async () => {
    const payment = await createTestPayment()
    server.use(...tbankScenarios.httpError(503, 'GetState'))
    const error = await failure(client().getState({ paymentId: payment.PaymentId }))
    expect(error).toMatchObject({ kind: 'http', httpStatus: 503 })
    expect(tbankMock.requestsTo('GetState')).toHaveLength(2)
  })

  it('does not retry a decline', async () => {
    server.use(...tbankScenarios.declined('GetState', '204', 'Неверные параметры'))
    await failure(client().getState({ paymentId: '1' }))
    expect(tbankMock.requestsTo('GetState')).toHaveLength(1)
  })
})
