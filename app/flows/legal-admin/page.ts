import type { HeadersFunction, MetaDescriptor } from '@remix-run/node'

/**
 * What every page of the legal team's view sends: never stored by a shared
 * cache or kept by the browser (it shows personal data and evidence), and
 * never indexed. Sent as a header as well as a meta tag, so that a page whose
 * route forgets the meta tag is still covered.
 */
export const LEGAL_ADMIN_HEADERS = {
  'Cache-Control': 'private, no-store',
  'X-Robots-Tag': 'noindex, nofollow',
} as const

/**
 * The `headers` export of a legal-view page. Remix puts a loader's headers on
 * the HTML response only through a route's `headers` function; this one
 * sends the loader's headers with LEGAL_ADMIN_HEADERS on top. A page without
 * its own `headers` export inherits the layout's, which is this.
 */
export const legalAdminHeaders: HeadersFunction = ({ loaderHeaders }) => {
  const headers = new Headers(loaderHeaders)
  for (const [name, value] of Object.entries(LEGAL_ADMIN_HEADERS)) headers.set(name, value)
  return headers
}

/** The meta of a legal-view page: its title and the robots tag. */
export function legalAdminMeta(title: string | undefined): MetaDescriptor[] {
  return [...(title ? [{ title }] : []), { name: 'robots', content: 'noindex, nofollow' }]
}
