/**
 * The mails a requester gets, in the language the request was made in:
 * the confirmation link (signed-out requests), the receipt with the due
 * date, the extension notice with its reason, and the completion.
 */
import type { DataSubjectRequestRow } from './schema'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { MailMessage } from '~/platform/mail/mailer.server'
import { deadlineRule } from './deadlines'
import { dueText, periodText } from './deadline-text'
import { formatDay } from './format-day'

export type RequestMailKind = 'confirmation' | 'receipt' | 'extension' | 'completion'

type MailRequest = Pick<
  DataSubjectRequestRow,
  | 'number'
  | 'kind'
  | 'regime'
  | 'locale'
  | 'email'
  | 'dueOn'
  | 'originalDueOn'
  | 'extensionReason'
  | 'outcome'
  | 'completionNote'
>

export function requestMail(
  kind: RequestMailKind,
  request: MailRequest,
  extra: { link?: string; hours?: number } = {},
): MailMessage {
  const { locale } = request
  const t = getFixedT(locale, 'privacy-request')
  const date = (day: string | null) => (day ? formatDay(day, locale) : '')
  const common = {
    number: request.number,
    kind: t(`kinds.${request.kind}`),
    regime: t(`regimes.${request.regime}`),
  }
  switch (kind) {
    case 'confirmation':
      return {
        to: request.email,
        subject: t('mail.confirmation.subject', common),
        text: t('mail.confirmation.text', { ...common, link: extra.link, hours: t('hours', { count: extra.hours }) }),
      }
    case 'receipt':
      return {
        to: request.email,
        subject: t('mail.receipt.subject', common),
        text: [
          t('mail.receipt.text', common),
          dueText(t, request.regime, request.kind, date(request.dueOn)),
          t('mail.signature'),
        ].join('\n\n'),
      }
    case 'extension': {
      const { extension } = deadlineRule(request.regime, request.kind)
      return {
        to: request.email,
        subject: t('mail.extension.subject', common),
        text: t('mail.extension.text', {
          ...common,
          original: date(request.originalDueOn),
          date: date(request.dueOn),
          reason: request.extensionReason ?? '',
          extension: extension ? periodText(t, extension) : '',
        }),
      }
    }
    case 'completion': {
      const note = request.completionNote?.trim()
      return {
        to: request.email,
        subject: t('mail.completion.subject', common),
        text: [
          t(`mail.completion.${request.outcome === 'refused' ? 'refused' : 'fulfilled'}`, common),
          ...(note ? [t('mail.completion.note', { note })] : []),
          t('mail.completion.questions'),
          t('mail.signature'),
        ].join('\n\n'),
      }
    }
  }
}
