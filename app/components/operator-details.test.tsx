import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import { requestInstance } from '~/platform/i18n/i18next.server'
import { siteSettingsSchema } from '~/content/legal-document'
import { OperatorDetails } from './legal-document-view'

const settings = (extra: Record<string, unknown> = {}) =>
  siteSettingsSchema.parse({
    operatorName: 'Palitra Laboratory LLC',
    contactEmail: 'hello@palitra.example',
    dataRequestEmail: 'privacy@palitra.example',
    ...extra,
  })

function render(locale: 'ru' | 'en', value: ReturnType<typeof settings>) {
  return renderToStaticMarkup(
    <I18nextProvider i18n={requestInstance(locale)}>
      <OperatorDetails settings={value} />
    </I18nextProvider>,
  )
}

describe('operator details', () => {
  it('shows the EU representative when the site settings name one', () => {
    const html = render('en', settings({ euRepresentative: 'Example Representative, rep@palitra.example' }))
    expect(html).toContain(
      'Our representative in the European Union (GDPR Article 27): Example Representative, rep@palitra.example',
    )
    expect(render('ru', settings({ euRepresentative: 'Представитель, rep@palitra.example' }))).toContain(
      'Наш представитель в Европейском союзе (статья 27 GDPR): Представитель, rep@palitra.example',
    )
  })

  it('says nothing about a representative when none is set (empty allowed)', () => {
    expect(render('en', settings())).not.toContain('representative')
    expect(render('en', settings({ euRepresentative: '  ' }))).not.toContain('representative')
  })
})
