import { z } from 'zod'
import { formFailure, type FormFailure } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import type { Locale } from '~/platform/i18n/locales'
import { safeRedirect } from '~/platform/security/safe-redirect'
import { recordCookieChoice } from './choice.server'
import { CONSENT_METHODS, type ConsentChoice, type ConsentMethod } from './cookie.server'

const E = 'cookie-consent'

function isMethod(value: string): value is ConsentMethod {
  return (CONSENT_METHODS as readonly string[]).includes(value)
}

// The fields are taken as sent (not trimmed): every one of them is written by our own form.
const COOKIE_CHOICE_FORM = z
  .object({
    intent: formText({ max: 20, trim: false }),
    returnTo: formText({ max: 2000, trim: false }),
    // The cookie policy version the form showed: a positive integer without decoration, or null.
    shownVersion: formText({ max: 10, trim: false }).transform((version) =>
      /^[1-9]\d{0,5}$/.test(version) ? Number(version) : null,
    ),
    preferences: formText({ max: 10, trim: false }).transform((box) => box === 'on'),
    analytics: formText({ max: 10, trim: false }).transform((box) => box === 'on'),
  })
  .superRefine(({ intent }, context) => {
    if (intent !== 'customise' && !isMethod(intent)) context.addIssue({ code: 'custom', message: `${E}:badForm` })
  })

/**
 * What a submission of the cookie choice form comes to: "Customise" without
 * JavaScript (the settings page shows the checkboxes), a choice recorded
 * with the cookies to set, or the refusal, nothing recorded. Each carries
 * where the person was, to go back to.
 */
export type CookieFormOutcome =
  | { ok: true; returnTo: string; customise: true }
  | { ok: true; returnTo: string; customise: false; choice: ConsentChoice; setCookies: string[] }
  | { ok: false; returnTo: string; status: 400 | 409 | 429 | 503; failure: FormFailure; headers?: Headers }

export async function chooseFromForm(
  request: Request,
  form: FormData,
  locale: Locale,
  evidence: { ip: string | null; userAgent: string | null },
): Promise<CookieFormOutcome> {
  const parsed = parseForm(form, COOKIE_CHOICE_FORM)
  if (!parsed.ok) {
    const returnTo = safeRedirect(parsed.failure.values.returnTo, `/${locale}`)
    return { ok: false, returnTo, status: 400, failure: parsed.failure }
  }
  const { intent, shownVersion, preferences, analytics } = parsed.data
  const { values } = parsed
  const returnTo = safeRedirect(parsed.data.returnTo, `/${locale}`)
  if (!isMethod(intent)) return { ok: true, returnTo, customise: true }

  const outcome = await recordCookieChoice({
    request,
    locale,
    method: intent,
    preferences,
    analytics,
    shownVersion,
    evidence,
  })
  if (outcome.ok)
    return { ok: true, returnTo, customise: false, choice: outcome.choice, setCookies: outcome.setCookies }
  switch (outcome.reason) {
    case 'rate-limited': {
      const count = Math.max(1, Math.ceil(outcome.retryAfterSeconds / 60))
      return {
        ok: false,
        returnTo,
        status: 429,
        failure: formFailure({}, values, `${E}:rateLimited`, { count }),
        headers: new Headers({ 'Retry-After': String(outcome.retryAfterSeconds) }),
      }
    }
    case 'unavailable':
      return { ok: false, returnTo, status: 503, failure: formFailure({}, values, `${E}:unavailable`) }
    case 'version-changed':
      // Nothing recorded: the banner (and the settings page) come back with the version in force.
      return {
        ok: false,
        returnTo,
        status: 409,
        failure: formFailure({}, values, `${E}:versionChanged`, { version: outcome.policy.version }),
      }
  }
}
