import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { shortenPrompt, type GalleryExample } from '~/generation'
import type { Locale } from '~/platform/i18n/locales'

/** The address that fills the home page's form in with an example's prompt and settings. */
export function exampleHref(locale: Locale, example: GalleryExample): string {
  const query = new URLSearchParams({
    prompt: example.prompt[locale],
    style: example.style,
    aspectRatio: example.aspectRatio,
  })
  return `/${locale}?${query}#generate`
}

/**
 * What the service makes: pictures our own engine made, each with its prompt
 * in the page's language and a link that puts that prompt into the form.
 * Nothing at all while there are no examples.
 */
export function ExampleGallery({ locale, examples }: { locale: Locale; examples: readonly GalleryExample[] }) {
  const { t } = useTranslation('home')
  if (examples.length === 0) return null
  return (
    <section aria-labelledby="gallery-heading" className="landing-section gallery">
      <h2 id="gallery-heading">{t('gallery.heading')}</h2>
      <p className="landing-section__lead">{t('gallery.lead')}</p>
      <ul className="gallery__list">
        {examples.map((example) => {
          const prompt = example.prompt[locale]
          return (
            <li key={example.file} className="gallery__item">
              <figure className="gallery__figure">
                <img
                  className="gallery__image"
                  src={`/examples/${example.file}`}
                  alt={prompt}
                  width={example.width}
                  height={example.height}
                  loading="lazy"
                  decoding="async"
                />
                <figcaption className="gallery__caption">
                  <span className="gallery__prompt">{prompt}</span>
                  <Link
                    className="gallery__try"
                    to={exampleHref(locale, example)}
                    aria-label={t('gallery.tryLabel', { prompt: shortenPrompt(prompt, 80) })}
                  >
                    {t('gallery.try')}
                  </Link>
                </figcaption>
              </figure>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
