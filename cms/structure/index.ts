import type { DefaultDocumentNodeResolver, StructureResolver } from 'sanity/structure'
import { apiVersion } from '../environment'
import { SITE_SETTINGS_ID } from '../schemaTypes/siteSettings'
import { NEXT_VERSION_TEMPLATE_ID } from '../schemaTypes/templates'
import {
  DOCUMENT_KINDS,
  KIND_TITLES,
  LOCALE_TITLES,
  LOCALES,
  type DocumentKind,
  type Locale,
} from '../schemaTypes/vocabulary'
import { PreviewPane } from './preview-pane'

// Site settings first (a single document), the credit packs on sale and off,
// then one entry per kind of legal document, split by language, each listing
// its versions newest first.
export const structure: StructureResolver = (S) => {
  const versionList = (kind: DocumentKind, locale: Locale) =>
    S.documentList()
      .id(`${kind}-${locale}`)
      .title(`${KIND_TITLES[kind]} · ${LOCALE_TITLES[locale]}`)
      .schemaType('legalDocument')
      .apiVersion(apiVersion)
      .filter('_type == "legalDocument" && kind == $kind && locale == $locale')
      .params({ kind, locale })
      .defaultOrdering([{ field: 'version', direction: 'desc' }])
      .initialValueTemplates([S.initialValueTemplateItem(NEXT_VERSION_TEMPLATE_ID, { kind, locale })])

  const kindItem = (kind: DocumentKind) =>
    S.listItem()
      .id(kind)
      .title(KIND_TITLES[kind])
      .schemaType('legalDocument')
      .child(
        S.list()
          .id(`${kind}-languages`)
          .title(KIND_TITLES[kind])
          .items(
            LOCALES.map((locale) =>
              S.listItem().id(`${kind}-${locale}`).title(LOCALE_TITLES[locale]).child(versionList(kind, locale)),
            ),
          ),
      )

  return S.list()
    .title('Content')
    .items([
      S.listItem()
        .id(SITE_SETTINGS_ID)
        .title('Site settings')
        .schemaType('siteSettings')
        .child(S.document().schemaType('siteSettings').documentId(SITE_SETTINGS_ID).title('Site settings')),
      S.listItem()
        .id('credit-packs')
        .title('Credit packs')
        .schemaType('creditPack')
        .child(
          S.documentTypeList('creditPack')
            .title('Credit packs')
            .apiVersion(apiVersion)
            .defaultOrdering([{ field: 'order', direction: 'asc' }]),
        ),
      S.divider(),
      ...DOCUMENT_KINDS.map(kindItem),
    ])
}

// Legal documents open with two tabs: the form, and the site's preview of the draft.
export const defaultDocumentNode: DefaultDocumentNodeResolver = (S, { schemaType }) =>
  schemaType === 'legalDocument'
    ? S.document().views([S.view.form(), S.view.component(PreviewPane).id('preview').title('Preview')])
    : S.document()
