import { defineArrayMember, defineField, defineType, isPublishedId, type ValidationContext } from 'sanity'
import { apiVersion } from '../environment'
import {
  checkBody,
  checkChangeSummary,
  checkEffectiveFrom,
  checkLinkHref,
  checkNotBackdated,
  checkPublishedVersionUnchanged,
  checkVersionFollowsLast,
  checkVersionUnique,
  describeSeries,
  formatMoment,
  isPublishedDocumentId,
  publishedIdOf,
  VERSION_MISSING,
} from './rules'
import { fetchSeries } from './series'
import { DOCUMENT_KINDS, KIND_TITLES, LOCALE_TITLES, LOCALES, isDocumentKind, isLocale } from './vocabulary'

/** The other versions of the document being validated, or null until kind and locale are chosen. */
async function seriesFor(context: ValidationContext) {
  const document = context.document
  if (!document || !isDocumentKind(document.kind) || !isLocale(document.locale)) return null
  const stored = await fetchSeries(context.getClient({ apiVersion }), document.kind, document.locale)
  return describeSeries(stored, document._id)
}

/**
 * A published version with no draft open is shown read-only. A brand-new
 * document also carries a published-style id, but it has no revision yet.
 */
function isFrozen(document: Record<string, unknown> | undefined): boolean {
  return Boolean(document?._rev) && typeof document?._id === 'string' && isPublishedId(document._id)
}

/**
 * Kind and language identify the series a version belongs to: once chosen
 * (the list's template and “New version from this one” set them), they stay.
 */
function lockedOnceSet({ value }: { value?: unknown }): boolean {
  return value !== undefined && value !== null && value !== ''
}

export const legalDocument = defineType({
  name: 'legalDocument',
  title: 'Legal document',
  type: 'document',
  readOnly: ({ document }) => isFrozen(document),
  initialValue: { material: false },
  fields: [
    defineField({
      name: 'kind',
      title: 'Kind',
      type: 'string',
      readOnly: lockedOnceSet,
      options: { list: DOCUMENT_KINDS.map((value) => ({ value, title: KIND_TITLES[value] })), layout: 'radio' },
      validation: (rule) => rule.required(),
    }),
    defineField({
      name: 'locale',
      title: 'Language',
      type: 'string',
      readOnly: lockedOnceSet,
      options: {
        list: LOCALES.map((value) => ({ value, title: LOCALE_TITLES[value] })),
        layout: 'radio',
        direction: 'horizontal',
      },
      validation: (rule) => rule.required(),
    }),
    defineField({
      name: 'version',
      title: 'Version',
      type: 'number',
      description: 'Set for you: the last published version of this document in this language, plus one.',
      // Never typed: a number input would lock after its first digit. The
      // list's template and “New version from this one” always set it.
      readOnly: true,
      validation: (rule) => [
        rule.required().error(VERSION_MISSING),
        rule
          .integer()
          .min(1)
          .custom(async (version, context) => {
            const series = await seriesFor(context)
            if (!series) return true
            const unique = checkVersionUnique(version, series.siblings)
            if (unique !== true) return unique
            return checkVersionFollowsLast(version, series.isPublished, series.siblings)
          }),
      ],
    }),
    defineField({
      name: 'effectiveFrom',
      title: 'In force from',
      type: 'datetime',
      description:
        'The moment this version replaces the previous one. A future date is announced on the page of the version in force until then.',
      options: { timeStep: 15 },
      validation: (rule) => [
        rule.custom(async (effectiveFrom, context) => {
          const series = await seriesFor(context)
          return checkEffectiveFrom(effectiveFrom, series?.isPublished ?? false, series?.siblings ?? [])
        }),
        rule
          .custom((effectiveFrom, context) => checkNotBackdated(effectiveFrom, isFrozen(context.document), new Date()))
          .warning(),
      ],
    }),
    defineField({
      name: 'title',
      title: 'Title',
      type: 'string',
      description: 'The heading of the page, in the language of this document.',
      validation: (rule) => rule.required(),
    }),
    defineField({
      name: 'body',
      title: 'Text',
      type: 'array',
      of: [
        defineArrayMember({
          type: 'block',
          styles: [
            { title: 'Paragraph', value: 'normal' },
            { title: 'Heading 2', value: 'h2' },
            { title: 'Heading 3', value: 'h3' },
            { title: 'Heading 4', value: 'h4' },
            { title: 'Quote', value: 'blockquote' },
          ],
          lists: [
            { title: 'Bulleted list', value: 'bullet' },
            { title: 'Numbered list', value: 'number' },
          ],
          marks: {
            decorators: [
              { title: 'Bold', value: 'strong' },
              { title: 'Italic', value: 'em' },
            ],
            annotations: [
              defineArrayMember({
                name: 'link',
                title: 'Link',
                type: 'object',
                fields: [
                  defineField({
                    name: 'href',
                    title: 'Address',
                    type: 'string',
                    description: 'https://…, mailto:…, or a path on this site such as /ru/privacy',
                    validation: (rule) => rule.custom((href) => checkLinkHref(href)),
                  }),
                ],
              }),
            ],
          },
        }),
        defineArrayMember({ type: 'table' }),
        defineArrayMember({ type: 'registerTable' }),
      ],
      validation: (rule) => rule.custom((body) => checkBody(body)),
    }),
    defineField({
      name: 'changeSummary',
      title: 'What changed and why',
      type: 'text',
      rows: 4,
      description: 'Shown to readers next to the comparison with the previous version.',
      validation: (rule) => rule.custom((summary, context) => checkChangeSummary(summary, context.document?.version)),
    }),
    defineField({
      name: 'material',
      title: 'Material change',
      type: 'boolean',
      description:
        'Tick when the change affects people’s rights or obligations. Everyone who accepted an earlier version is asked to accept this one again.',
      initialValue: false,
    }),
    defineField({
      name: 'approval',
      title: 'Approval',
      type: 'object',
      description:
        'Recorded by “Approve for publishing”. Publishing needs an approval of the current text by somebody other than the person who publishes.',
      readOnly: true,
      hidden: ({ value }) => !value,
      fields: [
        defineField({ name: 'name', title: 'Approved by', type: 'string' }),
        defineField({ name: 'email', title: 'E-mail', type: 'string' }),
        defineField({ name: 'approvedAt', title: 'Approved at', type: 'datetime' }),
        defineField({ name: 'userId', title: 'Sanity user id', type: 'string' }),
        defineField({
          name: 'contentHash',
          title: 'Fingerprint of the approved text (SHA-256)',
          type: 'string',
          description: 'Kind, language, version, date, title, text, change summary and material flag.',
        }),
      ],
    }),
  ],
  // A draft of a published version may not change it; corrections go into a new version.
  validation: (rule) =>
    rule.custom(async (document, context) => {
      if (!document || isPublishedDocumentId(document._id)) return true
      const published = await context
        .getClient({ apiVersion })
        .withConfig({ perspective: 'raw' })
        .fetch<Record<string, unknown> | null>('*[_id == $id][0]', { id: publishedIdOf(document._id) })
      return checkPublishedVersionUnchanged(document, published)
    }),
  orderings: [{ title: 'Version, newest first', name: 'versionDesc', by: [{ field: 'version', direction: 'desc' }] }],
  preview: {
    select: { kind: 'kind', locale: 'locale', version: 'version', effectiveFrom: 'effectiveFrom', title: 'title' },
    prepare: ({ kind, locale, version, effectiveFrom, title }) => {
      const kindTitle = isDocumentKind(kind) ? KIND_TITLES[kind] : 'Kind not set'
      const language = typeof locale === 'string' ? locale.toUpperCase() : '??'
      const date = typeof effectiveFrom === 'string' ? `in force from ${formatMoment(effectiveFrom)}` : 'no date yet'
      return {
        title: `${kindTitle} · ${language} · v${version ?? '?'}`,
        subtitle: `${date}${typeof title === 'string' ? ` · ${title}` : ''}`,
      }
    },
  },
})
