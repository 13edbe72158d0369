import { logger } from '~/platform/log.server'

/** One periodic job: what it logs, and a run that returns the counts to log. */
export type ScheduledJob = {
  event: string
  message: string
  run(now: Date): Promise<Record<string, number>>
}

export type JobSchedule = { stop(): void }

/**
 * Runs the jobs now and then every `intervalMs`, one after another (PGlite
 * has a single connection, and none may hold the others up for long). A job
 * that fails is logged and the next still runs, so one broken job never keeps
 * data past the period another one enforces. A run still going when the next
 * is due is not doubled. The timer does not keep the process alive.
 */
export function startJobSchedule(jobs: readonly ScheduledJob[], intervalMs: number): JobSchedule {
  let running = false
  const run = async () => {
    if (running) return
    running = true
    const now = new Date()
    try {
      for (const job of jobs) {
        try {
          const counts = await job.run(now)
          logger.info({ event: `${job.event}.run`, ...counts }, job.message)
        } catch (error) {
          logger.error({ event: `${job.event}.failed`, err: error }, `${job.event} run failed`)
        }
      }
    } finally {
      running = false
    }
  }
  void run()
  const timer = setInterval(() => void run(), intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
