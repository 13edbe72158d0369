import type { Locale } from './locales'

const intlLocale: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' }

// Documents take effect at Moscow time; showing dates in that zone keeps the
// printed date identical to the one in the legal text for every reader.
export const LEGAL_TIME_ZONE = 'Europe/Moscow'

// Building an Intl formatter is costly; pages format many dates with few settings.
const dateFormats = new Map<string, Intl.DateTimeFormat>()

export function formatDate(iso: string | Date, locale: Locale, withTime = false): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  const key = `${locale}:${withTime}`
  let format = dateFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale[locale], {
      dateStyle: 'long',
      ...(withTime ? { timeStyle: 'short' } : {}),
      timeZone: LEGAL_TIME_ZONE,
    })
    dateFormats.set(key, format)
  }
  return format.format(date)
}

/** Money is kept in kopecks (integers); only display divides. */
export function formatMoney(kopecks: number, locale: Locale): string {
  if (!Number.isInteger(kopecks)) throw new TypeError('money must be an integer number of kopecks')
  return new Intl.NumberFormat(intlLocale[locale], {
    style: 'currency',
    currency: 'RUB',
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: kopecks % 100 === 0 ? 0 : 2,
  }).format(kopecks / 100)
}

export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale[locale]).format(value)
}
