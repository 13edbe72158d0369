import { z } from 'zod'
import { formFailure, type FormFailure } from './form'

/**
 * A text field of a form: what was typed, cut to `max` characters (a form
 * never holds more than its page allows, and a longer value is not worth an
 * error of its own), trimmed unless `trim: false`. A missing field or a file
 * in its place reads as `missing` ('' unless told). Chain checks with a
 * message key as their message.
 */
export function formText({
  max = 1000,
  trim = true,
  missing = '',
}: { max?: number; trim?: boolean; missing?: string } = {}) {
  return z.preprocess((value) => {
    const text = typeof value === 'string' ? value.slice(0, max) : missing
    return trim ? text.trim() : text
  }, z.string())
}

export type FormSchema = z.ZodObject<Record<string, z.ZodType>>

export type ParsedForm<S extends FormSchema> =
  { ok: true; data: z.output<S>; values: FormFailure['values'] } | { ok: false; failure: FormFailure }

/**
 * Reads a submitted form through a zod schema of its fields. Either the typed
 * values, or the one refusal shape of every form: each field's first problem
 * as its message key, a problem of the whole form (an issue without a path)
 * as the form's message, and what was submitted to put back into the fields.
 * Fields named in `secrets` (passwords) are never sent back. `values` comes
 * with success too, for refusals found later (a rate limit, wrong credentials).
 * A multipart body read by our own parser gives its text fields as a record.
 */
export function parseForm<S extends FormSchema>(
  form: FormData | Readonly<Record<string, string>>,
  schema: S,
  { secrets = [] }: { secrets?: readonly (keyof z.input<S> & string)[] } = {},
): ParsedForm<S> {
  const raw: Record<string, string | undefined> = {}
  const values: FormFailure['values'] = {}
  for (const name of Object.keys(schema.shape)) {
    const value = form instanceof FormData ? form.get(name) : form[name]
    raw[name] = typeof value === 'string' ? value : undefined
    if (!secrets.includes(name)) values[name] = (raw[name] ?? '').trim()
  }
  const parsed = schema.safeParse(raw)
  if (parsed.success) return { ok: true, data: parsed.data, values }
  return { ok: false, failure: failureOf(parsed.error, values) }
}

/** The refusal for a schema's issues: the first message of each field, and of the form as a whole. */
export function failureOf(error: z.ZodError, values: FormFailure['values']): FormFailure {
  const fieldErrors: FormFailure['fieldErrors'] = {}
  let formError: string | undefined
  for (const issue of error.issues) {
    const field = issue.path[0]
    if (field === undefined) formError ??= issue.message
    else fieldErrors[String(field)] ??= issue.message
  }
  return formFailure(fieldErrors, values, formError)
}
