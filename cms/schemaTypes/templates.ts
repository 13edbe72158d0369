import type { InitialValueResolverContext, Template } from 'sanity'
import { apiVersion } from '../environment'
import { describeSeries, nextVersionNumber } from './rules'
import { fetchSeries } from './series'
import { isDocumentKind, isLocale } from './vocabulary'

export const NEXT_VERSION_TEMPLATE_ID = 'legalDocument-next-version'

/**
 * “Create” inside a kind + language list: the kind and language of that list
 * and the next free number, so nobody has to look it up.
 */
type SeriesParams = { kind?: string; locale?: string }

export const nextVersionTemplate: Template<SeriesParams> = {
  id: NEXT_VERSION_TEMPLATE_ID,
  title: 'Next version',
  schemaType: 'legalDocument',
  parameters: [
    { name: 'kind', type: 'string' },
    { name: 'locale', type: 'string' },
  ],
  value: async (params: SeriesParams | undefined, context: InitialValueResolverContext) => {
    const kind = params?.kind
    const locale = params?.locale
    if (!isDocumentKind(kind) || !isLocale(locale)) return { material: false }
    const stored = await fetchSeries(context.getClient({ apiVersion }), kind, locale)
    return { kind, locale, version: nextVersionNumber(describeSeries(stored).siblings), material: false }
  },
}
