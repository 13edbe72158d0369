/**
 * The GROQ queries behind every ContentSource. Sanity (Content Lake) and the
 * local source (groq-js over the NDJSON export) run these exact strings, so
 * what works locally works in production.
 *
 * Params: $kind (DocumentKind), $locale (Locale), $version (number).
 * Localized fields are read as `field[$locale]`: groq-js only treats that as
 * attribute access when the params are passed to `parse` as well as to
 * `evaluate` (otherwise it is a filter and silently yields the wrong value).
 */

/** Fields every version carries; `id` is the Sanity document id. */
const SUMMARY_PROJECTION = /* groq */ `
  "id": _id,
  kind,
  locale,
  version,
  effectiveFrom,
  title,
  changeSummary,
  material`

/** Every version of one kind in one locale, without bodies, highest version first. */
export const LEGAL_DOCUMENT_VERSIONS_QUERY = /* groq */ `
*[_type == "legalDocument" && kind == $kind && locale == $locale]
  | order(version desc) {${SUMMARY_PROJECTION}
  }`

/**
 * One exact version with its body, or null. Duplicates of a version should
 * not exist (the Studio validates it); if they do, the last edited one wins
 * so that the answer is at least deterministic.
 */
export const LEGAL_DOCUMENT_QUERY = /* groq */ `
*[_type == "legalDocument" && kind == $kind && locale == $locale && version == $version]
  | order(_updatedAt desc)[0] {${SUMMARY_PROJECTION},
  body
  }`

/** Operator details for $locale, falling back to Russian (the legally binding language). */
export const SITE_SETTINGS_QUERY = /* groq */ `
*[_id == "siteSettings"][0] {
  "operatorName": coalesce(operatorName[$locale], operatorName.ru),
  "legalAddress": coalesce(legalAddress[$locale], legalAddress.ru),
  "registrationNumbers": registrationNumbers[] {
    "label": coalesce(label[$locale], label.ru),
    value
  },
  contactEmail,
  dataRequestEmail,
  "dataRequestPostalAddress": coalesce(dataRequestPostalAddress[$locale], dataRequestPostalAddress.ru),
  "euRepresentative": coalesce(euRepresentative[$locale], euRepresentative.en, euRepresentative.ru)
}`

/**
 * Credit packs on sale, in pricing-page order, with both languages (the page
 * picks one; checkout needs the pack whatever the language). A pack is on
 * sale only when `active` is explicitly true: the Studio sets it for new
 * packs, and a pack imported without it is not sold by accident. `order`
 * ties are broken by size, then id, so the order never depends on storage.
 */
export const CREDIT_PACKS_QUERY = /* groq */ `
*[_type == "creditPack" && active == true]
  | order(order asc, credits asc, _id asc) {
  "id": _id,
  credits,
  priceKopecks,
  "name": name { ru, en },
  "description": description { ru, en },
  "badge": badge { ru, en },
  order
}`

/**
 * Cheap readiness probe: 1 when the dataset holds at least one legal
 * document, 0 when it holds none (the slice stops the scan at the first hit).
 */
export const HEALTH_QUERY = /* groq */ `count(*[_type == "legalDocument"][0...1])`

/**
 * The fields of one published legal document that a second person's approval
 * covers, raw (before validation), absent ones as null: the site hashes them
 * the way the Studio did (app/legal/approval.server.ts).
 */
export const APPROVED_CONTENT_QUERY = /* groq */ `
*[_type == "legalDocument" && _id == $id][0] {
  kind,
  locale,
  version,
  effectiveFrom,
  title,
  body,
  changeSummary,
  material
}`
