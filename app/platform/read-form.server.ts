import { data } from '@remix-run/node'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { isLocale } from '~/platform/i18n/locales'
import { readBodyWithin } from './read-body.server'

// Our forms are a few short fields; anything bigger is not one of them.
export const MAX_FORM_BYTES = 64 * 1024
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/**
 * The submitted form of an action. A body that is not a form (415) or is far
 * too large (413) is refused with a localized message instead of failing
 * inside the form parser as a 500.
 */
export async function readForm(request: Request): Promise<FormData> {
  const locale = request.url.split('/')[3]
  const t = getFixedT(isLocale(locale) ? locale : 'ru', 'common')
  if (!FORM_TYPES.test(request.headers.get('Content-Type') ?? '')) {
    throw data(t('errors.notAForm'), { status: 415 })
  }
  try {
    // Counted as it is read: a chunked body is never held past the limit.
    const body = await readBodyWithin(request, MAX_FORM_BYTES)
    if (!body.ok) throw data(t('errors.formTooLarge'), { status: 413 })
    return await new Request(request.url, {
      method: 'POST',
      headers: { 'Content-Type': request.headers.get('Content-Type')! },
      body: new Uint8Array(body.bytes),
    }).formData()
  } catch (error) {
    if (error instanceof Error && error.name === 'TypeError') throw data(t('errors.notAForm'), { status: 400 })
    throw error
  }
}
