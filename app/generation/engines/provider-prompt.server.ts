import type { Style } from '../options'
import type { EngineInput } from './types'

/**
 * The prompt as the AI engines send it (OpenAI, YandexART): the person's
 * words, then an English description of the chosen style, which the models
 * follow better than a style name. Kandinsky's query has a length limit and
 * takes shorter style words (kandinsky.server.ts).
 */

const STYLE_HINTS: Record<Style, string | null> = {
  none: null,
  watercolor: 'a watercolour painting with soft washes of colour, gentle bleeding edges and visible paper texture',
  comic: 'a comic-book illustration with bold black ink outlines, flat saturated colours and halftone shading',
  noir: 'a high-contrast black-and-white film-noir photograph with deep shadows and dramatic light',
  vintage: 'a faded vintage photograph with a warm sepia tone, soft focus, film grain and a light vignette',
  neon: 'a neon-lit image with glowing, saturated magenta and cyan light against deep dark shadows',
  pastel: 'a soft pastel illustration in light, gentle, low-saturation colours',
}

/** The prompt as sent: the person's words, then an English style hint. */
export function providerPrompt(input: Pick<EngineInput, 'prompt' | 'style' | 'sourceImage'>): string {
  const lines = [input.prompt.trim()]
  const hint = STYLE_HINTS[input.style]
  if (input.sourceImage) {
    lines.push(hint ? `Restyle the attached photo as ${hint}.` : 'Base the image on the attached photo.')
  } else if (hint) {
    lines.push(`Style: ${hint}.`)
  }
  return lines.join('\n\n')
}
