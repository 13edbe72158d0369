import { useTranslation } from 'react-i18next'

/**
 * How long a data-subject request has left, for the legal team. Overdue is
 * said in words (and marked), never by colour alone.
 */
export function TimeLeft({ daysLeft, overdue }: { daysLeft: number | null; overdue: boolean }) {
  const { t } = useTranslation('legal-admin-requests')
  if (daysLeft === null) return null
  if (overdue) return <strong className="overdue">{t('queue.overdue', { count: -daysLeft })}</strong>
  if (daysLeft === 0) return <strong>{t('queue.dueToday')}</strong>
  return <>{t('queue.daysLeft', { count: daysLeft })}</>
}
