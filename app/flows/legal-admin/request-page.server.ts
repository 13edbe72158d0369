import { getDb } from '~/platform/db/client.server'
import { REQUEST_OUTCOMES } from '~/privacy-requests'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { type FormFailure, textField } from '~/platform/form'
import {
  completeFromForm,
  extendFromForm,
  type LegalActionResult,
  getRequest,
  NOTE_MAX_LENGTH,
} from '~/privacy-requests/index.server'

/**
 * The legal team's page for one data-subject request
 * (/:lang/legal-admin/requests/:number): what it shows and what its two
 * forms (extend the deadline, complete the request) lead to.
 */

/** The request number of an address segment, or null for anything that is not one. */
export function parseRequestNumber(raw: string | undefined): number | null {
  const number = /^[1-9]\d{0,9}$/.test(raw ?? '') ? Number(raw) : NaN
  return Number.isSafeInteger(number) ? number : null
}

/** The notice after a step (`?done=…&mail=failed`); anything else in the address shows none. */
export function doneNotice(search: URLSearchParams) {
  const done = search.get('done')
  return {
    done: done === 'extended' || done === 'completed' ? done : null,
    mailFailed: search.get('mail') === 'failed',
  }
}

/** The page's data, or null when there is no request of that number. */
export async function requestPage(locale: Locale, number: number, search: URLSearchParams) {
  const details = await getRequest(await getDb(), number)
  if (!details) return null
  const t = getFixedT(locale, ['legal-admin-requests', 'common'])
  return {
    locale,
    title: `${t('detail.title', { number })} — ${t('common:siteName')}`,
    request: details,
    ...doneNotice(search),
    noteMax: NOTE_MAX_LENGTH,
    outcomes: REQUEST_OUTCOMES,
  }
}

export type RequestStepOutcome =
  | { kind: 'done'; location: string }
  | { kind: 'unknown-action'; message: string }
  | { kind: 'not-found' }
  | { kind: 'refused'; status: 400 | 409; failure: FormFailure }

/** Where a step leads: back to the page with its notice, or the form again with what to fix. */
export function stepOutcome(locale: Locale, number: number, result: LegalActionResult): RequestStepOutcome {
  if (result.ok) {
    const query = new URLSearchParams({ done: result.done, ...(result.mailed ? {} : { mail: 'failed' }) })
    return { kind: 'done', location: `/${locale}/legal-admin/requests/${number}?${query}` }
  }
  if (result.status === 404) return { kind: 'not-found' }
  return { kind: 'refused', status: result.status, failure: result.failure }
}

/** Takes the step the form names (`intent`: extend or complete) on behalf of a member of the legal team. */
export async function takeRequestStep(
  locale: Locale,
  number: number,
  form: FormData,
  actorUserId: string,
): Promise<RequestStepOutcome> {
  const intent = textField(form, 'intent', 20)
  const db = await getDb()
  const result =
    intent === 'extend'
      ? await extendFromForm(db, number, form, actorUserId)
      : intent === 'complete'
        ? await completeFromForm(db, number, form, actorUserId)
        : null
  if (!result) {
    return { kind: 'unknown-action', message: getFixedT(locale, 'legal-admin-requests')('errors.unknownAction') }
  }
  return stepOutcome(locale, number, result)
}
