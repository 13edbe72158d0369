/**
 * T-Bank (Tinkoff) internet acquiring, API v2: payment statuses
 * (developer.tbank.ru/eacq, "Статусы операций", intro/developer/operation-statuses).
 */

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
