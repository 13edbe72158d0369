// Kept free of zod so browser bundles that only need the list stay small.
export const DOCUMENT_KINDS = ['privacy', 'terms', 'cookies', 'consent'] as const
export type DocumentKind = (typeof DOCUMENT_KINDS)[number]

export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === 'string' && (DOCUMENT_KINDS as readonly string[]).includes(value)
}
