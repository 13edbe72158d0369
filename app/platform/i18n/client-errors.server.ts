import { data } from '@remix-run/node'
import { getFixedT, languageFromAcceptLanguage, languageFromCookie, localeFromPath } from './i18next.server'
import { DEFAULT_LOCALE, type Locale } from './locales'

export type ClientErrorStatus = 400 | 403 | 404 | 409 | 410 | 413 | 415 | 422

/** What a 4xx says when the caller names nothing more precise (keys of the common namespace). */
const GENERAL_MESSAGES: Partial<Record<ClientErrorStatus, string>> = {
  400: 'common:errors.badRequest',
  404: 'common:errors.notFoundText',
}

type Refusal = {
  /** A message key with its namespace (`common:errors.unknownAction`); the status's general message if left out. */
  key?: string
  params?: Record<string, string | number>
  headers?: HeadersInit
}

/**
 * The language a refusal speaks when a route has no `$lang` of its own to go
 * by: the URL's prefix, then the remembered language, then the browser's, then ru.
 */
export function refusalLocale(request: Request): Locale {
  return (
    localeFromPath(new URL(request.url).pathname) ??
    languageFromCookie(request) ??
    languageFromAcceptLanguage(request.headers.get('Accept-Language')) ??
    DEFAULT_LOCALE
  )
}

function message(locale: Locale, status: ClientErrorStatus, refusal: Refusal): string {
  const key = refusal.key ?? GENERAL_MESSAGES[status] ?? 'common:errors.badRequest'
  return getFixedT(locale, 'common')(key, refusal.params ?? {})
}

/**
 * A 4xx for a loader or action to throw, its message in the page's language:
 * the error page shows it (and a 404 page its own text), and a request for
 * data gets it as is. Routes never answer a Russian page in English.
 */
export function clientError(locale: Locale, status: ClientErrorStatus, refusal: Refusal = {}) {
  return data(message(locale, status, refusal), { status, headers: refusal.headers })
}

/** The same refusal as a plain-text Response, for resource routes (no error page of their own). */
export function clientErrorResponse(locale: Locale, status: ClientErrorStatus, refusal: Refusal = {}): Response {
  const headers = new Headers(refusal.headers)
  headers.set('Content-Type', 'text/plain; charset=utf-8')
  return new Response(message(locale, status, refusal), { status, headers })
}
