import { z } from 'zod'
import { LOCALES } from '~/platform/i18n/locales'

import { DOCUMENT_KINDS } from '~/platform/document-kinds'

export { DOCUMENT_KINDS, isDocumentKind, type DocumentKind } from '~/platform/document-kinds'

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

export const REGISTER_TABLES = ['cookies', 'retention', 'processors', 'requests', 'notices'] as const
export type RegisterTableName = (typeof REGISTER_TABLES)[number]

export const tableBlockSchema = z.object({
  _type: z.literal('table'),
  _key: z.string(),
  caption: z.string().optional(),
  /**
   * Set on a table rendered from the register of processing when the version
   * was archived: which register table, and the ids of its rows (the
   * start-up check reads which outside services a version disclosed).
   */
  register: z.object({ table: z.enum(REGISTER_TABLES), ids: z.array(z.string()) }).optional(),
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

/**
 * A placeholder the legal team inserts in the Studio: "the cookie table", "the
 * retention table", "the recipients table (these services)", "the response
 * times", "the advance notices of material changes". The site fills
 * it from the register of processing when it archives the version, so the
 * archived text (and its hash) holds the exact rows the person was shown.
 */
export const registerTableBlockSchema = z.object({
  _type: z.literal('registerTable'),
  _key: z.string(),
  table: z.enum(REGISTER_TABLES),
  /** For the recipients table: the services this version discloses (ids from app/platform/processing-register/processors.ts). */
  include: z.array(z.string()).optional(),
})

export const portableBlockSchema = z.discriminatedUnion('_type', [textBlockSchema, tableBlockSchema])
/** A body as archived and shown: register tables already filled in. */
export const portableBodySchema = z.array(portableBlockSchema).min(1)
/** A body as the content source holds it: it may contain register-table placeholders. */
export const sourceBodySchema = z
  .array(z.discriminatedUnion('_type', [textBlockSchema, tableBlockSchema, registerTableBlockSchema]))
  .min(1)

export type Span = z.infer<typeof spanSchema>
export type TextBlock = z.infer<typeof textBlockSchema>
export type TableBlock = z.infer<typeof tableBlockSchema>
export type PortableBlock = z.infer<typeof portableBlockSchema>
export type PortableBody = z.infer<typeof portableBodySchema>
export type RegisterTableBlock = z.infer<typeof registerTableBlockSchema>
export type SourceBody = z.infer<typeof sourceBodySchema>

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
  body: sourceBodySchema,
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
  /** GDPR art. 27: the representative in the EU, when one is appointed (name and contact, free text). */
  euRepresentative: z
    .string()
    .trim()
    .nullish()
    .transform((v) => (v ? v : null)),
})

export type SiteSettings = z.infer<typeof siteSettingsSchema>
