import { defineField, defineType } from 'sanity'

// One field per site language. siteSettings decides which of them are required
// (checkLocalizedText), so the same type serves required and optional values.
export const localizedString = defineType({
  name: 'localizedString',
  title: 'Text in both languages',
  type: 'object',
  options: { columns: 2 },
  fields: [
    defineField({ name: 'ru', title: 'Russian', type: 'string' }),
    defineField({ name: 'en', title: 'English', type: 'string' }),
  ],
})
