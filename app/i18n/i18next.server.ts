import path from 'node:path'
import { createCookie } from '@remix-run/node'
import Backend from 'i18next-fs-backend'
import { RemixI18Next } from 'remix-i18next/server'
import { i18nConfig, LANGUAGE_COOKIE } from './config'
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './locales'

export const languageCookie = createCookie(LANGUAGE_COOKIE, {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 365 * 24 * 60 * 60,
  secure: process.env.NODE_ENV === 'production' && process.env.PUBLIC_URL?.startsWith('https://') === true,
})

/** The language named by the URL's first segment, if it is one we serve. */
export function localeFromPath(pathname: string): Locale | null {
  const first = pathname.split('/')[1]
  return isLocale(first) ? first : null
}

export const i18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...LOCALES],
    fallbackLanguage: DEFAULT_LOCALE,
    cookie: languageCookie,
    // The URL prefix decides; the cookie and Accept-Language only matter for `/`
    // and for pages outside the prefix (errors, resource routes).
    order: ['custom', 'cookie', 'header'],
    findLocale: async (request) => localeFromPath(new URL(request.url).pathname),
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
