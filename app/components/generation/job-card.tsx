import { Link } from '@remix-run/react'
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { isFinished, ratioKey, shortenPrompt, type JobImageView, type JobView } from '~/generation'
import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'
import { useHydrated } from './generation-form'

export type JobCardProps = {
  job: JobView
  locale: Locale
  onCancel?: () => void
  cancelAction?: string
  againHref: string
  busy?: boolean
}

/**
 * One generation: its status while it waits and runs, the images when done,
 * the reason and the refund when it failed or was canceled, and the settings
 * it was made with.
 */
export function JobCard({ job, locale, onCancel, cancelAction, againHref, busy = false }: JobCardProps) {
  const { t } = useTranslation(['generate', 'common'])
  const credits = (count: number) => t('common:credits', { count })
  const canCancel = job.status === 'queued' && (onCancel !== undefined || cancelAction !== undefined)
  const pending = job.status === 'queued' || job.status === 'running'

  return (
    <section className={`job-card job-card--${job.status}`}>
      <div className="job-card__state">
        <div className="job-card__status" role="status">
          <p className="job-card__status-name">
            <span className={`status-badge status-badge--${job.status}`}>{t(`status.${job.status}`)}</span>
          </p>
          {job.status === 'queued' && job.queuePosition !== null ? (
            <p>{job.queuePosition > 0 ? t('queue.ahead', { count: job.queuePosition }) : t('queue.next')}</p>
          ) : null}
          {job.status === 'running' ? <p>{t('progress.running')}</p> : null}
          {job.status === 'failed' ? (
            <p>{t(`failures.${job.failureCode ?? 'unknown'}`, { defaultValue: t('failures.unknown') })}</p>
          ) : null}
          {job.refundedCredits > 0 ? (
            <p className="job-card__refund">{t('refund', { credits: credits(job.refundedCredits) })}</p>
          ) : null}
        </div>

        {canCancel ? (
          <form
            method="post"
            action={cancelAction}
            className="job-card__cancel"
            onSubmit={
              onCancel
                ? (event) => {
                    event.preventDefault()
                    onCancel()
                  }
                : undefined
            }
          >
            <input type="hidden" name="intent" value="cancel" />
            <button type="submit" className="button button--secondary button--small" disabled={busy}>
              {busy ? t('cancel.busy') : t('cancel.button')}
            </button>
          </form>
        ) : null}
      </div>

      {pending ? <Placeholder job={job} /> : null}

      {job.status === 'done' && job.images.length > 0 ? <ResultsGrid job={job} /> : null}

      {isFinished(job.status) ? (
        <p className="job-card__actions">
          <Link className="button button--secondary" to={againHref}>
            {t('results.again')}
          </Link>
        </p>
      ) : null}

      <p className={`engine-label engine-label--${job.engine.kind}`}>{t(`engine.${job.engine.kind}`)}</p>

      <dl className="job-card__details">
        <div>
          <dt>{t('details.prompt')}</dt>
          <dd className="job-card__prompt">{job.prompt}</dd>
        </div>
        <div>
          <dt>{t('details.style')}</dt>
          <dd>{t(`styles.${job.style}`)}</dd>
        </div>
        <div>
          <dt>{t('details.ratio')}</dt>
          <dd>{t(ratioKey(job.aspectRatio))}</dd>
        </div>
        <div>
          <dt>{t('details.count')}</dt>
          <dd>{t('images', { count: job.count })}</dd>
        </div>
        <div>
          <dt>{t('details.cost')}</dt>
          <dd>{credits(job.cost)}</dd>
        </div>
        <div>
          <dt>{t('details.createdAt')}</dt>
          <dd>
            <time dateTime={job.createdAt}>{formatDate(job.createdAt, locale, true)}</time>
          </dd>
        </div>
        {job.sourceImageUrl ? (
          <div>
            <dt>{t('details.photo')}</dt>
            <dd>
              <img className="job-card__source" src={job.sourceImageUrl} alt={t('details.photoAlt')} loading="lazy" />
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  )
}

/**
 * What stands in for the images while the job waits and runs: one tile per
 * image, in the requested shape, and (while running) a bar with no value,
 * since how long an engine takes is unknown.
 */
function Placeholder({ job }: { job: JobView }) {
  const { t } = useTranslation('generate')
  const [w, h] = job.aspectRatio.split(':')
  return (
    <div className="job-placeholder">
      <ul className={`results-grid job-placeholder__tiles job-placeholder__tiles--${job.status}`} aria-hidden="true">
        {Array.from({ length: job.count }, (_, i) => (
          <li key={i} className="job-placeholder__tile" style={{ aspectRatio: `${w} / ${h}` }} />
        ))}
      </ul>
      {job.status === 'running' ? (
        <div className="progress" role="progressbar" aria-label={t('progress.label')}>
          <span className="progress__bar" />
        </div>
      ) : null}
    </div>
  )
}

function ResultsGrid({ job }: { job: JobView }) {
  const { t } = useTranslation('generate')
  const hydrated = useHydrated()
  const id = useId()
  const dialogRef = useRef<HTMLDialogElement>(null)
  const openerRef = useRef<HTMLElement | null>(null)
  const [open, setOpen] = useState<JobImageView | null>(null)
  const total = job.images.length
  const prompt = shortenPrompt(job.prompt, 120)

  useEffect(() => {
    const dialog = dialogRef.current
    if (open && dialog && !dialog.open) dialog.showModal()
  }, [open])

  function show(image: JobImageView, opener: HTMLElement) {
    openerRef.current = opener
    setOpen(image)
  }

  function handleClose() {
    setOpen(null)
    // Browsers differ in where focus goes after a modal dialog; send it back to the image it came from.
    openerRef.current?.focus()
  }

  return (
    <section className="job-card__results" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="job-card__heading">
        {t('results.heading')}
      </h2>
      <ul className="results-grid">
        {job.images.map((image) => {
          const n = image.index + 1
          const thumbnail = (
            <>
              <img
                src={image.url}
                alt=""
                width={image.width}
                height={image.height}
                loading="lazy"
                className="results-grid__image"
              />
              <span className="visually-hidden">{t('results.open', { n, total })}</span>
            </>
          )
          return (
            <li key={image.index} className="results-grid__item">
              {hydrated ? (
                <button
                  type="button"
                  className="results-grid__open"
                  onClick={(event) => show(image, event.currentTarget)}
                >
                  {thumbnail}
                </button>
              ) : (
                // Without JavaScript the full-size image opens as a page of its own.
                <a className="results-grid__open" href={image.url}>
                  {thumbnail}
                </a>
              )}
              <a
                className="button button--secondary button--small results-grid__download"
                href={image.downloadUrl}
                download
                aria-label={t('results.downloadLabel', { n })}
              >
                {t('results.download')}
              </a>
            </li>
          )
        })}
      </ul>

      {hydrated ? (
        <dialog ref={dialogRef} className="image-dialog" aria-labelledby={`${id}-dialog-title`} onClose={handleClose}>
          {open ? (
            <>
              <div className="image-dialog__bar">
                <h3 id={`${id}-dialog-title`} className="image-dialog__title">
                  {t('results.dialogTitle', { n: open.index + 1, total })}
                </h3>
                <a
                  className="button button--primary button--small"
                  href={open.downloadUrl}
                  download
                  aria-label={t('results.downloadLabel', { n: open.index + 1 })}
                >
                  {t('results.download')}
                </a>
                <button
                  type="button"
                  className="button button--quiet button--small"
                  onClick={() => dialogRef.current?.close()}
                >
                  {t('results.close')}
                </button>
              </div>
              <img
                className="image-dialog__image"
                src={open.url}
                alt={t('results.imageAlt', { n: open.index + 1, total, prompt })}
                width={open.width}
                height={open.height}
              />
            </>
          ) : null}
        </dialog>
      ) : null}
    </section>
  )
}
