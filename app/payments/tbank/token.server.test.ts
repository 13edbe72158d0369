import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { tbankToken } from './token.server'

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

describe('tbankToken', () => {
  // developer.tbank.ru/eacq/intro/developer/token — «Пример запроса для метода Инициировать платеж».
  const DOC_PARAMS = {
    TerminalKey: 'MerchantTerminalKey',
    Amount: 19200,
    OrderId: '00000',
    Description: 'Подарочная карта на 1000 рублей',
  }
  const DOC_PASSWORD = '11111111111111'
  const DOC_TOKEN = '72dd466f8ace0a37a1f740ce5fb78101712bc0665d91a8108c7c8a0ccd426db2'

  it('matches the documented Init example', () => {
    expect(sha256('19200Подарочная карта на 1000 рублей0000011111111111111MerchantTerminalKey')).toBe(DOC_TOKEN)
    expect(tbankToken(DOC_PARAMS, DOC_PASSWORD)).toBe(DOC_TOKEN)
  })

  it('leaves out nested objects and arrays (the documented request with DATA and Receipt)', () => {
    const withNested = {
      ...DOC_PARAMS,
      DATA: { Phone: '+71234567890', Email: 'a@test.com' },
      Receipt: {
        Email: 'a@test.ru',
        Phone: '+79031234567',
        Taxation: 'osn',
        Items: [{ Name: 'Наименование товара 1', Price: 10000, Quantity: 1, Amount: 10000, Tax: 'vat10' }],
      },
      Shops: [{ ShopCode: '1', Amount: 19200 }],
    }
    expect(tbankToken(withNested, DOC_PASSWORD)).toBe(DOC_TOKEN)
  })

  it('leaves out Token itself and null or undefined values', () => {
    expect(tbankToken({ ...DOC_PARAMS, Token: 'whatever', RebillId: null, CustomerKey: undefined }, DOC_PASSWORD)).toBe(
      DOC_TOKEN,
    )
  })

  it('treats numbers as their decimal text', () => {
    expect(tbankToken({ ...DOC_PARAMS, Amount: '19200' }, DOC_PASSWORD)).toBe(DOC_TOKEN)
    expect(() => tbankToken({ Amount: Number.NaN }, DOC_PASSWORD)).toThrow(TypeError)
  })

  it("writes booleans as 'true' and 'false'", () => {
    expect(tbankToken({ Success: true, TerminalKey: 'T' }, 'p')).toBe(sha256('ptrueT'))
    expect(tbankToken({ Success: false, TerminalKey: 'T' }, 'p')).toBe(sha256('pfalseT'))
    expect(tbankToken({ Success: false }, 'p')).toBe(tbankToken({ Success: 'false' }, 'p'))
  })

  it('sorts keys by code unit, capitals first', () => {
    // 'IP' < 'Info' < 'Password' by code unit; a locale sort would put Info first.
    expect(tbankToken({ Info: 'b', IP: 'a' }, 'c')).toBe(sha256('abc'))
  })

  it('lets the password decide', () => {
    expect(tbankToken(DOC_PARAMS, 'another')).not.toBe(DOC_TOKEN)
  })
})
