import type { InitOptions } from 'i18next'
import { DATE_PUNCTUATION } from './date-punctuation'
import { DEFAULT_LOCALE, LOCALES } from './locales'

// Namespaces are the files under locales/{ru,en}/; routes declare the ones
// they use in handle.i18n.

export const i18nConfig = {
  supportedLngs: [...LOCALES],
  fallbackLng: DEFAULT_LOCALE,
  defaultNS: 'common',
  ns: ['common'],
  interpolation: { escapeValue: false },
  // «2026 г.» never gets a second full stop (date-punctuation.ts); the instances `use` the module.
  postProcess: [DATE_PUNCTUATION],
  react: { useSuspense: false },
} satisfies InitOptions

/** The cookie that remembers the language a person chose (see the cookie policy). */
export const LANGUAGE_COOKIE = 'lng'
