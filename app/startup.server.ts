import { accountMailFinished, renderAccountMail } from '~/flows/account/index.server'
import { sweepVerificationTokens, sweepPasswordResetTokens, deleteExpiredSessions } from '~/identity/index.server'
import { deleteInactiveGuests, startRetentionSchedule } from '~/flows/retention/index.server'
import { closeDb, getDb, type Database } from '~/platform/db/client.server'
import { getEnv } from '~/platform/env.server'
import { disclosureProblems, followContentChanges } from '~/legal/index.server'
import { getContentSource } from '~/content/index.server'
import { issueDueNotices } from '~/flows/legal-notices/index.server'
import { mailLinkBase } from '~/platform/mail/links.server'
import { sweepOldPhotos, loadModerationRules, startWorker, type GenerationWorker } from '~/generation/index.server'
import { startJobSchedule, type JobSchedule, type ScheduledJob } from '~/platform/job-schedule.server'
import { getStorage } from '~/platform/storage/index.server'
import { assertMediaStorageAllowed, startMediaProbe, type MediaProbe } from '~/platform/storage/shared-media.server'
import { refuseStartOn } from '~/platform/start-refused.server'
import { assertSigningSecretShared } from '~/platform/security/signing-secret.server'
import { logger } from '~/platform/log.server'
import { startMailDelivery, sweepMailOutbox } from '~/outbox/index.server'
import { sweepRateLimitWindows } from '~/platform/security/rate-limit.server'
import { sweepRefusedWebhooks } from '~/platform/security/refused-webhooks.server'
import { forgetUnconfirmedRequests } from '~/privacy-requests/index.server'

let retention: { stop(): void } | undefined
let mailDelivery: { stop(): void } | undefined
let housekeeping: JobSchedule | undefined
let worker: GenerationWorker | undefined
let mediaProbe: MediaProbe | null = null
let contentChanges: { stop(): void } | undefined
let notices: JobSchedule | undefined

const HOUSEKEEPING_INTERVAL_MS = 6 * 60 * 60 * 1000
const NOTICE_INTERVAL_MS = 60 * 60 * 1000

/**
 * What only matters until it expires, removed every six hours (so within
 * hours of a period's end): sessions, reset and verification tokens,
 * rate-limit windows, summaries of refused webhook calls, uploaded photos after 30 days, the contact details of
 * data-subject requests whose address was never confirmed, the record of
 * owed mail 30 days after it was sent, and guests away for 30 days.
 */
function housekeepingJobs(db: Database): ScheduledJob[] {
  const storage = getStorage()
  const job = (event: string, message: string, count: () => Promise<number | void>): ScheduledJob => ({
    event,
    message,
    run: async (): Promise<Record<string, number>> => {
      const removed = await count()
      return typeof removed === 'number' ? { removed } : {}
    },
  })
  return [
    job('sessions.sweep', 'deleted expired sessions', () => deleteExpiredSessions(db)),
    job('reset-tokens.sweep', 'deleted expired password-reset tokens', () => sweepPasswordResetTokens(db)),
    job('verification-tokens.sweep', 'deleted expired e-mail confirmation links', () => sweepVerificationTokens(db)),
    job('rate-limits.sweep', 'deleted past rate-limit windows', () => sweepRateLimitWindows(db)),
    job('refused-webhooks.sweep', 'trimmed the summaries of refused webhook calls', () => sweepRefusedWebhooks(db)),
    job('photos.retention', 'removed uploaded photos past their period', () => sweepOldPhotos(db, storage)),
    job('unconfirmed-requests.retention', 'forgot unconfirmed data-subject requests', () =>
      forgetUnconfirmedRequests(db),
    ),
    job('mail-outbox.sweep', 'deleted finished mail records', () => sweepMailOutbox(db)),
    {
      event: 'guests.retention',
      message: 'deleted guests away for 30 days',
      run: async () => ({ ...(await deleteInactiveGuests(db, storage)) }),
    },
  ]
}

/**
 * Runs once before the server listens: validates settings (a bad setting
 * stops the process), applies database migrations, and starts the daily job
 * that erases IP addresses and user agents from acceptance records once the
 * retention period has passed, and the delivery of owed mail (both safe to
 * run on every instance).
 */
export async function prepareServer() {
  const env = getEnv()
  // A broken moderation rules file stops the start, not the first prompt.
  loadModerationRules(env.MODERATION_RULES_FILE)
  // Several instances on one database must share their files and their cookie secret (docs/deployment.md).
  await refuseStartOn(() => assertSigningSecretShared(env))
  await refuseStartOn(() => assertMediaStorageAllowed(env))
  const started = Date.now()
  const db = await getDb()
  logger.info(
    {
      database: env.DATABASE_URL ? 'postgresql' : 'pglite',
      content: env.SANITY_PROJECT_ID ? 'sanity' : 'local-dataset',
      ms: Date.now() - started,
    },
    'database ready',
  )
  mediaProbe = await refuseStartOn(() => startMediaProbe(env, db))
  if (env.NODE_ENV === 'production' && !env.TBANK_TERMINAL_KEY) {
    // Anyone can approve their own test payment there: fine on one's own machine, never on a public site.
    logger.warn(
      { event: 'payments.sandbox' },
      'no T-Bank terminal is configured: checkout uses the sandbox test payment page, which grants credits for free',
    )
  }
  // Loud, but not fatal at start: /readyz keeps the instance out of traffic
  // while the problem lasts (docs/decisions/009).
  void disclosureProblems(env).catch((error: unknown) =>
    logger.error({ err: error, event: 'register.disclosure-check.failed' }, 'could not check disclosures'),
  )
  // A publish webhook reaches one instance; the others drop their caches within seconds.
  contentChanges = followContentChanges(
    db,
    () => getContentSource().invalidate(),
    env.CONTENT_CHANGE_CHECK_SECONDS * 1000,
  )
  retention = startRetentionSchedule(db)
  // Mail owed by registrations and payments whose first attempt failed, or whose sender stopped.
  mailDelivery = startMailDelivery(db, renderAccountMail, { onFinished: accountMailFinished })
  housekeeping = startJobSchedule(housekeepingJobs(db), HOUSEKEEPING_INTERVAL_MS)
  // Advance notices of material versions, on every instance (each person is told once, by the unique key).
  notices = startJobSchedule(
    [
      {
        event: 'notices.issue',
        message: 'issued the advance notices that were due',
        run: (now) => issueDueNotices(db, { now, settings: env, baseUrl: mailLinkBase(null, env) }),
      },
    ],
    NOTICE_INTERVAL_MS,
  )
  // 0 leaves the queue to `npm run worker`.
  worker = env.WORKER_CONCURRENCY > 0 ? startWorker(db, env.WORKER_CONCURRENCY) : undefined
}

/** Closes what prepareServer opened, on SIGTERM/SIGINT. */
export async function shutdownServer() {
  contentChanges?.stop()
  retention?.stop()
  mailDelivery?.stop()
  housekeeping?.stop()
  notices?.stop()
  await worker?.stop()
  await mediaProbe?.stop().catch(() => {})
  await closeDb()
}
