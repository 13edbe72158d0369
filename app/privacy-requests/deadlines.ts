import type { RequestKind, RequestRegime } from '~/db/schema'

/** A period counted from the day after receipt; its last day is the due date. */
export type DeadlinePeriod =
  /** Working days by the legal team's calendar (working-days.ts). */
  | { readonly workingDays: number }
  /** Calendar months, but never more than `atMostDays` calendar days. */
  | { readonly months: number; readonly atMostDays: number }

export type DeadlineRule = {
  /** When the reply is due. */
  readonly reply: DeadlinePeriod
  /** The one extension the law allows, counted from the original due date; null: none. */
  readonly extension: { readonly workingDays: number } | null
  /** Where the period comes from, for the legal team and the register of processing. */
  readonly basis: string
}

const GDPR_REPLY: DeadlineRule = {
  // Art. 12(3): one month. The product promises 30 days as well, and a month
  // across February is shorter, so the earlier of the two keeps both promises.
  reply: { months: 1, atMostDays: 30 },
  // Art. 12(3) would allow two further months with a notice within the first
  // month. The privacy policy in force promises one month flat, so none is
  // offered; offering it needs a policy that says so, a { months: 2 } period
  // here and the data_subject_requests_extension_reasoned CHECK relaxed.
  extension: null,
  basis: 'GDPR art. 12(3)',
}

/**
 * How long we have to answer a data-subject request, by the law the person
 * relies on and the kind of request: the only place these periods are set.
 * Due dates, the extension form in the legal view, the pages after filing and
 * the mails all read it. Plain data on purpose: it is to move into the
 * register of processing, and the privacy policy (10.2) and the consent (7)
 * must state the same periods. docs/decisions/010-request-deadlines-by-kind.md
 * explains each row.
 */
export const REQUEST_DEADLINES = {
  ru: {
    // Information about the processing and access to the data: 10 working
    // days, once +5 with a reasoned notice (152-FZ art. 20 parts 1–2, art. 14).
    access: {
      reply: { workingDays: 10 },
      extension: { workingDays: 5 },
      basis: '152-FZ art. 20 parts 1–2, art. 14',
    },
    // 152-FZ has no right of its own to a portable copy: a copy of one's data
    // is access to it, with access's period.
    portability: {
      reply: { workingDays: 10 },
      extension: { workingDays: 5 },
      basis: '152-FZ art. 20 parts 1–2, art. 14',
    },
    // Incomplete, outdated or inaccurate data: corrected within 7 working days
    // of the information that shows it (art. 20 part 3, art. 21 part 2). No extension.
    correction: {
      reply: { workingDays: 7 },
      extension: null,
      basis: '152-FZ art. 20 part 3, art. 21 part 2',
    },
    // Data unlawfully obtained or not needed for the purpose: destroyed within
    // 7 working days of the information that shows it (art. 20 part 3). The
    // longer periods of art. 21 parts 3–5 (10 working days, 30 days) apply to
    // other triggers; the request is answered by the shortest that may apply.
    deletion: {
      reply: { workingDays: 7 },
      extension: null,
      basis: '152-FZ art. 20 part 3 (art. 21 parts 3–5 allow longer for other triggers)',
    },
    // A demand to stop processing: 10 working days, once +5 with a reasoned
    // notice (art. 21 part 5.1).
    objection: {
      reply: { workingDays: 10 },
      extension: { workingDays: 5 },
      basis: '152-FZ art. 21 part 5.1',
    },
    // Withdrawn consent: processing stops and the data are destroyed within
    // 30 days (art. 21 part 5); the consent (section 7) promises the outcome
    // within 10 working days, with no extension.
    withdrawal: {
      reply: { workingDays: 10 },
      extension: null,
      basis: '152-FZ art. 21 part 5 (30 days to stop and destroy); consent section 7 (outcome in 10 working days)',
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
} as const satisfies Record<RequestRegime, Record<RequestKind, DeadlineRule>>

export function deadlineRule(regime: RequestRegime, kind: RequestKind): DeadlineRule {
  return REQUEST_DEADLINES[regime][kind]
}

/** The kinds of request of a law whose deadline may be extended. */
export function extendableKinds(regime: RequestRegime): RequestKind[] {
  return (Object.keys(REQUEST_DEADLINES[regime]) as RequestKind[]).filter(
    (kind) => deadlineRule(regime, kind).extension !== null,
  )
}
