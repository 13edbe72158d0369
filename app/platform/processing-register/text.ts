import type { Locale } from '~/platform/i18n/locales'

/** A fact's wording in each language the documents are published in. */
export type Localized = Record<Locale, string>

export const SECONDS = {
  minute: 60,
  day: 24 * 60 * 60,
  year: 365 * 24 * 60 * 60,
} as const
