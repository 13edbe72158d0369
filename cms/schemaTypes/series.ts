import type { SanityClient } from 'sanity'
import { apiVersion } from '../environment'
import type { StoredVersion } from './rules'
import type { DocumentKind, Locale } from './vocabulary'

// Every stored copy (published, draft) of one kind and locale. Content-release
// copies are left out: releases are switched off in sanity.config.ts.
const SERIES_QUERY = `*[_type == "legalDocument" && kind == $kind && locale == $locale && !(_id in path("versions.**"))]{_id, version, effectiveFrom}`

export async function fetchSeries(client: SanityClient, kind: DocumentKind, locale: Locale): Promise<StoredVersion[]> {
  // The raw perspective returns drafts beside published documents; the
  // default for this API version would hide the drafts.
  return client.withConfig({ apiVersion, perspective: 'raw' }).fetch<StoredVersion[]>(SERIES_QUERY, { kind, locale })
}
