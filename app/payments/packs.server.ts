import { getContentSource, type ContentSource, compareCreditPacks, type CreditPack } from '~/content/index.server'

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

/** A pack that is on sale now, or null (unknown id, taken off sale, or invalid in the CMS). */
export async function findCreditPack(id: string, source: PackSource = getContentSource()): Promise<CreditPack | null> {
  return (await source.creditPacks()).find((pack) => pack.id === id) ?? null
}
