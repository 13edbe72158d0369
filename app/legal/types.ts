import { z } from 'zod'
import { LOCALES } from '~/i18n/locales'

import { DOCUMENT_KINDS } from './kinds'

export { DOCUMENT_KINDS, isDocumentKind, type DocumentKind } from './kinds'

// Portable Text as the Studio schema (cms/schemaTypes) allows it: headings,
// paragraphs, bullet and numbered lists, links, emphasis, and simple tables
// whose first row is the header row.
export const spanSchema = z.object({
  _type: z.literal('span'),
  _key: z.string().optional(),
  text: z.string(),
  marks: z.array(z.string()).default([]),
})

export const linkMarkSchema = z.object({
  _type: z.literal('link'),
  _key: z.string(),
  href: z.string().regex(/^(https?:\/\/|mailto:|\/|#)/, 'link must be http(s), mailto, or site-relative'),
})

export const textBlockSchema = z.object({
  _type: z.literal('block'),
  _key: z.string(),
  style: z.enum(['normal', 'h2', 'h3', 'h4', 'blockquote']).default('normal'),
  listItem: z.enum(['bullet', 'number']).optional(),
  level: z.number().int().min(1).max(4).optional(),
  children: z.array(spanSchema).min(1),
  markDefs: z.array(linkMarkSchema).default([]),
})

export const tableBlockSchema = z.object({
  _type: z.literal('table'),
  _key: z.string(),
  caption: z.string().optional(),
  rows: z
    .array(
      z.object({
        _type: z.literal('tableRow').optional(),
        _key: z.string(),
        cells: z.array(z.string()),
      }),
    )
    .min(1),
})

export const portableBlockSchema = z.discriminatedUnion('_type', [textBlockSchema, tableBlockSchema])
export const portableBodySchema = z.array(portableBlockSchema).min(1)

export type Span = z.infer<typeof spanSchema>
export type TextBlock = z.infer<typeof textBlockSchema>
export type TableBlock = z.infer<typeof tableBlockSchema>
export type PortableBlock = z.infer<typeof portableBlockSchema>
export type PortableBody = z.infer<typeof portableBodySchema>

const isoDateTime = z.iso.datetime({ offset: true })

/** A version's metadata, without its body (the archive listing). */
export const legalDocumentSummarySchema = z.object({
  id: z.string().min(1),
  kind: z.enum(DOCUMENT_KINDS),
  locale: z.enum(LOCALES),
  version: z.number().int().min(1),
  effectiveFrom: isoDateTime,
  title: z.string().min(1),
  changeSummary: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  material: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
})

export const legalDocumentSchema = legalDocumentSummarySchema.extend({
  body: portableBodySchema,
})

export type LegalDocumentSummary = z.infer<typeof legalDocumentSummarySchema>
export type LegalDocument = z.infer<typeof legalDocumentSchema>

export const siteSettingsSchema = z.object({
  operatorName: z.string().min(1),
  legalAddress: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  registrationNumbers: z
    .array(z.object({ label: z.string().min(1), value: z.string().min(1) }))
    .nullish()
    .transform((v) => v ?? []),
  contactEmail: z.email(),
  dataRequestEmail: z.email(),
  dataRequestPostalAddress: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
})

export type SiteSettings = z.infer<typeof siteSettingsSchema>
