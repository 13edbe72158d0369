import { z } from 'zod'

/**
 * T-Bank (Tinkoff) internet acquiring, API v2: the 54-FZ receipt (FFD 1.05)
 * sent with Init and with a partial Cancel. Money is integer kopecks.
 */

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

/** Money is integer kopecks everywhere. */
export const kopecks = z.int().nonnegative()

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
