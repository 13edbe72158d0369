import type { RequestKind, RequestRegime } from './schema'
import { deadlineRule, type DeadlinePeriod } from './deadlines'

/**
 * The periods of deadlines.ts in words, for the pages and the mails: the
 * numbers people read come from the same table as the due dates, so a text
 * cannot promise a period the code does not keep. `t` is bound to the
 * privacy-request namespace (react-i18next's or getFixedT's).
 */
type Translate = (key: string, options?: Record<string, unknown>) => string

/** "7 working days", "one month (at most 30 days)". */
export function periodText(t: Translate, period: DeadlinePeriod): string {
  if ('workingDays' in period) return t('period.workingDays', { count: period.workingDays })
  return t('period.capped', {
    period: t('period.months', { count: period.months }),
    cap: t('period.atMostDays', { count: period.atMostDays }),
  })
}

/** The reply period of one kind of request under one law, with its extension if the law allows one. */
export function replyPeriodText(t: Translate, regime: RequestRegime, kind: RequestKind): string {
  const rule = deadlineRule(regime, kind)
  const reply = periodText(t, rule.reply)
  return rule.extension ? t('period.extendable', { reply, extension: periodText(t, rule.extension) }) : reply
}

/** The sentence with a received request's due date, and the extension the law allows for its kind, if any. */
export function dueText(t: Translate, regime: RequestRegime, kind: RequestKind, date: string): string {
  const { extension } = deadlineRule(regime, kind)
  return extension
    ? t('due.extendable', { date, extension: periodText(t, extension) })
    : t(`due.fixed.${regime}`, { date })
}
