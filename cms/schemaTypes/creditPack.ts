import { createElement, type ReactElement } from 'react'
import { defineField, defineType, useFormValue, type NumberInputProps } from 'sanity'
import { checkCredits, checkOrder, checkPriceKopecks, describePrice, packSummary } from './creditPackRules'
import { checkLocalizedText } from './rules'

// Credit packs: what the pricing page sells. The business edits prices here;
// the site picks a change up on publish (webhook) or within the content cache
// time, without a deploy. Money is whole kopecks, like everywhere in the app.

/** Longer text in both languages (several lines), for descriptions. */
export const localizedText = defineType({
  name: 'localizedText',
  title: 'Longer text in both languages',
  type: 'object',
  fields: [
    defineField({ name: 'ru', title: 'Russian', type: 'text', rows: 3 }),
    defineField({ name: 'en', title: 'English', type: 'text', rows: 3 }),
  ],
})

/** The number input as usual, plus what the kopecks come to in roubles and per credit. */
function PriceInput(props: NumberInputProps): ReactElement {
  const credits = useFormValue(['credits'])
  const hint = describePrice(props.value, credits)
  return createElement(
    'div',
    null,
    props.renderDefault(props),
    createElement(
      'p',
      {
        'aria-live': 'polite',
        style: { margin: '0.5rem 0 0', fontSize: '0.8125rem', color: 'var(--card-muted-fg-color, inherit)' },
      },
      hint ?? 'Enter the price in kopecks to see it in roubles.',
    ),
  )
}

export const creditPack = defineType({
  name: 'creditPack',
  title: 'Credit pack',
  type: 'document',
  initialValue: { active: true },
  fields: [
    defineField({
      name: 'name',
      title: 'Name',
      type: 'localizedString',
      description: 'The heading of the pack on the pricing page, for example “Start”.',
      validation: (rule) => rule.custom((value) => checkLocalizedText(value, true)),
    }),
    defineField({
      name: 'description',
      title: 'Description',
      type: 'localizedText',
      description: 'One or two sentences under the name: who the pack is for.',
      validation: (rule) => rule.custom((value) => checkLocalizedText(value, true)),
    }),
    defineField({
      name: 'badge',
      title: 'Badge',
      type: 'localizedString',
      description: 'Optional short label shown on the pack, for example “Popular”. Both languages or neither.',
      validation: (rule) => rule.custom((value) => checkLocalizedText(value, false)),
    }),
    defineField({
      name: 'credits',
      title: 'Credits',
      type: 'number',
      description: 'How many credits the pack adds to the balance. A whole number from 1 to 100 000.',
      validation: (rule) => rule.required().custom((value) => checkCredits(value)),
    }),
    defineField({
      name: 'priceKopecks',
      title: 'Price, kopecks',
      type: 'number',
      description:
        'The price people pay, VAT included where it applies, in kopecks: 590 ₽ is 59000. What it comes to in roubles is shown under the field. A change applies to purchases started after it is published; credits already paid for are not affected.',
      components: { input: PriceInput },
      validation: (rule) => rule.required().custom((value) => checkPriceKopecks(value)),
    }),
    defineField({
      name: 'order',
      title: 'Order',
      type: 'number',
      description: 'Packs are listed by this number, smallest first. Steps of 10 leave room to insert a pack later.',
      validation: (rule) => rule.required().custom((value) => checkOrder(value)),
    }),
    defineField({
      name: 'active',
      title: 'On sale',
      type: 'boolean',
      description:
        'Untick to take the pack off the pricing page and out of checkout. Prefer this to deleting: past purchases refer to the pack.',
      initialValue: true,
    }),
  ],
  orderings: [{ title: 'Order on the pricing page', name: 'orderAsc', by: [{ field: 'order', direction: 'asc' }] }],
  preview: {
    select: {
      title: 'name.en',
      titleRu: 'name.ru',
      credits: 'credits',
      priceKopecks: 'priceKopecks',
      active: 'active',
    },
    prepare: ({ title, titleRu, credits, priceKopecks, active }) => ({
      title: (typeof title === 'string' && title) || (typeof titleRu === 'string' && titleRu) || 'Unnamed pack',
      subtitle: packSummary({ credits, priceKopecks, active }),
    }),
  },
})
