import { describe, expect, it } from 'vitest'
import { buildReceipt, RECEIPT_ITEM_NAME_MAX, receiptTotal } from './receipt.server'

describe('buildReceipt', () => {
  it('prices each item as Price × Quantity in kopecks, prepaid service by default', () => {
    const receipt = buildReceipt({
      email: 'buyer@mail.example',
      taxation: 'usn_income',
      items: [
        { name: 'Пакет «100 кредитов»', priceKopecks: 49_900, quantity: 1, tax: 'none' },
        { name: 'Пакет «10 кредитов»', priceKopecks: 5_000, quantity: 3, tax: 'vat20', paymentMethod: 'full_payment' },
      ],
    })
    expect(receipt).toEqual({
      Email: 'buyer@mail.example',
      Taxation: 'usn_income',
      Items: [
        {
          Name: 'Пакет «100 кредитов»',
          Price: 49_900,
          Quantity: 1,
          Amount: 49_900,
          Tax: 'none',
          PaymentMethod: 'full_prepayment',
          PaymentObject: 'service',
        },
        {
          Name: 'Пакет «10 кредитов»',
          Price: 5_000,
          Quantity: 3,
          Amount: 15_000,
          Tax: 'vat20',
          PaymentMethod: 'full_payment',
          PaymentObject: 'service',
        },
      ],
    })
    expect('FfdVersion' in receipt).toBe(false)
    expect(receiptTotal(receipt)).toBe(64_900)
  })

  it('cuts long names to 128 characters without splitting a character', () => {
    const receipt = buildReceipt({
      email: 'buyer@mail.example',
      taxation: 'osn',
      items: [
        { name: 'я'.repeat(200), priceKopecks: 100, quantity: 1, tax: 'none' },
        { name: `${'a'.repeat(127)}🎨🎨`, priceKopecks: 100, quantity: 1, tax: 'none' },
        { name: '  Пакет \n  кредитов  ', priceKopecks: 100, quantity: 1, tax: 'none' },
      ],
    })
    expect(receipt.Items[0]!.Name).toBe('я'.repeat(RECEIPT_ITEM_NAME_MAX))
    expect(receipt.Items[1]!.Name).toBe(`${'a'.repeat(127)}🎨`)
    expect(Array.from(receipt.Items[1]!.Name)).toHaveLength(128)
    expect(receipt.Items[2]!.Name).toBe('Пакет кредитов')
  })

  it('accepts a fractional quantity only when the amount is whole kopecks', () => {
    const receipt = buildReceipt({
      email: 'buyer@mail.example',
      taxation: 'osn',
      items: [{ name: 'Половина', priceKopecks: 1_000, quantity: 0.5, tax: 'none' }],
    })
    expect(receipt.Items[0]!.Amount).toBe(500)
    expect(() =>
      buildReceipt({
        email: 'buyer@mail.example',
        taxation: 'osn',
        items: [{ name: 'Треть', priceKopecks: 1_001, quantity: 0.5, tax: 'none' }],
      }),
    ).toThrow(RangeError)
  })

  it('refuses what the bank would refuse', () => {
    const item = { name: 'Пакет', priceKopecks: 100, quantity: 1, tax: 'none' as const }
    const base = { email: 'buyer@mail.example', taxation: 'osn' as const }
    expect(() => buildReceipt({ ...base, items: [] })).toThrow(RangeError)
    expect(() => buildReceipt({ ...base, items: Array.from({ length: 101 }, () => item) })).toThrow(RangeError)
    expect(() => buildReceipt({ ...base, items: [{ ...item, priceKopecks: 99.5 }] })).toThrow(RangeError)
    expect(() => buildReceipt({ ...base, items: [{ ...item, quantity: 0 }] })).toThrow(RangeError)
    expect(() => buildReceipt({ ...base, items: [{ ...item, name: '   ' }] })).toThrow(RangeError)
    expect(() => buildReceipt({ ...base, email: 'not-an-email', items: [item] })).toThrow()
  })
})
