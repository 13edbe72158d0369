import type { Localized } from './text'

/**
 * How long we have to answer a data-subject request, by kind and by law. The
 * request queue computes due dates from these entries and the privacy
 * policy's table of response times is rendered from them.
 */

export const REQUEST_KINDS = ['access', 'correction', 'deletion', 'portability', 'objection', 'withdrawal'] as const
export type RequestKindId = (typeof REQUEST_KINDS)[number]

export type ResponsePeriod =
  { unit: 'working-days'; count: number } | { unit: 'calendar-days'; count: number } | { unit: 'months'; count: number }

export type RequestDeadline = {
  reply: ResponsePeriod
  /** A one-time extension, with the notice it needs, or null when the law allows none. */
  extension: { period: ResponsePeriod; needs: Localized } | null
  /** The provision the period comes from. */
  basis: Localized
}

const REASONED_NOTICE: Localized = {
  ru: 'мотивированное уведомление до истечения срока',
  en: 'a reasoned notice before the period ends',
}

const GDPR: RequestDeadline = {
  reply: { unit: 'months', count: 1 },
  extension: {
    period: { unit: 'months', count: 2 },
    needs: {
      ru: 'уведомление с причинами в течение первого месяца',
      en: 'a notice with the reasons within the first month',
    },
  },
  basis: { ru: 'ст. 12(3) GDPR', en: 'GDPR Art. 12(3)' },
}

export const REQUEST_DEADLINES: Record<RequestKindId, { ru: RequestDeadline; gdpr: RequestDeadline }> = {
  access: {
    ru: {
      reply: { unit: 'working-days', count: 10 },
      extension: { period: { unit: 'working-days', count: 5 }, needs: REASONED_NOTICE },
      basis: { ru: 'ч. 3 ст. 14, ч. 1–2 ст. 20 152-ФЗ', en: '152-FZ Art. 14(3), Art. 20(1)–(2)' },
    },
    gdpr: GDPR,
  },
  portability: {
    // 152-FZ has no right to portability as such: a copy of one's data is an access request.
    ru: {
      reply: { unit: 'working-days', count: 10 },
      extension: { period: { unit: 'working-days', count: 5 }, needs: REASONED_NOTICE },
      basis: { ru: 'ч. 3 ст. 14 152-ФЗ', en: '152-FZ Art. 14(3)' },
    },
    gdpr: GDPR,
  },
  correction: {
    ru: {
      reply: { unit: 'working-days', count: 7 },
      extension: null,
      basis: { ru: 'ч. 3 ст. 20 152-ФЗ', en: '152-FZ Art. 20(3)' },
    },
    gdpr: GDPR,
  },
  deletion: {
    ru: {
      reply: { unit: 'working-days', count: 7 },
      extension: null,
      basis: { ru: 'ч. 3 ст. 20 152-ФЗ', en: '152-FZ Art. 20(3)' },
    },
    gdpr: GDPR,
  },
  objection: {
    ru: {
      reply: { unit: 'working-days', count: 10 },
      extension: { period: { unit: 'working-days', count: 5 }, needs: REASONED_NOTICE },
      basis: { ru: 'ч. 5.1 ст. 21 152-ФЗ', en: '152-FZ Art. 21(5.1)' },
    },
    gdpr: GDPR,
  },
  withdrawal: {
    ru: {
      reply: { unit: 'calendar-days', count: 30 },
      extension: null,
      basis: { ru: 'ч. 5 ст. 21 152-ФЗ', en: '152-FZ Art. 21(5)' },
    },
    gdpr: GDPR,
  },
}

export const REQUEST_KIND_NAMES: Record<RequestKindId, Localized> = {
  access: { ru: 'Сведения об обработке и копия данных', en: 'Information about processing and a copy of the data' },
  portability: { ru: 'Выгрузка данных в машиночитаемом виде', en: 'The data in a machine-readable form' },
  correction: { ru: 'Исправление неточных или неполных данных', en: 'Correcting inaccurate or incomplete data' },
  deletion: {
    ru: 'Удаление незаконно полученных или ненужных для цели данных',
    en: 'Deleting data obtained unlawfully or no longer needed',
  },
  objection: { ru: 'Требование прекратить обработку', en: 'Demand to stop processing' },
  withdrawal: { ru: 'Отзыв согласия на обработку', en: 'Withdrawing consent to processing' },
}
