import type { Params } from '@remix-run/react'
import { LRUCache } from 'lru-cache'
import { consentEtagPart, cookieConsentState } from '~/cookie-consent/index.server'
import { getEnv } from '~/platform/env.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { DEFAULT_LOCALE, isLocale, type Locale } from '~/platform/i18n/locales'
import { clientError } from '~/platform/i18n/client-errors.server'
import { etagFor, PUBLIC_PAGE_CACHE_CONTROL } from '~/platform/http.server'
import { getSiteSettings } from '~/legal/index.server'
import { headingAnchors } from '~/legal'
import { isDocumentKind, type DocumentKind, type PortableBody } from '~/content'

/** The language and document kind of a legal route, or a 404. */
export function legalRouteParams(params: Params): { locale: Locale; kind: DocumentKind } {
  const { lang, kind } = params
  if (!isLocale(lang) || !isDocumentKind(kind)) throw clientError(isLocale(lang) ? lang : DEFAULT_LOCALE, 404)
  return { locale: lang, kind }
}

/** A version number from a URL: a positive integer without decoration, or null. */
export function parseVersionNumber(raw: string | null | undefined): number | null {
  if (!raw || !/^[1-9]\d{0,5}$/.test(raw)) return null
  return Number(raw)
}

export function legalT(locale: Locale) {
  return getFixedT(locale, ['legal', 'common'])
}

// Archived versions never change, so their headings are worked out once per hash.
const anchorsByHash = new LRUCache<string, ReturnType<typeof headingAnchors>>({ max: 500 })

/** Everything a rendered document needs besides the document itself. */
export async function documentExtras(locale: Locale, document: { sha256: string; body: PortableBody }) {
  const settings = await getSiteSettings(locale)
  let anchors = anchorsByHash.get(document.sha256)
  if (!anchors) {
    anchors = headingAnchors(document.body)
    anchorsByHash.set(document.sha256, anchors)
  }
  return { settings, anchorIds: anchors.ids, toc: anchors.toc }
}

const IDENTITY_COOKIES = /(?:^|;\s*)(palitra_session|palitra_guest)=([^;]*)/g

/** The session and guest cookies of a request, as one string ('' when it has none). */
function identityOf(request: Request): string {
  const cookie = request.headers.get('Cookie') ?? ''
  return [...cookie.matchAll(IDENTITY_COOKIES)].map((m) => `${m[1]}=${m[2]}`).join(';')
}

/** The language of a page's address (its first path segment), when it is one. */
function localeOfRequest(request: Request): Locale | null {
  const first = new URL(request.url).pathname.split('/')[1]
  return isLocale(first) ? first : null
}

/**
 * Cache headers for a legal page whose content is fully described by `parts`.
 * Anonymous visitors get a public, CDN-cacheable page; a signed-in person or
 * guest sees their own header, so their copy is private and its ETag is tied
 * to their session. The cookie banner is part of every page, so the ETag also
 * names what it shows (the cookie policy version in force, the choice, the
 * GPC signal); `Vary: Cookie, Sec-GPC` keeps the variants apart in caches.
 */
export async function publicPageHeaders(
  request: Request,
  ...parts: Array<string | number | boolean | null | undefined>
) {
  const identity = identityOf(request)
  const locale = localeOfRequest(request)
  const consent = locale ? consentEtagPart(await cookieConsentState(request, locale)) : ''
  return {
    ETag: etagFor(__BUILD_ID__, getEnv().NODE_ENV, identity, consent, ...parts),
    'Cache-Control': identity ? 'private, no-cache' : PUBLIC_PAGE_CACHE_CONTROL,
    // The same address answers differently once a session, guest or consent
    // cookie is set, or with the GPC signal: a browser must not reuse the
    // copy made for another of them.
    Vary: 'Cookie, Sec-GPC',
  }
}
