import path from 'node:path'
import Backend from 'i18next-fs-backend'
import { RemixI18Next } from 'remix-i18next/server'
import { i18nConfig, LANGUAGE_COOKIE } from './config'
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './locales'

const LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60

/** `Set-Cookie` for the remembered language: the bare code, readable and unsigned (it only picks a language). */
export function serializeLanguageCookie(locale: Locale): string {
  const secure = process.env.PUBLIC_URL?.startsWith('https://') ? '; Secure' : ''
  return `${LANGUAGE_COOKIE}=${locale}; Path=/; Max-Age=${LANGUAGE_COOKIE_MAX_AGE}; SameSite=Lax; HttpOnly${secure}`
}

/** The language remembered in the cookie, if it is one we serve. */
export function languageFromCookie(request: Request): Locale | null {
  const header = request.headers.get('Cookie') ?? ''
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=')
    if (name === LANGUAGE_COOKIE && isLocale(value)) return value
  }
  return null
}

/** The language named by the URL's first segment, if it is one we serve. */
export function localeFromPath(pathname: string): Locale | null {
  const first = pathname.split('/')[1]
  return isLocale(first) ? first : null
}

export const i18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...LOCALES],
    fallbackLanguage: DEFAULT_LOCALE,
    // The URL prefix decides; the cookie and Accept-Language only matter for `/`
    // and for pages outside the prefix (errors, resource routes).
    order: ['custom', 'header'],
    findLocale: async (request) => localeFromPath(new URL(request.url).pathname) ?? languageFromCookie(request),
  },
  i18next: {
    ...i18nConfig,
    backend: { loadPath: path.resolve('locales/{{lng}}/{{ns}}.json') },
  },
  plugins: [Backend],
})

/** The locale of a request: URL prefix, then cookie, then Accept-Language, then ru. */
export async function detectLocale(request: Request): Promise<Locale> {
  const locale = await i18next.getLocale(request)
  return isLocale(locale) ? locale : DEFAULT_LOCALE
}
