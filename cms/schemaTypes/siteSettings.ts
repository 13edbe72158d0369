import { defineArrayMember, defineField, defineType } from 'sanity'
import { checkLocalizedText } from './rules'

// The operator's details that the legal pages print. One document with the
// fixed id `siteSettings` (see structure/index.ts); the web app reads it by id.

export const SITE_SETTINGS_ID = 'siteSettings'

export const registrationNumber = defineType({
  name: 'registrationNumber',
  title: 'Registration number',
  type: 'object',
  fields: [
    defineField({
      name: 'label',
      title: 'Label',
      type: 'localizedString',
      description: 'What the number is, for example the state registration or taxpayer number.',
      validation: (rule) => rule.custom((value) => checkLocalizedText(value, true)),
    }),
    defineField({ name: 'value', title: 'Number', type: 'string', validation: (rule) => rule.required() }),
  ],
  preview: {
    select: { label: 'label.en', value: 'value' },
    prepare: ({ label, value }: { label?: string; value?: string }) => ({ title: label || 'Number', subtitle: value }),
  },
})

export const siteSettings = defineType({
  name: 'siteSettings',
  title: 'Site settings',
  type: 'document',
  fields: [
    defineField({
      name: 'operatorName',
      title: 'Operator name',
      type: 'localizedString',
      description: 'The legal name of the company that operates the service and processes personal data.',
      validation: (rule) => rule.custom((value) => checkLocalizedText(value, true)),
    }),
    defineField({
      name: 'legalAddress',
      title: 'Legal address',
      type: 'localizedString',
      validation: (rule) => rule.custom((value) => checkLocalizedText(value, false)),
    }),
    defineField({
      name: 'registrationNumbers',
      title: 'Registration numbers',
      type: 'array',
      of: [defineArrayMember({ type: 'registrationNumber' })],
    }),
    defineField({
      name: 'contactEmail',
      title: 'Contact email',
      type: 'string',
      validation: (rule) => rule.required().email(),
    }),
    defineField({
      name: 'dataRequestEmail',
      title: 'Email for personal-data requests',
      type: 'string',
      description:
        'Where people send requests about their personal data (access, correction, deletion, withdrawal of consent).',
      validation: (rule) => rule.required().email(),
    }),
    defineField({
      name: 'dataRequestPostalAddress',
      title: 'Postal address for personal-data requests',
      type: 'localizedString',
      validation: (rule) => rule.custom((value) => checkLocalizedText(value, false)),
    }),
    defineField({
      name: 'euRepresentative',
      title: 'Representative in the European Union (GDPR art. 27)',
      type: 'localizedString',
      description:
        'Name and contact of the representative, if one is appointed. Leave empty when there is none; when set, every policy page shows it with the operator details.',
      validation: (rule) => rule.custom((value) => checkLocalizedText(value, false)),
    }),
  ],
  preview: {
    prepare: () => ({ title: 'Site settings' }),
  },
})
