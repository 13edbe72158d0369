import { useRevalidator } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { useCancelJob, useJobStatus, isFinished, type JobStatusResponse } from '~/generation'
import { JobCard } from './job-card'

/** The job just started from the home page, followed until it ends. */
export function CurrentJob({ initial }: { initial: JobStatusResponse }) {
  const { i18n } = useTranslation()
  const locale = i18n.language === 'en' ? 'en' : 'ru'
  const status = useJobStatus(initial.job.id, initial)
  const cancel = useCancelJob()
  const revalidator = useRevalidator()
  const job = status.data?.job ?? initial.job
  const finished = isFinished(job.status)
  const revalidated = useRef(false)
  // When the job ends, the header's balance catches up (a refund may have come back).
  useEffect(() => {
    if (finished && !revalidated.current) {
      revalidated.current = true
      revalidator.revalidate()
    }
  }, [finished, revalidator])
  return (
    <JobCard
      job={job}
      locale={locale}
      onCancel={() => cancel.mutate(job.id)}
      busy={cancel.isPending}
      againHref={`/${locale}?again=${job.id}#generate`}
    />
  )
}
