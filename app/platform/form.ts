/**
 * The one shape of a refused form submission: field errors as message keys
 * (translated in the page), a form-level message key, and the values to put
 * back into the fields. Actions return it with a 4xx status.
 */
export type FormFailure = {
  formError?: string
  formErrorParams?: Record<string, string | number>
  fieldErrors: Partial<Record<string, string>>
  values: Record<string, string>
}

export function formFailure(
  fieldErrors: FormFailure['fieldErrors'],
  values: FormFailure['values'],
  formError?: string,
  formErrorParams?: FormFailure['formErrorParams'],
): FormFailure {
  return { fieldErrors, values, ...(formError ? { formError } : {}), ...(formErrorParams ? { formErrorParams } : {}) }
}

/** What a form action's module gives its route: headers to send on success, or the failure and its status. */
export type ActionOutcome =
  { ok: true; headers: Headers } | { ok: false; status: number; failure: FormFailure; headers?: Headers }

/** The 429 every limited form answers: a message saying when to come back, and Retry-After. */
export function rateLimited(values: Record<string, string>, retryAfterSeconds: number): ActionOutcome {
  return {
    ok: false,
    status: 429,
    failure: formFailure({}, values, 'auth:errors.rateLimited', {
      count: Math.max(1, Math.ceil(retryAfterSeconds / 60)),
    }),
    headers: new Headers({ 'Retry-After': String(retryAfterSeconds) }),
  }
}

/** A text field from form data, trimmed to at most `max` characters; files and missing fields give ''. */
export function textField(form: FormData, name: string, max = 1000): string {
  const value = form.get(name)
  return typeof value === 'string' ? value.slice(0, max) : ''
}

/**
 * The `headers` export of a form route: keeps the loader's headers and adds
 * the action's Retry-After, so a 429 tells browsers without JavaScript when
 * to come back (Remix only sends what this function returns).
 */
export function keepRetryAfter({ loaderHeaders, actionHeaders }: { loaderHeaders: Headers; actionHeaders: Headers }) {
  const merged = new Headers(loaderHeaders)
  const retryAfter = actionHeaders.get('Retry-After')
  if (retryAfter) merged.set('Retry-After', retryAfter)
  return merged
}
