import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { shortenPrompt, type JobView } from '~/generation'
import { formatDate } from '~/platform/i18n/format'
import type { Locale } from '~/platform/i18n/locales'
import { useHydrated } from './generation-form'

export type HistoryListProps = {
  locale: Locale
  jobs: JobView[]
  page: number
  pageCount: number
  deleteAction: (jobId: string) => string
}

function newestFirst(a: JobView, b: JobView) {
  return b.createdAt.localeCompare(a.createdAt)
}

/**
 * A person's generations, newest first, one page at a time: a grid of
 * thumbnails, each card a link to its generation, with a delete button
 * (confirmed in a dialog with JavaScript, on a page of its own without).
 */
export function HistoryList({ locale, jobs, page, pageCount, deleteAction }: HistoryListProps) {
  const { t } = useTranslation(['generate', 'common'])
  const hydrated = useHydrated()

  if (jobs.length === 0) {
    return (
      <>
        <div className="history-empty">
          <p>{t('history.empty')}</p>
          <p>
            <Link className="button button--primary" to={`/${locale}`}>
              {t('history.createFirst')}
            </Link>
          </p>
        </div>
        {page > 1 ? <Pagination page={page} pageCount={Math.max(pageCount, page)} /> : null}
      </>
    )
  }

  return (
    <>
      <ol className="history">
        {[...jobs].sort(newestFirst).map((job) => {
          const thumbnail = job.images[0]
          const label = shortenPrompt(job.prompt, 60)
          return (
            <li key={job.id} className="history__item">
              <div className="history__thumbnail">
                {thumbnail ? (
                  <img
                    src={thumbnail.url}
                    alt={t('history.thumbnailAlt', { prompt: shortenPrompt(job.prompt, 120) })}
                    width={thumbnail.width}
                    height={thumbnail.height}
                    loading="lazy"
                  />
                ) : (
                  <span className="history__no-thumbnail">{t('history.noThumbnail')}</span>
                )}
              </div>
              <div className="history__body">
                <p className="history__prompt">
                  <Link to={`/${locale}/generations/${job.id}`}>{label}</Link>
                </p>
                <dl className="history__meta">
                  <div>
                    <dt>{t('history.columns.style')}</dt>
                    <dd>{t(`styles.${job.style}`)}</dd>
                  </div>
                  <div>
                    <dt>{t('history.columns.date')}</dt>
                    <dd>
                      <time dateTime={job.createdAt}>{formatDate(job.createdAt, locale, true)}</time>
                    </dd>
                  </div>
                  <div>
                    <dt>{t('history.columns.cost')}</dt>
                    <dd>{t('common:credits', { count: job.cost })}</dd>
                  </div>
                  <div>
                    <dt>{t('history.columns.status')}</dt>
                    <dd>
                      <span className={`status-badge status-badge--${job.status}`}>{t(`status.${job.status}`)}</span>
                    </dd>
                  </div>
                </dl>
              </div>
              {hydrated ? (
                <Form
                  method="post"
                  action={deleteAction(job.id)}
                  className="history__delete"
                  onSubmit={(event) => {
                    // One more chance to change one's mind; without JavaScript the link below asks on a page of its own.
                    if (!window.confirm(t('history.confirmDelete'))) event.preventDefault()
                  }}
                >
                  <input type="hidden" name="intent" value="delete" />
                  <button
                    type="submit"
                    className="button button--danger button--small history__delete-button"
                    aria-label={t('history.deleteLabel', { prompt: label })}
                  >
                    {t('history.delete')}
                  </button>
                </Form>
              ) : (
                <p className="history__delete">
                  <a
                    className="button button--danger button--small history__delete-button"
                    href={`${deleteAction(job.id)}?confirm=delete`}
                    aria-label={t('history.deleteLabel', { prompt: label })}
                  >
                    {t('history.delete')}
                  </a>
                </p>
              )}
            </li>
          )
        })}
      </ol>
      {pageCount > 1 ? <Pagination page={page} pageCount={pageCount} /> : null}
    </>
  )
}

function Pagination({ page, pageCount }: { page: number; pageCount: number }) {
  const { t } = useTranslation('generate')
  return (
    <nav className="pagination" aria-label={t('history.pagination')}>
      {page > 1 ? (
        <Link to={`?page=${Math.min(page - 1, pageCount)}`} rel="prev" className="pagination__link">
          {t('history.previous')}
        </Link>
      ) : null}
      <p className="pagination__current">{t('history.page', { page, pageCount })}</p>
      {page < pageCount ? (
        <Link to={`?page=${page + 1}`} rel="next" className="pagination__link">
          {t('history.next')}
        </Link>
      ) : null}
    </nav>
  )
}
