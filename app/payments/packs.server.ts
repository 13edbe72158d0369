import {
  ContentUnavailableError,
  getContentSource,
  type ContentSource,
  compareCreditPacks,
  type CreditPack,
} from '~/content/index.server'

export type { CreditPack } from '~/content/index.server'

/** Where packs come from: the process-wide content source (Sanity or the seed), behind its cache. */
type PackSource = Pick<ContentSource, 'creditPacks'>

/**
 * The credit packs on sale, in pricing-page order. Prices come from the CMS
 * each time (through the content cache), so a price published in the Studio
 * applies without a deploy. Throws ContentUnavailableError when the CMS is
 * unreachable and nothing was cached yet.
 */
export async function listCreditPacks(source: PackSource = getContentSource()): Promise<CreditPack[]> {
  // The query already sorts; sorting again keeps the order a guarantee of this
  // function rather than of whichever source answered.
  return [...(await source.creditPacks())].sort(compareCreditPacks)
}

/**
 * The packs' names in one language, by pack id, for showing past orders in
 * the page's language (an order keeps the name in the language it was bought
 * in). A pack taken off sale, or content that cannot be read now, gives no
 * entry: the order's own name is shown then.
 */
export async function packNamesIn(
  locale: 'ru' | 'en',
  source: PackSource = getContentSource(),
): Promise<Map<string, string>> {
  try {
    return new Map((await source.creditPacks()).map((pack) => [pack.id, pack.name[locale]]))
  } catch (error) {
    if (error instanceof ContentUnavailableError) return new Map()
    throw error
  }
}

/** A pack that is on sale now, or null (unknown id, taken off sale, or invalid in the CMS). */
export async function findCreditPack(id: string, source: PackSource = getContentSource()): Promise<CreditPack | null> {
  return (await source.creditPacks()).find((pack) => pack.id === id) ?? null
}
