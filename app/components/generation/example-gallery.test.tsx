import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { StaticRouter } from 'react-router-dom/server'
import { describe, expect, it } from 'vitest'
import type { GalleryExample } from '~/generation'
import { requestInstance } from '~/platform/i18n/i18next.server'
import { ExampleGallery, exampleHref } from './example-gallery'

const EXAMPLE: GalleryExample = {
  file: 'lighthouse.webp',
  prompt: { ru: 'Маяк на рассвете над морем', en: 'A lighthouse at dawn above the sea' },
  style: 'watercolor',
  aspectRatio: '16:9',
  width: 768,
  height: 432,
}

function render(locale: 'ru' | 'en', examples: readonly GalleryExample[]) {
  return renderToStaticMarkup(
    <StaticRouter location="/">
      <I18nextProvider i18n={requestInstance(locale)}>
        <ExampleGallery locale={locale} examples={examples} />
      </I18nextProvider>
    </StaticRouter>,
  )
}

describe('the example gallery', () => {
  it('is left out while there are no examples', () => {
    expect(render('ru', [])).toBe('')
  })

  it('shows each image with its size and its prompt in the page language, and a link that tries it', () => {
    for (const locale of ['ru', 'en'] as const) {
      const html = render(locale, [EXAMPLE])
      const prompt = EXAMPLE.prompt[locale]
      expect(html).toContain(`src="/examples/lighthouse.webp"`)
      expect(html).toContain(`alt="${prompt}"`)
      expect(html).toContain('width="768"')
      expect(html).toContain('height="432"')
      expect(html).toContain(`<figcaption`)
      expect(html).toContain(prompt)
      expect(html).toContain(`href="${exampleHref(locale, EXAMPLE).replaceAll('&', '&amp;')}"`)
    }
  })

  it('links to the home page with the prompt and settings the home page takes', () => {
    const url = new URL(exampleHref('ru', EXAMPLE), 'http://localhost')
    expect(url.pathname).toBe('/ru')
    expect(url.hash).toBe('#generate')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      prompt: 'Маяк на рассвете над морем',
      style: 'watercolor',
      aspectRatio: '16:9',
    })
  })
})
