import { defineArrayMember, defineField, defineType } from 'sanity'
import { checkRegisterInclude, REGISTER_PROCESSOR_IDS } from './rules'

// A placeholder for a table the site fills from the register of processing
// (app/platform/processing-register/ in the site's code) when it archives the version: the
// archived text then holds the exact rows shown. The shape is what
// app/content/legal-document.ts (registerTableBlockSchema) parses.
export const registerTable = defineType({
  name: 'registerTable',
  title: 'Register table',
  type: 'object',
  fields: [
    defineField({
      name: 'table',
      title: 'Table',
      type: 'string',
      options: {
        list: [
          { title: 'Cookies (every cookie the site sets)', value: 'cookies' },
          { title: 'Data, purposes, grounds and retention periods', value: 'retention' },
          { title: 'Recipients and countries (the services chosen below)', value: 'processors' },
          { title: 'Response times for data-subject requests', value: 'requests' },
          { title: 'Advance notice of material changes (days before, and how)', value: 'notices' },
        ],
        layout: 'radio',
      },
      validation: (rule) => rule.required(),
    }),
    defineField({
      name: 'include',
      title: 'Outside services this version discloses',
      type: 'array',
      description:
        'Recipients table only. The site refuses to run an enabled service that the policy in force does not list.',
      of: [defineArrayMember({ type: 'string' })],
      options: { list: REGISTER_PROCESSOR_IDS.map((id) => ({ title: id, value: id })) },
      hidden: ({ parent }) => (parent as { table?: string } | undefined)?.table !== 'processors',
      validation: (rule) => rule.custom((include, context) => checkRegisterInclude(include, context.parent)),
    }),
  ],
  preview: {
    select: { table: 'table', include: 'include' },
    prepare: ({ table, include }: { table?: string; include?: string[] }) => ({
      title: `Register table: ${table ?? 'not chosen'}`,
      subtitle: table === 'processors' ? (include ?? []).join(', ') || 'no services chosen' : 'filled in by the site',
    }),
  },
})
