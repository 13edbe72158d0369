import { deleteExpiredAcceptances, deleteExpiredCookieChoices, eraseExpiredEvidence } from '~/acceptances/index.server'
import { purgeOldPageViews } from '~/cookie-consent/index.server'
import { deleteOldRefusals } from '~/generation/index.server'
import { deleteExpiredPaymentRecords, expireOverdueOrders } from '~/payments/index.server'
import type { Database } from '~/platform/db/client.server'
import { startJobSchedule, type JobSchedule, type ScheduledJob } from '~/platform/job-schedule.server'
import { retentionDays } from '~/platform/processing-register'
import { deleteExpiredRequests } from '~/privacy-requests/index.server'

const DAY_MS = 24 * 60 * 60 * 1000

export type RetentionSchedule = JobSchedule

/** Every retention job that runs daily, in order. Each is safe on several instances at once. */
function retentionJobs(db: Database): ScheduledJob[] {
  return [
    {
      event: 'ledger.retention',
      message: 'erased IP and user agent of expired acceptance records',
      run: async (now) => ({
        erased: await eraseExpiredEvidence(db, { now, retentionDays: retentionDays('acceptanceIpAndUserAgent') }),
      }),
    },
    {
      event: 'page-views.retention',
      message: 'deleted page views older than 12 months',
      run: async (now) => ({ deleted: await purgeOldPageViews(db, now) }),
    },
    {
      event: 'acceptances.retention',
      message: 'deleted acceptance records of accounts deleted more than 3 years ago',
      run: async (now) => ({ deleted: await deleteExpiredAcceptances(db, now) }),
    },
    {
      event: 'cookie-choices.retention',
      message: 'deleted cookie-choice records past their retention period',
      run: async (now) => await deleteExpiredCookieChoices(db, now),
    },
    {
      event: 'payments.retention',
      message: 'deleted payment records past the accounting period',
      run: async (now) => await deleteExpiredPaymentRecords(db, now),
    },
    {
      event: 'payments.expiry',
      message: 'closed unpaid orders past their payment deadline',
      run: async (now) => ({ expired: await expireOverdueOrders(db, 'every-account', now) }),
    },
    {
      event: 'refusals.retention',
      message: 'deleted refused prompts past their retention period',
      run: async (now) => ({ deleted: await deleteOldRefusals(db, now) }),
    },
    {
      event: 'privacy-requests.retention',
      message: 'deleted data-subject requests past their retention period',
      run: async (now) => await deleteExpiredRequests(db, now),
    },
  ]
}

/**
 * Runs every retention job now and then every 24 hours in this process:
 * the erasure of IP addresses and user agents, page-view statistics, ledger
 * rows, payment records, unpaid orders past their deadline, refused prompts and data-subject requests, each
 * with the period the register names. The jobs run one after another
 * (PGlite has a single connection, and none may hold the others up for
 * long); one that fails is logged and the next still runs. Every instance may
 * run the schedule: a second run finds nothing left to do, and the jobs that
 * delete in batches skip rows another instance has locked. The timer does not
 * keep the process alive.
 */
export function startRetentionSchedule(db: Database, opts: { intervalMs?: number } = {}): RetentionSchedule {
  return startJobSchedule(retentionJobs(db), opts.intervalMs ?? DAY_MS)
}
