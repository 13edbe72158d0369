// The document kinds and locales the web app knows (app/content/legal-document.ts and
// app/platform/i18n/locales.ts). Adding one here without the app would publish content
// the site cannot serve.
export const DOCUMENT_KINDS = ['privacy', 'terms', 'cookies', 'consent'] as const
export type DocumentKind = (typeof DOCUMENT_KINDS)[number]

export const KIND_TITLES: Record<DocumentKind, string> = {
  privacy: 'Privacy policy',
  terms: 'Terms of service (public offer)',
  cookies: 'Cookie policy',
  consent: 'Consent to personal-data processing',
}

export const LOCALES = ['ru', 'en'] as const
export type Locale = (typeof LOCALES)[number]

export const LOCALE_TITLES: Record<Locale, string> = {
  ru: 'Russian',
  en: 'English',
}

export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === 'string' && (DOCUMENT_KINDS as readonly string[]).includes(value)
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}
