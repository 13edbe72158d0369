import { readdirSync } from 'node:fs'
import path from 'node:path'
import { createInstance, type i18n as I18n } from 'i18next'
import Backend from 'i18next-fs-backend'
import { RemixI18Next } from 'remix-i18next/server'
import { plainCookieHeader, readCookie } from '~/platform/cookies.server'
import { i18nConfig, LANGUAGE_COOKIE } from './config'
import { datePunctuation } from './date-punctuation'
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './locales'

/** `Set-Cookie` for the remembered language: the bare code, readable and unsigned (it only picks a language). */
export function serializeLanguageCookie(locale: Locale): string {
  return plainCookieHeader(LANGUAGE_COOKIE, locale)
}

/** The language remembered in the cookie, if it is one we serve. */
export function languageFromCookie(request: Request): Locale | null {
  const value = readCookie(request, LANGUAGE_COOKIE)
  return isLocale(value) ? value : null
}

/**
 * The most preferred language we serve from an Accept-Language header, by
 * quality and then order: `de-DE,de;q=0.9,en;q=0.8` gives `en`.
 */
export function languageFromAcceptLanguage(header: string | null): Locale | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      const quality = q === undefined ? 1 : Number(q.slice(2))
      return { primary: tag.trim().toLowerCase().split('-')[0], quality: Number.isFinite(quality) ? quality : 0, index }
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index)
  return ranked.map((entry) => entry.primary).find(isLocale) ?? null
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
    order: ['custom'],
    findLocale: async (request) =>
      localeFromPath(new URL(request.url).pathname) ??
      languageFromCookie(request) ??
      languageFromAcceptLanguage(request.headers.get('Accept-Language')) ??
      DEFAULT_LOCALE,
  },
})

let shared: I18n | undefined

/**
 * One i18next instance per process holding every language and namespace,
 * read from locales/ once (the files are small). Requests get cheap clones of
 * it that share its resource store.
 */
function sharedInstance(): I18n {
  if (shared) return shared
  const instance = createInstance()
  void instance
    .use(Backend)
    .use(datePunctuation)
    .init({
      ...i18nConfig,
      lng: DEFAULT_LOCALE,
      preload: [...LOCALES],
      // Every namespace file there is (locales/ru/*.json).
      ns: readdirSync(path.resolve('locales', DEFAULT_LOCALE))
        .filter((file) => file.endsWith('.json'))
        .map((file) => file.slice(0, -'.json'.length)),
      // Synchronous load: the instance is complete when init returns.
      initImmediate: false,
      backend: { loadPath: path.resolve('locales/{{lng}}/{{ns}}.json') },
    })
  shared = instance
  return instance
}

/** An i18next instance for one request, in its language. */
export function requestInstance(locale: Locale): I18n {
  return sharedInstance().cloneInstance({ lng: locale, initImmediate: false })
}

/** A translation function for loaders and meta (titles, error messages). */
export function getFixedT(locale: Locale, namespaces: string | readonly string[] = 'common') {
  return sharedInstance().getFixedT(locale, namespaces as string | string[])
}

/** The locale of a request: URL prefix, then cookie, then Accept-Language, then ru. */
export async function detectLocale(request: Request): Promise<Locale> {
  const locale = await i18next.getLocale(request)
  return isLocale(locale) ? locale : DEFAULT_LOCALE
}
