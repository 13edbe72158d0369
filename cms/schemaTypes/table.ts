import { defineArrayMember, defineField, defineType } from 'sanity'
import { checkTableRows } from './rules'

// The shape app/content/legal-document.ts (tableBlockSchema) parses: rows of plain-text
// cells, the first row being the header.
export const tableRow = defineType({
  name: 'tableRow',
  title: 'Row',
  type: 'object',
  fields: [
    defineField({
      name: 'cells',
      title: 'Cells',
      type: 'array',
      of: [defineArrayMember({ type: 'string' })],
    }),
  ],
  preview: {
    select: { cells: 'cells' },
    prepare: ({ cells }: { cells?: string[] }) => ({
      title: (cells ?? []).join(' | ') || 'Empty row',
    }),
  },
})

export const table = defineType({
  name: 'table',
  title: 'Table',
  type: 'object',
  fields: [
    defineField({
      name: 'caption',
      title: 'Caption',
      type: 'string',
      description: 'Optional. Shown above the table and read out by screen readers.',
    }),
    defineField({
      name: 'rows',
      title: 'Rows',
      type: 'array',
      description: 'The first row is the header row. Every row has the same number of cells.',
      of: [defineArrayMember({ type: 'tableRow' })],
      validation: (rule) => rule.custom((rows) => checkTableRows(rows)),
    }),
  ],
  preview: {
    select: { caption: 'caption', rows: 'rows' },
    prepare: ({ caption, rows }: { caption?: string; rows?: unknown[] }) => ({
      title: caption || 'Table',
      subtitle: `${rows?.length ?? 0} rows, the first is the header`,
    }),
  },
})
