import { forwardRef } from 'react'
import { useTranslation } from 'react-i18next'
import type { JobStatusResponse } from '~/generation'
import { CurrentJob } from './current-job'

/**
 * Where the job just started from the home page shows: beside the form on a
 * wide screen, below it on a phone (the page scrolls it into view and moves
 * focus to it). Before any job, a frame that says what will appear there.
 */
export const ResultPanel = forwardRef<HTMLElement, { current: JobStatusResponse | null }>(function ResultPanel(
  { current },
  ref,
) {
  const { t } = useTranslation('generate')
  return (
    <section
      ref={ref}
      id="result"
      tabIndex={-1}
      aria-labelledby="result-heading"
      className={`result-panel${current ? '' : ' result-panel--empty'}`}
    >
      <h2 id="result-heading" className="result-panel__heading">
        {t('results.panelHeading')}
      </h2>
      {current ? (
        <CurrentJob key={current.job.id} initial={current} />
      ) : (
        <div className="result-panel__placeholder">
          <p className="result-panel__placeholder-title">{t('results.placeholder')}</p>
          <p>{t('results.placeholderHint')}</p>
        </div>
      )}
    </section>
  )
})
