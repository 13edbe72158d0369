import { currentVersionsForAcceptance } from '~/acceptances/current-versions.server'
import {
  compareShownVersions,
  encodeShownVersions,
  parseShownVersions,
  SHOWN_VERSIONS_FIELD,
} from '~/acceptances/shown-versions'
import type { Locale } from '~/platform/i18n/locales'
import { formFailure, type FormFailure } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import { z } from 'zod'
import type { DocumentKind } from '~/platform/document-kinds'

export type CurrentVersion = Awaited<ReturnType<typeof currentVersionsForAcceptance>>[number]

/** What a form with acceptance checkboxes needs to render: the versions in force and the hidden field naming them. */
export async function acceptanceFormData(kinds: DocumentKind[], locale: Locale) {
  const documents = await currentVersionsForAcceptance(kinds, locale)
  return {
    documents: documents.map((d) => ({ kind: d.kind, version: d.version, title: d.title })),
    shownVersions: encodeShownVersions(documents),
  }
}

export type AcceptanceCheck =
  { ok: true; documents: CurrentVersion[] } | { ok: false; status: 400 | 409; failure: FormFailure }

/** The block's fields: the versions the form showed, and one box per document asked for, which must be ticked. */
function acceptanceFields(kinds: DocumentKind[]) {
  const ticked = () => formText({ max: 10, trim: false }).refine((box) => box === 'yes', 'acceptance.required')
  return z.object({
    [SHOWN_VERSIONS_FIELD]: formText({ max: 1000, trim: false }),
    ...Object.fromEntries(kinds.map((kind) => [`accept_${kind}`, ticked()])),
  })
}

/**
 * Checks a submitted acceptance form against the versions in force now: the
 * versions the form showed must still be the ones in force (otherwise 409:
 * nothing may be recorded, and the form comes back with the new text), and
 * every box must be ticked (otherwise 400). A form's own field errors and
 * values ride along, so one refusal carries everything the page shows (the
 * block's own fields are not put back: the page renders them afresh).
 */
export async function checkSubmittedAcceptance(
  form: FormData,
  kinds: DocumentKind[],
  locale: Locale,
  extra: { fieldErrors?: FormFailure['fieldErrors']; values?: FormFailure['values'] } = {},
): Promise<AcceptanceCheck> {
  const values = extra.values ?? {}
  const parsed = parseForm(form, acceptanceFields(kinds))
  const current = await currentVersionsForAcceptance(kinds, locale)
  const shown = parseShownVersions((parsed.ok ? parsed.data : parsed.failure.values)[SHOWN_VERSIONS_FIELD])
  const comparison = shown ? compareShownVersions(shown, current) : { ok: false as const, changed: kinds }
  if (!comparison.ok) {
    const changed = current.filter((d) => comparison.changed.includes(d.kind))
    // A kind the form showed that is no longer asked for changes no title: name what is asked now.
    const titles = (changed.length ? changed : current).map((d) => d.title)
    return { ok: false, status: 409, failure: versionsChangedFailure(titles, locale, { ...extra.fieldErrors }, values) }
  }
  const fieldErrors = { ...extra.fieldErrors, ...(parsed.ok ? {} : parsed.failure.fieldErrors) }
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, failure: formFailure(fieldErrors, values) }
  return { ok: true, documents: current }
}

/**
 * The refusal when versions changed while the form was open: names the
 * documents in the quotation marks of the page's language.
 */
export function versionsChangedFailure(
  titles: string[],
  locale: Locale,
  fieldErrors: FormFailure['fieldErrors'] = {},
  values: FormFailure['values'] = {},
): FormFailure {
  const quoted = titles.map((title) => (locale === 'ru' ? `«${title}»` : `“${title}”`)).join(', ')
  return formFailure(fieldErrors, values, 'acceptance.changed', { titles: quoted })
}
