import type { PostProcessorModule } from 'i18next'

/**
 * A Russian long date ends in «г.» («7 декабря 2026 г.»): a sentence that
 * puts its own full stop after a date would print «г..». Every string passes
 * through this, so no sentence, page or mail has to know where its dates fall.
 * Only a date's «г.» followed by exactly one more full stop is touched; an
 * ellipsis («г...») stays as it is.
 */
export function collapseStopAfterDate(text: string): string {
  return text.replace(/(\d\sг\.)\.(?!\.)/g, '$1')
}

export const DATE_PUNCTUATION = 'datePunctuation'

export const datePunctuation: PostProcessorModule = {
  type: 'postProcessor',
  name: DATE_PUNCTUATION,
  process: (value: string) => collapseStopAfterDate(value),
}
