import type { Localized } from './text'

/**
 * How long we have to answer a data-subject request, by the law the person
 * relies on and the kind of request: the only place these periods are set.
 * Due dates, the extension form in the legal view, the pages after filing,
 * the mails, and the privacy policy's response-times table (the `requests`
 * register table) all read it. docs/decisions/010-request-deadlines-by-kind.md
 * explains each row.
 */

export const REQUEST_KINDS = ['access', 'correction', 'deletion', 'portability', 'objection', 'withdrawal'] as const
export type RequestKindId = (typeof REQUEST_KINDS)[number]
export const REQUEST_LAWS = ['ru', 'gdpr'] as const
export type RequestLaw = (typeof REQUEST_LAWS)[number]

/** A period counted from the day after receipt; its last day is the due date. */
export type DeadlinePeriod =
  /** Working days by the legal team's calendar (app/privacy-requests/working-days.ts). */
  | { readonly workingDays: number }
  /** Calendar months, but never more than `atMostDays` calendar days. */
  | { readonly months: number; readonly atMostDays: number }

export type DeadlineRule = {
  /** When the reply is due. */
  readonly reply: DeadlinePeriod
  /** The one extension the law allows, counted from the original due date; null: none. */
  readonly extension: { readonly workingDays: number } | null
  /** Where the period comes from. */
  readonly basis: Localized
}

const GDPR_REPLY: DeadlineRule = {
  // Art. 12(3): one month. The product promises 30 days as well, and a month
  // across February is shorter, so the earlier of the two keeps both promises.
  reply: { months: 1, atMostDays: 30 },
  // Art. 12(3) would allow two further months with a notice within the first
  // month. None is offered: offering it needs a policy that says so, a
  // { months: 2 } extension here and the data_subject_requests_extension_reasoned
  // CHECK relaxed.
  extension: null,
  basis: { ru: 'ст. 12(3) GDPR', en: 'GDPR Art. 12(3)' },
}

const ACCESS: DeadlineRule = {
  reply: { workingDays: 10 },
  extension: { workingDays: 5 },
  basis: { ru: 'ч. 1–2 ст. 20, ст. 14 152-ФЗ', en: '152-FZ Art. 20(1)–(2), Art. 14' },
}

export const REQUEST_DEADLINES = {
  ru: {
    // Information about the processing and access to the data: 10 working
    // days, once +5 with a reasoned notice.
    access: ACCESS,
    // 152-FZ has no right of its own to a portable copy: a copy of one's data
    // is access to it, with access's period.
    portability: ACCESS,
    // Incomplete, outdated or inaccurate data: corrected within 7 working days
    // of the information that shows it. No extension.
    correction: {
      reply: { workingDays: 7 },
      extension: null,
      basis: { ru: 'ч. 3 ст. 20, ч. 2 ст. 21 152-ФЗ', en: '152-FZ Art. 20(3), Art. 21(2)' },
    },
    // Data unlawfully obtained or not needed for the purpose: destroyed within
    // 7 working days of the information that shows it. The longer periods of
    // art. 21 parts 3–5 apply to other triggers; the request is answered by the
    // shortest that may apply.
    deletion: {
      reply: { workingDays: 7 },
      extension: null,
      basis: { ru: 'ч. 3 ст. 20 152-ФЗ', en: '152-FZ Art. 20(3)' },
    },
    // A demand to stop processing: 10 working days, once +5 with a reasoned notice.
    objection: {
      reply: { workingDays: 10 },
      extension: { workingDays: 5 },
      basis: { ru: 'ч. 5.1 ст. 21 152-ФЗ', en: '152-FZ Art. 21(5.1)' },
    },
    // Withdrawn consent: the law gives 30 days to stop and destroy (art. 21
    // part 5); we answer with the outcome within 10 working days, which is
    // always sooner.
    withdrawal: {
      reply: { workingDays: 10 },
      extension: null,
      basis: {
        ru: 'ч. 5 ст. 21 152-ФЗ (прекратить обработку и уничтожить данные — не позднее 30 дней)',
        en: '152-FZ Art. 21(5) (stopping and destroying within 30 days at most)',
      },
    },
  },
  gdpr: {
    access: GDPR_REPLY,
    portability: GDPR_REPLY,
    correction: GDPR_REPLY,
    deletion: GDPR_REPLY,
    objection: GDPR_REPLY,
    withdrawal: GDPR_REPLY,
  },
} as const satisfies Record<RequestLaw, Record<RequestKindId, DeadlineRule>>

export const REQUEST_KIND_NAMES: Record<RequestKindId, Localized> = {
  access: { ru: 'Сведения об обработке и доступ к данным', en: 'Information about processing and access to the data' },
  portability: { ru: 'Копия данных в машиночитаемом виде', en: 'A copy of the data in a machine-readable form' },
  correction: { ru: 'Исправление неточных или неполных данных', en: 'Correcting inaccurate or incomplete data' },
  deletion: {
    ru: 'Удаление незаконно полученных или ненужных для цели данных',
    en: 'Deleting data obtained unlawfully or no longer needed',
  },
  objection: { ru: 'Требование прекратить обработку', en: 'Demand to stop processing' },
  withdrawal: { ru: 'Отзыв согласия на обработку', en: 'Withdrawing consent to processing' },
}
