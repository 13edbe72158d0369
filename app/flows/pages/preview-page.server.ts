import type { Params } from '@remix-run/react'
import { getPreviewAccess, type PreviewAccess } from '~/content/index.server'
import { getPreviewPage } from '~/legal/index.server'
import { clientError } from '~/platform/i18n/client-errors.server'
import { DEFAULT_LOCALE, isLocale } from '~/platform/i18n/locales'
import { isDocumentKind } from '~/content'
import { documentExtras, legalT, parseVersionNumber } from './page-data.server'

/**
 * The preview of a draft legal version (/:lang/:kind/preview/:version): only
 * with a live `sanity-preview-secret` in the address, checked on every
 * request (there is no preview cookie). Never cached, never indexed, never
 * archived, and no acceptance form: the route has no action.
 */

/** Every answer of the preview route, the 404s included. */
export const PREVIEW_HEADERS = {
  'Cache-Control': 'no-store, private',
  'X-Robots-Tag': 'noindex, nofollow',
  // The secret is in the address: links followed from the preview must not carry it away.
  'Referrer-Policy': 'no-referrer',
} as const

export async function previewPage(
  request: Request,
  params: Params,
  options: { access?: PreviewAccess | null; now?: Date } = {},
) {
  const locale = isLocale(params.lang) ? params.lang : DEFAULT_LOCALE
  // Whatever is wrong (no such language, kind, number, draft, or the secret),
  // the answer is the same 404: nothing tells a guesser what exists.
  const notFound = () => clientError(locale, 404, { headers: PREVIEW_HEADERS })
  const version = parseVersionNumber(params.version)
  if (!isLocale(params.lang) || !isDocumentKind(params.kind) || version === null) throw notFound()
  const kind = params.kind
  const access = options.access === undefined ? getPreviewAccess() : options.access
  if (!access || !(await access.validate(request.url))) throw notFound()
  const page = await getPreviewPage(kind, locale, version, access.source, options.now)
  if (!page) throw notFound()

  const t = await legalT(locale)
  const { plainText: _plainText, ...draft } = page.draft
  const extras = await documentExtras(locale, draft)
  return {
    headers: PREVIEW_HEADERS,
    page: {
      locale,
      kind,
      title: `${t('preview.titlePrefix')}: ${draft.title} (${t('version', { version })}) — ${t('common:siteName')}`,
      documentName: t(`common:documentKinds.${kind}`),
      draft,
      status: page.status,
      inForce: page.inForce,
      previous: page.previous,
      announced: page.announced,
      comparison: page.comparison,
      ...extras,
    },
  }
}
