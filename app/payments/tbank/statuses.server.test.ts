import { describe, expect, it } from 'vitest'
import { isFinalTbankStatus } from './statuses.server'

describe('statuses', () => {
  it('knows which statuses the bank leaves alone', () => {
    for (const status of ['CONFIRMED', 'REFUNDED', 'PARTIAL_REFUNDED', 'REJECTED', 'CANCELED', 'DEADLINE_EXPIRED']) {
      expect(isFinalTbankStatus(status)).toBe(true)
    }
    for (const status of ['NEW', 'FORM_SHOWED', 'AUTHORIZED', '3DS_CHECKING', 'CONFIRMING', 'REFUNDING', 'WHATEVER']) {
      expect(isFinalTbankStatus(status)).toBe(false)
    }
  })
})
